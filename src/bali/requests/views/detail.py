"""The request page's context, shared by the timeline view and the forms that post to it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bali.organisations.models import Organisation
from bali.reference.models import Division, Region
from bali.requests.forms import AttachmentForm
from bali.requests.models import Request
from bali.requests.permissions import Party, is_insider, parties_of
from bali.requests.transitions import ASSIGNEE
from bali.requests.workflow import available_actions


def assignee_choices() -> list[tuple[str, str]]:
    """Divisions, regional offices and partner organisations that have editors."""
    choices = [(f"division:{d.code}", d.name) for d in Division.objects.filter(active=True)]
    choices += [(f"office:{r.code}", r.office_name or r.name) for r in Region.objects.all()]
    organisations = (
        Organisation.objects.exclude(ref="")
        .filter(members__role="partner_editor", members__is_active=True)
        .distinct()
    )
    choices += [(f"org:{o.ref}", o.name or o.ref) for o in organisations]
    return choices


def detail_context(
    request: HttpRequest, found: Request, errors: list[str] | None = None
) -> dict[str, Any]:
    insider = is_insider(request.user, found)
    actions = available_actions(request.user, found)
    parties = parties_of(request.user, found)
    return {
        "req": found,
        "insider": insider,
        "events": found.events.timeline(insider).select_related(None).order_by("at", "id"),
        "actions": actions,
        "action_names": {t.action for t in actions},
        "assignee_choices": assignee_choices()
        if any(ASSIGNEE in t.requires for t in actions)
        else [],
        "can_edit": Party.COUNTRY in parties and found.status in ("draft", "needs_information"),
        "can_attach": insider and not found.is_closed,
        "decline_reason": found.decline_reason_for(insider),
        "attachments": found.attachments.all() if insider else [],
        "activities": found.activities.filter(visibility="public"),
        "attachment_form": AttachmentForm(),
        "errors": errors or [],
    }
