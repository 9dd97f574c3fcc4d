"""Requests and events as JSON: public fields for everyone, the whole file for insiders.

Shared by the API and the pages' JSON twins. Contacts, attachments, the submitter, internal
notes and a reason for declining given in an internal note are only in the insider's view
(`permissions.is_insider`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from bali.core.i18n import localized
from bali.requests.models import Request, RequestAttachment, RequestEvent, Status

if TYPE_CHECKING:
    from bali.requests.permissions import Actor


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def request_summary(request: Request) -> dict[str, Any]:
    """The fields of a list row (needs `with_related()` to avoid a query per row)."""
    return {
        "reference": request.reference,
        "title": localized(request.title),
        "status": request.status,
        "status_label": str(Status(request.status).label),
        "country": request.country_id,
        "country_name": request.country.name,
        "region": request.entry_region_id,
        "themes": [theme.code for theme in request.themes.all()],
        "support_type": request.support_type,
        "assignee": request.assignee,
        "holder": request.holder_label,
        "submitted_at": request.submitted_at.isoformat() if request.submitted_at else None,
        "due_on": request.due_on.isoformat() if request.due_on else None,
        "due_step": request.due_step,
        "overdue": request.is_overdue,
        "version": request.version,
        "url": reverse("requests:detail", args=[request.reference]),
    }


def request_public(request: Request, insider: bool = False) -> dict[str, Any]:
    """Everything anyone may read about a submitted request (`insider`: with the reason for
    declining even when its note was internal)."""
    data = request_summary(request)
    data.update(
        {
            "title_texts": request.title,
            "description": localized(request.description),
            "description_texts": request.description,
            "language": request.language,
            "region_name": request.entry_region.name,
            "entry_point": request.entry_region.office_name,
            "themes": [{"code": t.code, "name": t.name} for t in request.themes.all()],
            "meas": [{"code": m.code, "name": m.name} for m in request.meas.all()],
            "priority": request.priority,
            "expected_results": request.expected_results,
            "desired_start": request.desired_start.isoformat() if request.desired_start else None,
            "duration_months": request.duration_months,
            "estimated_cost": _money(request.estimated_cost),
            "co_financing": _money(request.co_financing),
            "currency": request.currency,
            "assignee_label": request.assignee_label,
            "referred_partner": request.referred_partner,
            "decline_reason": request.decline_reason_for(insider),
            "results_summary": request.results_summary,
            "activities": [
                {
                    "id": activity.pk,
                    "iati_identifier": activity.iati_identifier,
                    "title": activity.display_title,
                    "url": reverse("activities:detail", args=[activity.pk]),
                }
                for activity in request.activities.filter(visibility="public")
            ],
            "status_changed_at": request.status_changed_at.isoformat(),
        }
    )
    return data


def request_full(request: Request, user: Actor) -> dict[str, Any]:
    """The insider's view: public fields plus contacts, documents and the actions open now."""
    from bali.requests.workflow import available_actions

    data = request_public(request, insider=True)
    data.update(
        {
            "contacts": request.contacts,
            "submitter": {
                "name": request.submitter.display_name,
                "email": request.submitter.email,
            },
            "created_at": request.created_at.isoformat(),
            "attachments": [attachment_dict(item) for item in request.attachments.all()],
            "actions": [t.action for t in available_actions(user, request)],
        }
    )
    return data


def attachment_dict(attachment: RequestAttachment) -> dict[str, Any]:
    """A document's description; `url` downloads it in the pages (signed in), `api_url`
    through the API (with a token)."""
    args = [attachment.request.reference, attachment.pk]
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "uploaded_at": attachment.uploaded_at.isoformat(),
        "url": reverse("requests:attachment", args=args),
        "api_url": reverse("api:request_attachment", args=args),
    }


def event_dict(event: RequestEvent, insider: bool) -> dict[str, Any]:
    """One step of the timeline; the actor's name and internal notes only for insiders."""
    data: dict[str, Any] = {
        "action": event.action,
        "from": event.from_status,
        "to": event.to_status,
        "at": event.at.isoformat(),
        "actor_role": event.actor_role,
        "actor_scope": event.actor_scope,
        "note": event.note_for(insider),
        "public": event.public,
        "assignee": (event.data or {}).get("assignee", ""),
    }
    if insider:
        data["actor"] = event.actor_name
        data["data"] = event.data
    return data
