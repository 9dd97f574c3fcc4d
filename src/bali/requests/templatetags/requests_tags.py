"""Names of statuses, actions, roles and scopes in the active language, for the timeline."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from bali.accounts.roles import Role
from bali.reference import lookups
from bali.requests.assignees import assignee_label
from bali.requests.models import Status
from bali.requests.transitions import TRANSITIONS

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


@register.filter
def action_label(value: str) -> str:
    if value in TRANSITIONS:
        return str(TRANSITIONS[value].label)
    housekeeping = {
        "create": _("Draft created"),
        "edit": _("Changed by the country"),
        "attach": _("Document added"),
    }
    return str(housekeeping.get(value, value))


@register.filter
def reference_html(value: str) -> SafeString:
    """A reference kept whole and left-to-right inside a sentence (Arabic headings would
    otherwise break it at a hyphen and reorder its parts)."""
    return format_html('<bdi class="reference" dir="ltr">{}</bdi>', value)


@register.filter
def assignee_name(value: str) -> str:
    """`division:DTIE` → the division's name in the active language."""
    return assignee_label(value)


@register.filter
def role_label(value: str) -> str:
    return str(Role(value).label) if value in Role.values else ""


@register.filter
def scope_label(value: str) -> str:
    """`country:KE` → Kenya, `office:AFR` → the regional office, `hq` → UNEP headquarters."""
    if not value:
        return ""
    if value == "hq":
        return _("UNEP headquarters")
    kind, _sep, code = value.partition(":")
    if kind == "country":
        return lookups.country_name(code)
    return assignee_label(value)
