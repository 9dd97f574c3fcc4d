"""Moving a request through its lifecycle: the one service every page, API call and demo uses.

`do_transition_request` reads the table in `transitions.py`, then, inside one transaction with
the request row locked: checks the actor's party (403), the caller's `version` (409 when
stale), the current status (409 when the action does not fit), the required inputs (422);
writes the new status, deadline and version; appends an event; and, once committed, sends the
e-mail. Two officers acting at once: the second one waits for the lock, then finds a new
version or status and gets a conflict, so a request is never assigned twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bali.activities.actions import ConflictError
from bali.requests import deadlines, permissions
from bali.requests.locking import run_locked
from bali.requests.models import Request, RequestEvent, Status
from bali.requests.step_inputs import TransitionInput, cleaned_input, required_inputs
from bali.requests.transitions import KEEP, TRANSITIONS
from bali.requests.transitions import Transition as Transition
from bali.requests.validation import clean_text, shown

if TYPE_CHECKING:
    from bali.requests.permissions import Actor


class RequestConflict(ConflictError):
    """The request changed since the caller read it, or the action does not fit its status."""


def get_transition(action: str) -> Transition:
    transition = TRANSITIONS.get(clean_text(action or ""))
    if transition is None:
        raise ValidationError(
            {
                "action": [
                    _("Unknown action %(action)s; choose one of %(actions)s.")
                    % {"action": shown([action or ""]), "actions": ", ".join(TRANSITIONS)}
                ]
            }
        )
    return transition


def available_actions(user: Actor, request: Request) -> list[Transition]:
    """The actions this person may take now (for buttons and the API's `actions` field)."""
    parties = permissions.parties_of(user, request)
    return [t for t in TRANSITIONS.values() if t.party in parties and request.status in t.sources]


def do_transition_request(
    actor: Actor,
    request: Request,
    action: str,
    payload: TransitionInput | None = None,
    *,
    now: datetime | None = None,
) -> Request:
    """Apply one action of the lifecycle; see the module docstring for the order of checks."""
    transition = get_transition(action)
    payload = cleaned_input(payload or TransitionInput())
    when = now or timezone.now()
    locked = run_locked(lambda: _transition(actor, request, transition, payload, when))
    copy_fields(locked, request)
    return locked


def _transition(
    actor: Actor,
    request: Request,
    transition: Transition,
    payload: TransitionInput,
    now: datetime,
) -> Request:
    """The body of `do_transition_request`, inside the transaction."""
    locked = lock_request(request)
    permissions.check_party(actor, locked, transition.party)
    check_version(locked, payload.version)
    _check_status(locked, transition)
    details = required_inputs(transition, locked, payload, actor)
    from_status = locked.status
    _apply(locked, transition, details, payload.note, now)
    event = record_event(
        locked, actor, transition.action, from_status, payload.note, payload.public, now, details
    )
    _link_activities(locked, details.get("activities", []))
    _notify_on_commit(locked, event)
    return locked


def copy_fields(source: Request, target: Request) -> None:
    """Bring the caller's instance up to date, so it never holds a stale status or version."""
    if target is not source:
        for model_field in Request._meta.concrete_fields:
            setattr(target, model_field.attname, getattr(source, model_field.attname))


def lock_request(request: Request) -> Request:
    """The request row, locked until the transaction ends (PostgreSQL; SQLite serialises
    writers anyway). Only the request row: reference rows stay free."""
    return Request.objects.select_for_update(of=("self",)).get(pk=request.pk)


def check_version(request: Request, version: int | None) -> None:
    if version is not None and version != request.version:
        raise RequestConflict(
            _(
                "Request %(reference)s was changed by someone else (version %(current)d, you "
                "sent %(sent)d); reload it and try again."
            )
            % {"reference": request.reference, "current": request.version, "sent": version}
        )


def _check_status(request: Request, transition: Transition) -> None:
    if request.status not in transition.sources:
        raise RequestConflict(
            _("A request that is %(status)s cannot take the step “%(step)s” (%(action)s).")
            % {
                "status": request.get_status_display().lower(),
                "step": transition.label,
                "action": transition.action,
            }
        )


def _apply(
    request: Request, transition: Transition, details: dict[str, Any], note: str, now: datetime
) -> None:
    request.status = transition.target
    request.status_changed_at = now
    request.version += 1
    if transition.action == "submit" and request.submitted_at is None:
        request.submitted_at = now
    if "assignee" in details:
        request.assignee = details["assignee"]
    if "partner" in details:
        request.referred_partner = details["partner"]
    if "summary" in details:
        request.results_summary = details["summary"]
    if transition.action == "decline":
        request.decline_reason = (note or "").strip()
    _set_deadline(request, transition.deadline, now)
    request.save()


def _set_deadline(request: Request, step: str | None, now: datetime) -> None:
    if step == KEEP:
        return
    if step is None:
        request.due_on, request.due_step = None, ""
        return
    request.due_on = deadlines.due_date(step, timezone.localdate(now))
    request.due_step = step


def record_event(
    request: Request,
    actor: Actor,
    action: str,
    from_status: str,
    note: str,
    public: bool,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> RequestEvent:
    """Append one event; events are never changed afterwards (see `RequestEvent`)."""
    return RequestEvent.objects.create(
        request=request,
        action=action,
        from_status=from_status,
        to_status=request.status,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.display_name if actor is not None and actor.is_authenticated else "",
        actor_role=getattr(actor, "role", "") or "",
        actor_scope=actor_scope(actor),
        at=now,
        note=(note or "").strip(),
        public=bool(public),
        data=data or {},
    )


def actor_scope(actor: Actor) -> str:
    """`country:KE`, `office:AFR`, `division:DTIE`, `org:XM-DAC-41114` or `hq`."""
    if actor is None or not actor.is_authenticated:
        return ""
    if actor.is_global:
        return "hq"
    if actor.country_id and actor.role == "national_focal_point":
        return f"country:{actor.country_id}"
    if actor.region_id and actor.role == "regional_officer":
        return f"office:{actor.region_id}"
    if actor.division_id and actor.role == "division_focal_point":
        return f"division:{actor.division_id}"
    if actor.organisation is not None and actor.role == "partner_editor":
        return f"org:{actor.organisation.ref}"
    return ""


def _link_activities(request: Request, activity_ids: list[int]) -> None:
    if activity_ids:
        request.activities.add(*activity_ids)


def _notify_on_commit(request: Request, event: RequestEvent) -> None:
    from bali.requests.notifications import is_muted, notify_transition

    if is_muted():
        return
    request_pk, event_pk = request.pk, event.pk
    transaction.on_commit(lambda: notify_transition(request_pk, event_pk))


__all__ = [
    "RequestConflict",
    "Status",
    "TransitionInput",
    "available_actions",
    "do_transition_request",
    "get_transition",
]
