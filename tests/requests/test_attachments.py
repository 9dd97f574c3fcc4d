"""Documents: accepted by content (not by name), size-limited, stored under MEDIA_ROOT outside
the database, and downloaded only by people inside the request."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from tests.requests.conftest import People

from bali.core.permissions import PermissionDenied
from bali.requests.attachments import do_add_attachment, sniff
from bali.requests.models import Request, RequestAttachment
from bali.requests.workflow import RequestConflict

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
PLAIN_ZIP = zipped({"payload.bin": b"\x00" * 10})


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("terms.pdf", PDF, "pdf"), ("map.PNG", PNG, "png"), ("plan.docx", DOCX, "docx"),
     ("plan.odt", ODT, "odt")],
)  # fmt: skip
def test_accepted_files_are_stored_outside_the_database(
    people: People,
    make_request: Callable[..., Request],
    media: Path,
    name: str,
    content: bytes,
    kind: str,
) -> None:
    request = make_request("submitted")
    attachment = do_add_attachment(people.focal_ke, request, upload(name, content))
    assert (attachment.kind, attachment.original_name, attachment.size) == (
        kind,
        name,
        len(content),
    )
    stored = media / attachment.file.name
    assert stored.parent == media / "requests" / request.reference
    assert stored.read_bytes() == content
    assert stored.name != name  # a random name, never the uploader's
    assert request.events.filter(action="attach").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", EXE),  # an executable renamed
        ("plan.docx", PLAIN_ZIP),  # a zip that is not an Office file
        ("photo.png", PDF),  # content and name disagree
        ("tool.exe", PDF),  # a type that is never accepted
        ("noextension", PDF),
        ("empty.pdf", b""),
    ],
)
def test_disguised_or_unknown_files_are_refused(
    people: People, make_request: Callable[..., Request], media: Path, name: str, content: bytes
) -> None:
    request = make_request("submitted")
    with pytest.raises(ValidationError) as info:
        do_add_attachment(people.focal_ke, request, upload(name, content))
    assert "file" in info.value.message_dict
    assert not RequestAttachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_oversized_files_are_refused(
    people: People,
    make_request: Callable[..., Request],
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.BALI_ATTACHMENT_MAX_MB = 1
    request = make_request("submitted")
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        do_add_attachment(people.focal_ke, request, upload("big.pdf", big))
    do_add_attachment(people.focal_ke, request, upload("small.pdf", PDF))


def test_who_may_attach(people: People, make_request: Callable[..., Request]) -> None:
    request = make_request("submitted")
    for outsider in (people.focal_sn, people.officer_asp, people.dtie):
        with pytest.raises(PermissionDenied):
            do_add_attachment(outsider, request, upload("a.pdf", PDF))
    do_add_attachment(people.officer_afr, request, upload("note.pdf", PDF))
    closed = make_request("declined")
    with pytest.raises(RequestConflict):
        do_add_attachment(people.focal_ke, closed, upload("late.pdf", PDF))


def test_download_only_for_insiders(people: People, make_request: Callable[..., Request]) -> None:
    request = make_request("submitted")
    attachment = do_add_attachment(people.focal_ke, request, upload("terms.pdf", PDF))
    url = f"/en/requests/{request.reference}/attachments/{attachment.pk}/"
    for user in (people.focal_ke2, people.officer_afr, people.hq):
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
    for user in (None, people.focal_sn, people.officer_asp, people.dtie):
        client = Client()
        if user:
            client.force_login(user)
        assert client.get(url).status_code == 404
    assert "terms.pdf" not in Client().get(f"/en/requests/{request.reference}/").content.decode()


def test_upload_through_the_page(people: People, make_request: Callable[..., Request]) -> None:
    request = make_request("draft")
    client = Client()
    client.force_login(people.focal_ke)
    url = f"/en/requests/{request.reference}/attachments/"
    response = client.post(url, {"file": upload("terms.pdf", PDF)})
    assert response.status_code == 302
    response = client.post(url, {"file": upload("virus.pdf", EXE)})
    assert response.status_code == 422
    assert "is not what its name says" in response.content.decode()
    assert request.attachments.count() == 1


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every multipart body Django parses (the upload read into memory or a file)."""
    from django.http.multipartparser import MultiPartParser

    calls: list[str] = []
    original = MultiPartParser.parse

    def parse(self: MultiPartParser) -> object:
        calls.append("parsed")
        return original(self)

    monkeypatch.setattr(MultiPartParser, "parse", parse)
    return calls


