"""The import pages: upload a file and list the runs; follow one run (htmx refreshes its
progress while it works; without JavaScript the page refreshes itself)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from bali.iati import actions
from bali.iati.forms import UploadForm
from bali.iati.models import MESSAGE_LIMIT, ImportRun

STALLED_AFTER = timedelta(minutes=10)
MESSAGES_PER_PAGE = 100


def _runs(request: HttpRequest):  # type: ignore[no-untyped-def]
    actions.check_import(request.user)
    return ImportRun.objects.visible_to(request.user).select_related("created_by")


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    runs = _runs(request)
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                run = actions.do_start_import(
                    request.user,
                    form.cleaned_data["file"],
                    publisher=form.cleaned_data["publisher"],
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                return redirect("iati:run", run_id=run.pk)
        status = 400
    else:
        form = UploadForm()
    context = {
        "form": form,
        "runs": runs[:50],
        "max_mb": actions.max_upload_bytes() // (1024 * 1024),
    }
    return render(request, "iati/imports.html", context, status=status)


def _stalled(run: ImportRun) -> bool:
    last = run.heartbeat_at or run.created_at
    return run.is_active and last is not None and timezone.now() - last > STALLED_AFTER


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(_runs(request), pk=run_id)
    page = Paginator(run.messages.all(), MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "run": run,
        "page": page,
        "stalled": _stalled(run),
        "message_limit": MESSAGE_LIMIT,
    }
    return render(request, "iati/run.html", context)


@login_required
def run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress box alone, for htmx polling."""
    run = get_object_or_404(_runs(request), pk=run_id)
    return render(request, "iati/_progress.html", {"run": run, "stalled": _stalled(run)})
