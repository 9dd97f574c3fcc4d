"""Starting an import from the web or the API: permission, checks, saving the file, launching.

Only HQ coordinators and administrators (`user.is_global`) import: an import writes records of
other publishers into the public clearinghouse. The rule is checked here, so the page and the
API cannot disagree.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from bali.core.permissions import PermissionDenied
from bali.iati import runs
from bali.iati.models import ImportRun, RunOrigin

# How a queued run is carried out; tests replace it to run in the same process.
launcher: Callable[[ImportRun], Any] = runs.spawn


def can_import(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_global", False)
    )


def check_import(user: Any) -> None:
    if not can_import(user):
        raise PermissionDenied(_("Only HQ coordinators and administrators may import IATI files."))


def max_upload_bytes() -> int:
    return int(settings.MAX_UPLOAD_MB) * 1024 * 1024


def _check_upload(upload: UploadedFile | None) -> None:
    if upload is None:
        raise ValidationError({"file": [_("Choose an IATI XML file to upload.")]})
    if not upload.size:
        raise ValidationError({"file": [_("The file is empty.")]})
    if upload.size > max_upload_bytes():
        raise ValidationError(
            {
                "file": [
                    _("The file is larger than the limit of %(limit)d MB.")
                    % {"limit": settings.MAX_UPLOAD_MB}
                ]
            }
        )


def _save(upload: UploadedFile) -> Path:
    path = runs.upload_dir() / f"{uuid.uuid4().hex}.xml"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def do_start_import(
    actor: Any,
    upload: UploadedFile | None,
    *,
    publisher: str = "",
    origin: str = RunOrigin.UPLOAD,
) -> ImportRun:
    """Save an uploaded file and start importing it outside the request; returns the run."""
    check_import(actor)
    _check_upload(upload)
    assert upload is not None
    publisher = (publisher or "").strip()
    if len(publisher) > 150:
        raise ValidationError({"publisher": [_("At most 150 characters.")]})
    path = _save(upload)
    name = Path(upload.name or "upload.xml").name
    run = ImportRun.objects.create(
        origin=origin,
        label=name[:300],
        sources=[str(path)],
        publisher=publisher,
        created_by=actor,
    )
    launcher(run)
    return run
