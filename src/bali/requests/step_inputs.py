"""What a caller sends with a step of the workflow, and the checks of the inputs each step needs.

`required_inputs` returns the normalised details of a step (the assignee as `kind:code`, the
partner, the summary, the ids of answering activities) or raises one ValidationError naming
every gap, in the caller's language; the workflow turns it into a 422 and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bali.requests import permissions
from bali.requests.assignees import assignee_label, check_assignee_exists, parse_assignee
from bali.requests.models import Request
from bali.requests.transitions import ASSIGNEE, NOTE, PARTNER, SUMMARY, VERSION, Transition
from bali.requests.validation import check_complete, clean_text, shown

if TYPE_CHECKING:
    from bali.requests.permissions import Actor

MAX_NOTE = 5000
MAX_PARTNER = 200
MAX_ACTIVITIES = 50
MAX_ID_DIGITS = 18  # a larger number is no activity id (and would overflow the column)
LINKING_ACTIONS = ("start", "complete")


@dataclass
class TransitionInput:
    """What a caller sends with an action; which fields are needed depends on the action."""

    note: str = ""
    public: bool = True
    assignee: str = ""
    partner: str = ""
    summary: str = ""
    activities: list[str] = field(default_factory=list)
    version: int | None = None


def cleaned_input(payload: TransitionInput) -> TransitionInput:
    """The caller's input with control characters dropped from every text (see
    `validation.clean_text`), so that what is checked is what is stored."""
    return replace(
        payload,
        note=clean_text(payload.note or ""),
        assignee=clean_text(payload.assignee or ""),
        partner=clean_text(payload.partner or ""),
        summary=clean_text(payload.summary or ""),
        activities=[clean_text(str(value)) for value in payload.activities],
    )


def required_inputs(
    transition: Transition, request: Request, payload: TransitionInput, actor: Actor
) -> dict[str, Any]:
    """Check and normalise the inputs the action needs; raises one 422 naming each gap."""
    errors: dict[str, list[str]] = {}
    details: dict[str, Any] = {}
    _check_note(transition, payload.note, errors)
    if ASSIGNEE in transition.requires:
        _require_assignee(payload.assignee, request, details, errors)
    if PARTNER in transition.requires:
        details["partner"] = payload.partner[:MAX_PARTNER]
        if not payload.partner:
            errors["partner"] = [_("Name the partner organisation the request is referred to.")]
    if SUMMARY in transition.requires:
        details["summary"] = payload.summary[:MAX_NOTE]
        if not payload.summary:
            errors["summary"] = [_("Summarise the results of the support given.")]
    if VERSION in transition.requires and payload.version is None:
        errors["version"] = [
            _("Send the version you read, so that two people cannot do this at once.")
        ]
    if payload.activities and transition.action not in LINKING_ACTIONS:
        errors["activities"] = [_("Answering activities are linked when starting or completing.")]
    elif payload.activities:
        _require_activities(payload.activities, actor, details, errors)
    if transition.action in ("submit", "resubmit"):
        _merge_errors(errors, request)
    if errors:
        raise ValidationError(errors)
    return details


def _check_note(transition: Transition, note: str, errors: dict[str, list[str]]) -> None:
    if len(note) > MAX_NOTE:
        errors["note"] = [_("Keep the note under %(limit)d characters.") % {"limit": MAX_NOTE}]
    elif NOTE in transition.requires and not note:
        errors["note"] = [NOTE_REQUIRED[transition.action]()]


NOTE_REQUIRED = {
    "decline": lambda: _("Give the reason for declining the request."),
    "request_information": lambda: _("Write the question the country should answer."),
}


def _require_assignee(
    value: str, request: Request, details: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    """A known assignee, other than the one the request has (reassigning to the same is no step)."""
    if not value:
        errors["assignee"] = [
            _("Name the assignee: division:<code>, office:<region> or org:<identifier>.")
        ]
        return
    try:
        assignee = parse_assignee(value)
        check_assignee_exists(assignee)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return
    if request.assignee and str(assignee) == request.assignee:
        errors["assignee"] = [
            _("The request is already assigned to %(assignee)s.")
            % {"assignee": assignee_label(request.assignee)}
        ]
    details["assignee"] = str(assignee)
    if request.assignee:
        details["previous"] = request.assignee


def _require_activities(
    values: list[str], actor: Actor, details: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    """Answering activities, by id or IATI identifier, among those the actor may see."""
    from bali.activities.models import Activity

    visible = Activity.objects.visible_to(permissions.person(actor))
    found: list[int] = []
    missing: list[str] = []
    for text in values[:MAX_ACTIVITIES]:
        is_id = text.isdigit() and len(text) <= MAX_ID_DIGITS
        query = visible.filter(pk=int(text)) if is_id else visible.filter(iati_identifier=text)
        pk = query.values_list("pk", flat=True).first()
        if pk is None:
            missing.append(text)
        else:
            found.append(pk)
    if missing:
        errors["activities"] = [
            _("No activity %(identifiers)s in the clearinghouse.") % {"identifiers": shown(missing)}
        ]
    details["activities"] = found


def _merge_errors(errors: dict[str, list[str]], request: Request) -> None:
    try:
        check_complete(request)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