def test_page_upload_refused_before_the_file_is_read(
    people: People, make_request: Callable[..., Request], parsed: list[str]
) -> None:
    """Someone outside the request is refused before the upload is parsed (the CSRF check,
    which reads the form, comes after the permission check); insiders still need the token."""
    request = make_request("submitted")
    url = f"/en/requests/{request.reference}/attachments/"
    outsider = Client(enforce_csrf_checks=True)
    outsider.force_login(people.officer_asp)  # sees the public request, is not inside it
    response = outsider.post(url, {"file": upload("big.pdf", PDF)})
    assert response.status_code == 403
    assert "You may not add documents to this request." in response.content.decode()
    assert parsed == []
    insider = Client(enforce_csrf_checks=True)
    insider.force_login(people.focal_ke)
    assert insider.post(url, {"file": upload("terms.pdf", PDF)}).status_code == 403  # no token
    insider.get(f"/en/requests/{request.reference}/")
    token = insider.cookies["csrftoken"].value
    response = insider.post(url, {"file": upload("terms.pdf", PDF), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert list(request.attachments.values_list("original_name", flat=True)) == ["terms.pdf"]


def test_api_upload_refused_before_the_file_is_read(
    client: Client,
    people: People,
    make_request: Callable[..., Request],
    api_headers: Callable[..., dict[str, str]],
    parsed: list[str],
) -> None:
    request = make_request("submitted")
    base = f"/api/v1/requests/{request.reference}/attachments"
    response = client.post(base, {"file": upload("a.pdf", PDF)}, headers=api_headers(people.dewa))
    assert response.status_code == 403 and parsed == []
    assert not request.attachments.exists()


@given(st.binary(max_size=64))
def test_sniff_never_fails_and_refuses_executables(data: bytes) -> None:
    assert sniff(b"MZ" + data, io.BytesIO(b"MZ" + data)) is None
    sniff(data, io.BytesIO(data))  # any bytes: an answer, never an exception


def test_documents_through_the_api(
    client: Client,
    people: People,
    make_request: Callable[..., Request],
    api_headers: Callable[..., dict[str, str]],
) -> None:
    """Upload with a token (multipart), download with a token; outsiders get 404."""
    request = make_request("submitted")
    base = f"/api/v1/requests/{request.reference}/attachments"
    focal = api_headers(people.focal_ke)
    response = client.post(base, {"file": upload("terms.pdf", PDF)}, headers=focal)
    assert response.status_code == 201, response.content
    added = response.json()
    assert (added["name"], added["size"], added["content_type"]) == (
        "terms.pdf",
        len(PDF),
        "application/pdf",
    )
    assert added["api_url"] == f"{base}/{added['id']}"
    listed = client.get(f"/api/v1/requests/{request.reference}", headers=focal).json()
    assert listed["attachments"] == [added]
    download = client.get(added["api_url"], headers=api_headers(people.officer_afr))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    for outsider in (None, people.focal_sn, people.dtie):
        headers = api_headers(outsider) if outsider else {}
        assert client.get(added["api_url"], headers=headers).status_code == 404
    assert client.get(f"{base}/999999", headers=focal).status_code == 404
    disguised = client.post(base, {"file": upload("report.pdf", EXE)}, headers=focal)
    assert disguised.status_code == 422
    assert "is not what its name says" in disguised.json()["errors"]["file"][0]
    missing = client.post(base, {"other": "x"}, headers=focal)
    assert (missing.status_code, list(missing.json()["errors"])) == (422, ["file"])
    outsider = client.post(base, {"file": upload("a.pdf", PDF)}, headers=api_headers(people.dewa))
    assert outsider.status_code == 403
    broken = client.post(
        base,
        data=b"--x\r\nnot a part",
        content_type="multipart/form-data; boundary=x",
        headers=focal,
    )
    assert broken.status_code in (400, 422)
    assert request.attachments.count() == 1
