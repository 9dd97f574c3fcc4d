"""The national focal point's desk: the country's requests, what awaits them, and the form
that creates and edits a request (drafts are saved; submitting checks completeness)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bali.accounts.models import User
from bali.accounts.roles import Role
from bali.core.i18n import active_iso_language
from bali.core.permissions import PermissionDenied
from bali.requests.actions import EDITABLE_STATUSES, do_create_request, do_update_request
from bali.requests.forms import RequestForm
from bali.requests.models import Request
from bali.requests.permissions import Party, check_create_request, check_party
from bali.requests.views.common import add_service_errors, signed_in, visible_request
from bali.requests.workflow import RequestConflict, TransitionInput, do_transition_request


def _require_focal_point(request: HttpRequest) -> User:
    user = signed_in(request)
    if user.role != Role.NATIONAL_FOCAL_POINT or not user.country_id:
        raise PermissionDenied(_("This page is for national focal points."))
    return user


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    user = _require_focal_point(request)
    country_requests = Request.objects.filter(country_id=user.country_id)
    return render(
        request,
        "requests/desk.html",
        {
            "country": user.country,
            "awaiting": country_requests.awaiting_country().with_related().queue_order(),
            "all_requests": country_requests.with_related().order_by("-created_at", "-id"),
        },
    )


@login_required
def new_request(request: HttpRequest) -> HttpResponse:
    """The form in the page's language: a person writing on the French page writes French."""
    check_create_request(request.user)
    form = RequestForm(request.POST or None, initial={"language": active_iso_language()})
    if request.method == "POST" and form.is_valid():
        try:
            created = do_create_request(
                request.user, form.to_data(), submit="submit" in request.POST
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _saved_message(created))
            return redirect("requests:detail", ref=created.reference)
    return render(request, "requests/form.html", {"form": form, "req": None}, status=_status(form))


@login_required
def edit_request(request: HttpRequest, ref: str) -> HttpResponse:
    found = visible_request(request, ref)
    check_party(request.user, found, Party.COUNTRY)
    if found.status not in EDITABLE_STATUSES:
        messages.error(request, _not_editable(found))
        return redirect("requests:detail", ref=found.reference)
    form = RequestForm(request.POST or None, initial=RequestForm.initial_for(found))
    if request.method == "POST" and form.is_valid():
        try:
            _save_and_maybe_send(request, found, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except RequestConflict as exc:
            form.add_error(None, str(exc))
        else:
            found.refresh_from_db()
            messages.success(request, _saved_message(found))
            return redirect("requests:detail", ref=found.reference)
    return render(request, "requests/form.html", {"form": form, "req": found}, status=_status(form))


@transaction.atomic
def _save_and_maybe_send(request: HttpRequest, found: Request, form: RequestForm) -> None:
    """Save the changes and, when asked, send the request: both or neither."""
    version = form.cleaned_data.get("version")
    data = form.to_data(changed_only=True)
    updated = do_update_request(request.user, found, data, version=version)
    if "submit" in request.POST:
        action = "submit" if updated.status == "draft" else "resubmit"
        do_transition_request(
            request.user,
            updated,
            action,
            TransitionInput(note=request.POST.get("answer", ""), public=False),
        )


def _not_editable(found: Request) -> str:
    return _(
        "Only drafts and requests sent back for information can be changed; this one is %(status)s."
    ) % {"status": found.get_status_display().lower()}


def _saved_message(found: Request) -> str:
    if found.status == "draft":
        return _("Draft %(reference)s saved.") % {"reference": found.reference}
    return _("Request %(reference)s sent to the regional office.") % {"reference": found.reference}


def _status(form: RequestForm) -> int:
    return 422 if form.is_bound and form.errors else 200
