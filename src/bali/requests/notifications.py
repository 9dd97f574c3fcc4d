"""E-mail on each step of a request, to the submitter and the assignee, in each one's language.

Sent after the transaction commits (a rolled-back step sends nothing). An internal note goes
only to recipients who are inside the request after the step (`permissions.is_insider`): the
assignee who lost the request on `reassign` is told of the change, without the internal note.
When a submitted request reaches the office (submitted, answered, withdrawn), the officers of
the entry point's region are told as well: they hold it next. A draft the country withdraws
before ever submitting it stays with the country (`Request.is_public`): nobody else is told.
A mail server that fails is logged, never turned into an error for the person who acted: the
step itself is already recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from bali.accounts.roles import Role
from bali.core.i18n import UN_LANGUAGES, django_language, iso_language, localized
from bali.requests.assignees import Assignee, assignee_label, parse_assignee, people_of
from bali.requests.models import Request, RequestEvent, Status
from bali.requests.permissions import is_insider

if TYPE_CHECKING:
    from bali.accounts.models import User

logger = logging.getLogger("bali.requests")
OFFICE_IS_TOLD = ("submit", "resubmit", "withdraw")
_muted: ContextVar[bool] = ContextVar("bali_requests_mail_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """Send no mail for steps taken inside the block (the demo builds dozens of requests)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted() -> bool:
    return _muted.get()


def recipients(request: Request, event: RequestEvent) -> list[User]:
    """The submitter, the assignee's people (the previous assignee's too, when reassigned) and,
    for steps that bring a submitted request to the office, its officers; active people with
    an e-mail address, each once."""
    people: list[User] = [request.submitter]
    for assignee in (request.assignee, (event.data or {}).get("previous", "")):
        if assignee:  # on `reassign` the previous assignee is told that it lost the request
            people += list(people_of(parse_assignee(assignee)))
    if event.action in OFFICE_IS_TOLD and request.is_public:
        people += list(people_of(Assignee("office", request.entry_region_id)))
    seen: set[str] = set()
    unique = []
    for person in people:
        if person.is_active and person.email and person.email not in seen:
            seen.add(person.email)
            unique.append(person)
    return unique


def recipient_language(person: User) -> str:
    code = iso_language(person.language)
    return django_language(code if code in UN_LANGUAGES else settings.LANGUAGE_CODE)


def build_message(request: Request, event: RequestEvent, person: User) -> EmailMessage:
    """One mail in the person's language."""
    with translation.override(recipient_language(person)):
        lang = iso_language(translation.get_language())
        title = localized(request.title, lang)
        to_label = Status(event.to_status).label
        context = {
            "person": person,
            "request": request,
            "event": event,
            "title": title,
            "from_label": Status(event.from_status).label if event.from_status else "",
            "to_label": to_label,
            "actor_role": Role(event.actor_role).label if event.actor_role in Role.values else "",
            "holder": request.holder_label,
            "previous": assignee_label((event.data or {}).get("previous", "")),
            "note": event.note_for(is_insider(person, request)),
            "url": site_url() + reverse("requests:detail", args=[request.reference]),
        }
        subject = _("[%(reference)s] %(status)s: %(title)s") % {
            "reference": request.reference,
            "status": to_label,
            "title": title,
        }
        body = render_to_string("requests/email/transition.txt", context)
    return EmailMessage(
        subject=" ".join(str(subject).split())[:200],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
        headers={"Content-Language": lang},
    )


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "")).rstrip("/")


def notify_transition(request_pk: int, event_pk: int) -> int:
    """Send the mail for one event; returns how many were sent."""
    request = Request.objects.select_related("country", "entry_region", "submitter").get(
        pk=request_pk
    )
    event = RequestEvent.objects.get(pk=event_pk)
    messages = [build_message(request, event, person) for person in recipients(request, event)]
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:  # the step is recorded; a mail server problem must not undo it
        logger.exception("Could not send mail for %s (%s)", request.reference, event.action)
        return 0
