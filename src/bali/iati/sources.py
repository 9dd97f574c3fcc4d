"""Where IATI files come from: paths, folders (recursively), `.gz` files and http(s) URLs.

`expand_sources` turns command-line arguments into a list of sources and refuses arguments that
name nothing (exit code 2, before any work). `open_source` gives a binary stream of the XML:
gzip is recognised by its magic bytes, whatever the file is called, and URL downloads and
decompressed data are cut off at a size limit so that a hostile server or a gzip bomb cannot
fill the disk or the memory. Bytes are counted on the raw stream for the progress bar.
"""

from __future__ import annotations

import gzip
import io
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext_noop

XML_SUFFIXES = (".xml", ".gz", ".iati")
# Default size limit of URL downloads and of the decompressed data of uploads, in megabytes
# (`bali import-iati --max-source-mb` changes it): big enough for the largest publishers' files.
MAX_SOURCE_MB = 1000
URL_TIMEOUT = 60

MISSING = gettext_noop("%(source)s does not exist")
TOO_LARGE = gettext_noop("the file is larger than the limit of %(limit)d MB; import stopped")
DOWNLOAD_FAILED = gettext_noop("could not download the file: %(reason)s")
NOT_HTTP = gettext_noop("only http and https addresses can be imported")
CANNOT_OPEN = gettext_noop("could not open the file: %(reason)s")


class SourceError(Exception):
    """A source cannot be read; message id and parameters for `Issue`."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Source:
    label: str  # what messages and provenance show: the path or the URL
    path: Path | None = None
    url: str | None = None

    @property
    def size(self) -> int | None:
        if self.path is not None:
            try:
                return self.path.stat().st_size
            except OSError:
                return None
        return None


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def expand_sources(arguments: list[str]) -> list[Source]:
    """Sources named by the arguments, folders expanded (sorted, so runs are repeatable)."""
    sources: list[Source] = []
    for argument in arguments:
        if is_url(argument):
            sources.append(Source(label=argument, url=argument))
            continue
        path = Path(argument)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in XML_SUFFIXES
            )
            sources.extend(Source(label=str(p), path=p) for p in files)
        elif path.is_file():
            sources.append(Source(label=str(path), path=path))
        else:
            raise SourceError(MISSING, source=argument)
    return sources


class CountingReader(io.RawIOBase):
    """Counts the bytes read from the raw stream (progress), and refuses to read past `limit`."""

    def __init__(self, raw: IO[bytes], limit: int | None = None) -> None:
        self.raw = raw
        self.limit = limit
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        self.count += len(data)
        if self.limit is not None and self.count > self.limit:
            raise SourceError(TOO_LARGE, limit=self.limit // (1024 * 1024))
        buffer[: len(data)] = data
        return len(data)


class PrefixedReader(io.RawIOBase):
    """A stream that first gives back bytes already read from it (after sniffing)."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        self.prefix = prefix
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.prefix:
            size = min(len(buffer), len(self.prefix))
            buffer[:size] = self.prefix[:size]
            self.prefix = self.prefix[size:]
            return size
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _maybe_gunzip(stream: IO[bytes], limit: int | None) -> IO[bytes]:
    head = stream.read(2)
    stream = io.BufferedReader(PrefixedReader(head, stream))
    if head == b"\x1f\x8b":
        unpacked = gzip.GzipFile(fileobj=stream, mode="rb")
        return io.BufferedReader(CountingReader(unpacked, limit))  # type: ignore[arg-type]
    return stream


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if not is_url(newurl):
            raise SourceError(NOT_HTTP)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _open_url(url: str, limit: int | None) -> IO[bytes]:
    opener = urllib.request.build_opener(_HttpOnlyRedirects())
    request = urllib.request.Request(url, headers={"User-Agent": "bali-clearinghouse-import"})
    try:
        response = opener.open(request, timeout=URL_TIMEOUT)
    except urllib.error.HTTPError as exc:
        raise SourceError(DOWNLOAD_FAILED, reason=f"HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise SourceError(DOWNLOAD_FAILED, reason=str(getattr(exc, "reason", exc))) from exc
    length = response.headers.get("Content-Length")
    if limit is not None and length and length.isdigit() and int(length) > limit:
        response.close()
        raise SourceError(TOO_LARGE, limit=limit // (1024 * 1024))
    return response  # type: ignore[no-any-return]


@contextmanager
def open_source(source: Source, limit: int | None = None) -> Iterator[tuple[IO[bytes], Any]]:
    """(XML byte stream, raw counter with `.count` bytes read) for a source.

    `limit` (bytes), when given, applies to the bytes read and to the decompressed data; the
    caller gives it for URLs and uploads, not for files the operator names on the command line.
    """
    if source.url is not None:
        raw: IO[bytes] = _open_url(source.url, limit)
        counter = CountingReader(raw, limit)
    else:
        assert source.path is not None
        try:
            raw = source.path.open("rb")
        except OSError as exc:
            raise SourceError(CANNOT_OPEN, reason=exc.strerror or str(exc)) from exc
        counter = CountingReader(raw, limit)
    try:
        stream = _maybe_gunzip(io.BufferedReader(counter, 1024 * 1024), limit)
        yield stream, counter
    finally:
        raw.close()
