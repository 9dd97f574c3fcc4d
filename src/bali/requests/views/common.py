"""Helpers shared by the request views: finding a request the way the API does (a hidden
draft is a 404, like a reference that does not exist) and showing service errors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from bali.accounts.models import User
from bali.requests.models import Request


def signed_in(request: HttpRequest) -> User:
    """The person behind a `login_required` view."""
    user = request.user
    assert isinstance(user, User), "the view must be login_required"
    return user


def visible_request(request: HttpRequest, ref: str) -> Request:
    found = Request.objects.visible_to(request.user).with_related().filter(reference=ref).first()
    if found is None:
        raise Http404(_("There is no request %(reference)s.") % {"reference": ref})
    return found


def error_messages(exc: ValidationError) -> list[str]:
    """Every message of a service's ValidationError, for the top of a page."""
    if hasattr(exc, "error_dict"):
        return [str(message) for messages in exc.message_dict.values() for message in messages]
    return [str(message) for message in exc.messages]


def add_service_errors(form: Any, exc: ValidationError) -> None:
    """Show a service's field errors beside the form's fields (others at the top)."""
    for field, messages in exc.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
