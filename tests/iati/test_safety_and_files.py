"""Files as they arrive: unsafe XML refused, broken or foreign files an error for that file
only, encodings and compression recognised, memory kept flat by clearing elements."""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.iati.conftest import activity_xml

from bali.activities.models import Activity
from bali.iati.parser import UNSAFE, ActivityStream, FileError
from bali.iati.service import ImportReport

pytestmark = pytest.mark.django_db

ONE = "<iati-identifier>XM-TEST-1</iati-identifier><title><narrative>One</narrative></title>"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<iati-activities version="2.03"><iati-activity>
<iati-identifier>XM-LOL-1</iati-identifier><title><narrative>&lol9;</narrative></title>
</iati-activity></iati-activities>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE iati-activities [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<iati-activities version="2.03"><iati-activity>
<iati-identifier>XM-XXE-1</iati-identifier><title><narrative>&secret;</narrative></title>
</iati-activity></iati-activities>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE iati-activities SYSTEM "http://127.0.0.1:9/evil.dtd">
<iati-activities version="2.03"><iati-activity><iati-identifier>XM-DTD-1</iati-identifier>
</iati-activity></iati-activities>
"""


def _only_file(report: ImportReport) -> dict:
    assert len(report.files) == 1
    return report.files[0].as_dict()


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_doctype_files_are_refused_with_a_clear_error(
    content: bytes, write_xml: Callable[..., Path], import_paths: Callable[..., ImportReport]
) -> None:
    report = import_paths(write_xml(content))
    result = _only_file(report)
    assert result["failed"] is True
    assert "DOCTYPE" in result["error"] and "refused" in result["error"]
    assert result["activities"] == 0
    assert not Activity.objects.exists()


def test_external_entity_content_is_never_read(write_xml: Callable[..., Path]) -> None:
    with write_xml(EXTERNAL_ENTITY).open("rb") as handle, pytest.raises(FileError) as caught:
        list(ActivityStream(handle, "x.xml").batches())
    assert caught.value.message == UNSAFE
    assert "root:" not in str(caught.value)


def test_a_bad_file_fails_alone_and_the_others_are_imported(
    write_xml: Callable[..., Path], import_paths: Callable[..., ImportReport]
) -> None:
    good = write_xml(activity_xml(ONE), "a-good.xml")
    not_xml = write_xml(b"%PDF-1.4 this is not XML", "b-not-xml.xml")
    not_iati = write_xml(b"<?xml version='1.0'?><html><body/></html>", "c-html.xml")
    organisation = write_xml(b"<iati-organisations version='2.03'/>", "d-org.xml")
    empty = write_xml(b"", "e-empty.xml")
    report = import_paths(good, not_xml, not_iati, organisation, empty)
    by_name = {Path(f.source).name: f for f in report.files}
    assert not by_name["a-good.xml"].failed
    assert by_name["b-not-xml.xml"].failed and "not an XML file" in by_name["b-not-xml.xml"].error
    assert by_name["c-html.xml"].failed and "<html>" in by_name["c-html.xml"].error
    assert "organisation file" in by_name["d-org.xml"].error
    assert "empty" in by_name["e-empty.xml"].error
    assert report.failed_files == 4
    assert Activity.objects.filter(iati_identifier="XM-TEST-1").exists()


def test_broken_xml_keeps_what_was_read_before_and_says_where(
    write_xml: Callable[..., Path], import_paths: Callable[..., ImportReport]
) -> None:
    body = "".join(
        f"<iati-activity><iati-identifier>XM-CUT-{i}</iati-identifier></iati-activity>\n"
        for i in range(3)
    )
    content = activity_xml(body).decode()
    cut = content[: content.index("XM-CUT-2")] + "XM-CUT-2</iati-identif"
    report = import_paths(write_xml(cut), batch_size=1)
    result = report.files[0]
    assert result.failed and "broken" in result.error
    assert set(Activity.objects.values_list("iati_identifier", flat=True)) == {
        "XM-CUT-0",
        "XM-CUT-1",
    }


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.replace("UTF-8", "UTF-16").encode("utf-16"),
        lambda text: text.replace("UTF-8", "UTF-16").encode("utf-16-le"),
        lambda text: text.split("\n", 1)[1].encode("utf-8"),  # no XML declaration
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le-declared", "no-declaration"],
)
def test_encodings_and_declarations(
    encode: Callable[[str], bytes],
    write_xml: Callable[..., Path],
    import_paths: Callable[..., ImportReport],
) -> None:
    text = activity_xml(
        "<iati-identifier>XM-ENC-1</iati-identifier>"
        "<title><narrative>Énergie 能源 طاقة</narrative></title>",
        attrs='xml:lang="fr"',
    ).decode()
    report = import_paths(write_xml(encode(text)))
    assert report.failed_files == 0, report.files[0].error
    assert Activity.objects.get(iati_identifier="XM-ENC-1").title == {"fr": "Énergie 能源 طاقة"}


def test_gzip_is_recognised_by_content_and_folders_are_read_recursively(
    tmp_path: Path, import_paths: Callable[..., ImportReport]
) -> None:
    nested = tmp_path / "publisher" / "2024"
    nested.mkdir(parents=True)
    (nested / "a.xml.gz").write_bytes(gzip.compress(activity_xml(ONE)))
    (nested / "b.gz").write_bytes(
        gzip.compress(activity_xml(ONE.replace("XM-TEST-1", "XM-TEST-2")))
    )
    (tmp_path / "notes.txt").write_text("not imported")
    report = import_paths(tmp_path)
    assert len(report.files) == 2 and report.failed_files == 0
    assert Activity.objects.count() == 2


def test_elements_are_cleared_as_the_file_is_read() -> None:
    body = "".join(
        f"<iati-activity><iati-identifier>XM-MEM-{i}</iati-identifier>"
        f"<title><narrative>{'x' * 300}</narrative></title></iati-activity>"
        for i in range(3000)
    )
    stream = ActivityStream(io.BytesIO(activity_xml(body)), "mem.xml", batch_size=100)
    sizes = []
    for batch in stream.batches():
        root = batch[0].element.getparent()
        sizes.append(len(root))  # activities still attached to the root
        assert batch[0].element.find("title") is not None  # the batch itself is whole
    assert len(sizes) == 30
    # One batch and what the parser has read ahead, never the 3,000 activities of the file.
    assert max(sizes) < 500
