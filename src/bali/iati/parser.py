"""Streaming an IATI activity file safely, in batches of `<iati-activity>` elements.

Untrusted XML: the parser never loads a DTD, never resolves entities, never touches the network
and keeps libxml2's size limits (`huge_tree` off). A file with a DOCTYPE is refused outright, so
billion-laughs and external-entity files fail with a clear error for that file only.

Memory stays flat whatever the file size: lxml's iterparse builds one activity at a time, the
batch's elements are cleared once the importer has used them, and earlier siblings are removed.
For each activity a light first pass reads only the identifier, `last-updated-datetime` and a
digest of the element, so the importer can tell unchanged activities from the others without
reading them in full.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from django.utils.translation import gettext_noop
from lxml import etree

from bali.iati import values
from bali.iati.issues import ActivityIssues, Issue
from bali.iati.seen import SeenIdentifiers
from bali.iati.sources import PrefixedReader
from bali.iati.xmltext import XML_LANG, element_text, language

SAFE_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_blank_text": True,  # fewer nodes to build, read and clear
}
SNIFF_CHUNK = 64 * 1024
SNIFF_LIMIT = 1024 * 1024
BATCH_SIZE = 500

NOT_XML = gettext_noop("not an XML file: %(reason)s")
EMPTY = gettext_noop("the file is empty")
BROKEN_XML = gettext_noop("the XML is broken here, the rest of the file was not read: %(reason)s")
UNSAFE = gettext_noop(
    "the file declares a DOCTYPE (a DTD or entities); such files are refused because entity "
    "expansion and external entities are unsafe"
)
NOT_IATI = gettext_noop(
    "not an IATI activity file (the root element is <%(tag)s>, not <iati-activities>)"
)
ORGANISATION_FILE = gettext_noop("an IATI organisation file, not an activity file; not imported")
NO_VERSION = gettext_noop("the file does not say which IATI version it follows")
NO_IDENTIFIER = gettext_noop("activity without an iati-identifier; skipped")
MADE_IDENTIFIER = gettext_noop(
    "no iati-identifier; %(identifier)s was made from the other-identifier"
)
LONG_IDENTIFIER = gettext_noop("the iati-identifier is longer than 255 characters; skipped")
DUPLICATE = gettext_noop(
    "the identifier occurs again in this file (line %(first)s); the last one wins"
)
BAD_TIMESTAMP = gettext_noop("last-updated-datetime %(value)s cannot be read; ignored")

_SPACES = re.compile(r"\s+")


class FileError(Exception):
    """The file cannot be read (not XML, not IATI, unsafe); the import goes on with the next."""

    def __init__(self, message: str, line: int | None = None, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.line = line
        self.params = params


@dataclass
class FileInfo:
    label: str
    version: str = ""
    lang: str = ""
    activities: int = 0
    issues: list[Issue] = field(default_factory=list)


@dataclass(slots=True)
class Pending:
    """One activity element, read lightly; the importer decides whether to read it in full."""

    element: Any
    identifier: str
    line: int | None
    timestamp: datetime | None
    issues: ActivityIssues
    context: bytes = b""
    duplicate: bool = False
    skip: bool = False
    _digest: str = ""

    def digest(self) -> str:
        """Digest of the element and the file context it is read in; computed only when the
        timestamps cannot tell whether the activity changed, or when it is written."""
        if not self._digest and self.element is not None:
            digest = hashlib.blake2b(
                etree.tostring(self.element, with_tail=False), digest_size=16, person=b"bali-iati"
            )
            digest.update(self.context)
            self._digest = digest.hexdigest()
        return self._digest


def _syntax_reason(exc: etree.XMLSyntaxError) -> str:
    return str(exc.msg or exc).strip()


def _declares_doctype(prefix: bytes) -> bool:
    return any(
        "<!DOCTYPE".encode(encoding) in prefix for encoding in ("utf-8", "utf-16-le", "utf-16-be")
    )


def sniff(stream: IO[bytes]) -> tuple[bytes, str]:
    """Read the start of the file up to its root element: (bytes read, root tag).

    Refuses files that are not XML or declare a DOCTYPE before any content is used.
    """
    parser = etree.XMLPullParser(events=("start",), **SAFE_PARSER_OPTIONS)
    prefix = b""
    while len(prefix) < SNIFF_LIMIT:
        chunk = stream.read(SNIFF_CHUNK)
        if not chunk:
            break
        prefix += chunk
        try:
            parser.feed(chunk)
        except etree.XMLSyntaxError as exc:
            if _declares_doctype(prefix):  # libxml2 stopped an entity bomb: say why it is refused
                raise FileError(UNSAFE, 1) from exc
            raise FileError(NOT_XML, exc.lineno, reason=_syntax_reason(exc)) from exc
        for _event, element in parser.read_events():
            docinfo = element.getroottree().docinfo
            if docinfo.internalDTD is not None or docinfo.doctype or docinfo.system_url:
                raise FileError(UNSAFE, 1)
            return prefix, element.tag
    if not prefix.strip():
        raise FileError(EMPTY)
    try:
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise FileError(NOT_XML, exc.lineno, reason=_syntax_reason(exc)) from exc
    raise FileError(NOT_XML, reason="no root element")


def _slug(text: str) -> str:
    return _SPACES.sub("-", text.strip())


def _made_identifier(element: Any) -> str:
    """`{owner or reporting organisation}-{other identifier}`, for pilot files that have none."""
    other = element.find("other-identifier")
    if other is None:
        return ""
    own = (other.get("ref") or element_text(other)).strip()
    reporting = element.find("reporting-org")
    prefix = other.get("owner-ref") or ""
    if not prefix and reporting is not None:
        narrative = reporting.find("narrative")
        name = element_text(narrative if narrative is not None else reporting)
        prefix = reporting.get("ref") or _slug(name)
    prefix = prefix or _slug(other.get("owner-name") or "")
    if not own or not prefix:
        return ""
    return _slug(own) if own.startswith(prefix) else f"{_slug(prefix)}-{_slug(own)}"


class ActivityStream:
    """Iterate over batches of `Pending` activities of one file."""

    def __init__(self, stream: IO[bytes], label: str, batch_size: int = BATCH_SIZE) -> None:
        self.stream = stream
        self.info = FileInfo(label)
        self.batch_size = batch_size
        self.seen = SeenIdentifiers()
        self.context = b"||"  # what an activity's digest adds: the file's version and language

    def _file_issue(self, message: str, line: int | None = None, **params: Any) -> None:
        self.info.issues.append(Issue("warning", self.info.label, line, "", message, params))

    def _root(self, element: Any) -> None:
        self.info.version = (element.get("version") or "").strip()[:8]
        self.info.lang = language(element.get(XML_LANG))
        self.context = f"|{self.info.version}|{self.info.lang}".encode()
        if not self.info.version:
            self._file_issue(NO_VERSION, element.sourceline)

    def _pending(self, element: Any) -> Pending:
        line = element.sourceline
        # `iterchildren` with a tag filters in C; `find` goes through ElementPath (10x dearer),
        # and this runs for every activity of every file, changed or not.
        id_element = next(element.iterchildren("iati-identifier"), None)
        identifier = element_text(id_element) if id_element is not None else ""
        issues = ActivityIssues(self.info.label, 0, identifier)
        skip = False
        if not identifier:
            identifier = _made_identifier(element)
            issues.identifier = identifier
            if identifier:
                issues.warn(element, MADE_IDENTIFIER, identifier=identifier)
            else:
                issues.error(element, NO_IDENTIFIER)
                skip = True
        if len(identifier) > 255:
            issues.error(element, LONG_IDENTIFIER)
            skip = True
        raw_time = element.get("last-updated-datetime")
        timestamp, problem = values.read_timestamp(raw_time)
        if problem:
            issues.warn(element, BAD_TIMESTAMP, value=raw_time)
        pending = Pending(element, identifier, line, timestamp, issues, self.context)
        pending.skip = skip
        if not skip:
            seen, first = self.seen.add(identifier, line)
            if seen:
                issues.warn(element, DUPLICATE, first=first)
                pending.duplicate = True
        return pending

    @staticmethod
    def release(batch: list[Pending]) -> None:
        """Free the elements the importer has used (safe: their end event has passed)."""
        for pending in batch:
            element = pending.element
            element.clear(keep_tail=True)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
            pending.element = None

    def batches(self, release: bool = True) -> Iterator[list[Pending]]:
        """Batches of pending activities; a batch's elements are freed when the next batch is
        asked for (with `release=False` the caller frees them with `release`, in order, and
        may keep a batch while the next ones are parsed)."""
        prefix, root_tag = sniff(self.stream)
        if root_tag == "iati-organisations":
            raise FileError(ORGANISATION_FILE, 1)
        if root_tag != "iati-activities":
            raise FileError(NOT_IATI, 1, tag=str(root_tag))
        context = etree.iterparse(
            PrefixedReader(prefix, self.stream),
            events=("end",),  # the root's attributes are read when its first activity ends
            tag="iati-activity",
            **SAFE_PARSER_OPTIONS,
        )
        batch: list[Pending] = []
        error: FileError | None = None
        root_seen = False
        try:
            for _event, element in context:
                if not root_seen:
                    self._root(element.getroottree().getroot())
                    root_seen = True
                self.info.activities += 1
                batch.append(self._pending(element))
                if len(batch) >= self.batch_size:
                    yield batch
                    if release:
                        self.release(batch)
                    batch = []
            if not root_seen:  # a file without activities still says its version
                self._root(context.root)
        except etree.XMLSyntaxError as exc:
            error = FileError(BROKEN_XML, exc.lineno, reason=_syntax_reason(exc))
        if batch:  # what was read before a syntax error is still imported
            yield batch
            if release:
                self.release(batch)
        if error is not None:
            raise error
