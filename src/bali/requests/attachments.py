"""Documents attached to a request: PDF, Office files and images, checked by content.

The file's first bytes decide what it is (an `.exe` renamed `.pdf` starts with `MZ`, not
`%PDF-`, and is refused), and the name's extension must agree with them. Files are stored under
`MEDIA_ROOT/requests/<reference>/` with a random name, never served directly: the download view
checks that the person asking is inside the request. The largest size is the setting
`BALI_ATTACHMENT_MAX_MB` (10 MB by default).
"""

from __future__ import annotations

import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bali.requests import permissions
from bali.requests.locking import run_locked
from bali.requests.models import Request, RequestAttachment
from bali.requests.permissions import is_insider
from bali.requests.workflow import RequestConflict, lock_request, record_event

if TYPE_CHECKING:
    from bali.accounts.models import User
    from bali.requests.permissions import Actor

MAX_ATTACHMENTS = 20
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (doc, xls, ppt)
ZIP = b"PK\x03\x04"  # OOXML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp)


@dataclass(frozen=True)
class FileKind:
    kind: str
    content_type: str
    extensions: tuple[str, ...]


KINDS = {
    kind.kind: kind
    for kind in (
        FileKind("pdf", "application/pdf", ("pdf",)),
        FileKind("png", "image/png", ("png",)),
        FileKind("jpeg", "image/jpeg", ("jpg", "jpeg")),
        FileKind("gif", "image/gif", ("gif",)),
        FileKind("webp", "image/webp", ("webp",)),
        FileKind("tiff", "image/tiff", ("tif", "tiff")),
        FileKind("ole2", "application/octet-stream", ("doc", "xls", "ppt")),
        FileKind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        FileKind(
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
        ),
        FileKind(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
        ),
        FileKind("odt", "application/vnd.oasis.opendocument.text", ("odt",)),
        FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
        FileKind("odp", "application/vnd.oasis.opendocument.presentation", ("odp",)),
    )
}
LEGACY_OFFICE_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
ACCEPTED_EXTENSIONS = tuple(sorted(ext for kind in KINDS.values() for ext in kind.extensions))
OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}


def max_bytes() -> int:
    return int(getattr(settings, "BALI_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


def sniff(head: bytes, stream: IO[bytes] | None = None) -> str | None:
    """The kind of file its first bytes show, or None for anything not accepted."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(OLE2):
        return "ole2"
    if head.startswith(ZIP) and stream is not None:
        return _zip_kind(stream)
    return None


def _zip_kind(stream: IO[bytes]) -> str | None:
    """Tell an Office Open XML or OpenDocument file from any other ZIP archive."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "ignore").strip()
                return {k.content_type: k.kind for k in KINDS.values()}.get(mimetype)
            if "[Content_Types].xml" in names:
                for prefix, kind in OOXML_PARTS.items():
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def check_file(upload: UploadedFile) -> tuple[str, str]:
    """(kind, content type) of an acceptable upload; raises ValidationError otherwise."""
    name = PurePath(upload.name or "").name
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    limit = max_bytes()
    if upload.size is None or upload.size > limit:
        raise _invalid(
            _("The file is larger than %(limit)d MB.") % {"limit": limit // (1024 * 1024)}
        )
    if upload.size == 0:
        raise _invalid(_("The file is empty."))
    if extension not in ACCEPTED_EXTENSIONS:
        raise _invalid(
            _("Attach PDF, Office documents or images (%(extensions)s).")
            % {"extensions": ", ".join(ACCEPTED_EXTENSIONS)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head, upload)
    upload.seek(0)
    if kind is None or extension not in KINDS[kind].extensions:
        raise _invalid(
            _("The content of %(name)s is not what its name says; it was refused.") % {"name": name}
        )
    content_type = LEGACY_OFFICE_TYPES.get(extension, KINDS[kind].content_type)
    return kind, content_type


def _invalid(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def do_add_attachment(
    actor: Actor, request: Request, upload: UploadedFile, *, now: datetime | None = None
) -> RequestAttachment:
    """Store a checked file for a request; people inside an open request may add documents."""
    now = now or timezone.now()
    uploader = permissions.check_attach(actor, request)
    kind, content_type = check_file(upload)
    original = PurePath(upload.name or "file").name[-200:]
    return run_locked(lambda: _store(uploader, request, upload, original, kind, content_type, now))


def _store(
    actor: User,
    request: Request,
    upload: UploadedFile,
    original: str,
    kind: str,
    content_type: str,
    now: datetime,
) -> RequestAttachment:
    locked = lock_request(request)
    if locked.is_closed:
        raise RequestConflict(_("Documents cannot be added to a closed request."))
    if locked.attachments.count() >= MAX_ATTACHMENTS:
        raise _invalid(
            _("A request holds at most %(count)d documents.") % {"count": MAX_ATTACHMENTS}
        )
    extension = original.rpartition(".")[2].lower()
    attachment = RequestAttachment(
        request=locked,
        stored_name=f"{secrets.token_hex(16)}.{extension}",
        original_name=original,
        kind=kind,
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor,
        uploaded_at=now,
    )
    attachment.file.save(attachment.stored_name, upload, save=False)
    try:
        attachment.save()
        record_event(locked, actor, "attach", locked.status, "", False, now, {"file": original})
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def attachment_response(actor: Actor, request: Request, attachment_id: int) -> FileResponse:
    """The document as a download, for people inside the request; anyone else gets the same
    404 as for a document that does not exist (pages and API alike)."""
    attachment = request.attachments.filter(pk=attachment_id).first()
    if attachment is None or not is_insider(actor, request):
        raise Http404(_("There is no such document."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("There is no such document.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
