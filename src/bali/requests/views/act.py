"""POST targets of the request page: workflow steps, documents, and the download of documents.

A refused step re-renders the request page with the service's message and the HTTP status the
API would give (403, 409, 422), so a browser without JavaScript shows why nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from bali.core.permissions import PermissionDenied
from bali.requests.attachments import attachment_response, do_add_attachment
from bali.requests.forms import AttachmentForm, TransitionForm
from bali.requests.models import Request
from bali.requests.permissions import check_attach
from bali.requests.transitions import TRANSITIONS
from bali.requests.views.common import error_messages, visible_request
from bali.requests.views.detail import detail_context
from bali.requests.workflow import RequestConflict, do_transition_request

View = Callable[[HttpRequest, str], HttpResponse]


def _back(request: HttpRequest, found: Request) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("requests:detail", ref=found.reference)


def _refused(request: HttpRequest, found: Request, message: list[str], status: int) -> HttpResponse:
    fresh = visible_request(request, found.reference)
    return render(
        request, "requests/detail.html", detail_context(request, fresh, message), status=status
    )


def _refusal(
    request: HttpRequest, found: Request, work: Callable[[], object]
) -> HttpResponse | None:
    """Run one service call; a refusal re-renders the page with the API's status code."""
    try:
        work()
    except PermissionDenied as exc:
        return _refused(request, found, [str(exc)], 403)
    except RequestConflict as exc:
        return _refused(request, found, [str(exc)], 409)
    except ValidationError as exc:
        return _refused(request, found, error_messages(exc), 422)
    return None


def posted_only(view: View) -> View:
    """A GET of a form's target (after signing in again, or a reload) shows the request page
    instead of an empty 405."""

    @wraps(view)
    def wrapper(request: HttpRequest, ref: str) -> HttpResponse:
        if request.method != "POST":
            return redirect("requests:detail", ref=ref)
        return view(request, ref)

    return wrapper


@login_required
@posted_only
def act(request: HttpRequest, ref: str) -> HttpResponse:
    """Take one workflow step from a button or a form of the request page or a queue."""
    found = visible_request(request, ref)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _refused(request, found, [_("The form was not complete; try again.")], 400)
    action = form.cleaned_data["action"]
    refused = _refusal(
        request,
        found,
        lambda: do_transition_request(request.user, found, action, form.transition_input()),
    )
    if refused is not None:
        return refused
    step = TRANSITIONS[action].label
    messages.success(request, _("%(reference)s: %(step)s done.") % {"reference": ref, "step": step})
    return _back(request, found)


@csrf_exempt  # checked by `_attach`, once the person may attach (see the docstring)
@login_required
@posted_only
def attach(request: HttpRequest, ref: str) -> HttpResponse:
    """Add a document from the request page. Who may attach is decided before the body is
    read: the CSRF check reads the form (and so the whole upload), so it runs afterwards, for
    people inside the request only; anyone else is refused without the upload being parsed."""
    found = visible_request(request, ref)
    refused = _refusal(request, found, lambda: check_attach(request.user, found))
    if refused is not None:
        return refused
    return _attach(request, found)


@csrf_protect
def _attach(request: HttpRequest, found: Request) -> HttpResponse:
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, found, [_("Choose a file to attach.")], 400)
    upload = form.cleaned_data["file"]
    refused = _refusal(request, found, lambda: do_add_attachment(request.user, found, upload))
    if refused is not None:
        return refused
    messages.success(request, _("%(name)s was attached.") % {"name": upload.name})
    return redirect("requests:detail", ref=found.reference)


def download(request: HttpRequest, ref: str, attachment_id: int) -> FileResponse:
    """Documents are for people inside the request; others get 404, as for a missing file."""
    found = visible_request(request, ref)
    return attachment_response(request.user, found, attachment_id)
