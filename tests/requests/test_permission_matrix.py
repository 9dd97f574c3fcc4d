"""Every role × every action × inside and outside the role's scope, at the service layer
(the API and the pages call the same services; test_api.py checks the HTTP mapping)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.requests.conftest import FULL_INPUT, PATH_TO, People, request_data

from bali.core.permissions import PermissionDenied
from bali.requests.actions import do_create_request, do_update_request
from bali.requests.models import Request
from bali.requests.transitions import TRANSITIONS
from bali.requests.workflow import TransitionInput, do_transition_request

pytestmark = pytest.mark.django_db

# The status each action is tried from (one where it fits, so only permission decides).
FROM_STATUS = {
    "submit": "draft",
    "acknowledge": "submitted",
    "review": "acknowledged",
    "request_information": "under_review",
    "resubmit": "needs_information",
    "accept": "under_review",
    "decline": "under_review",
    "refer": "under_review",
    "assign": "accepted",
    "reassign": "assigned",
    "start": "assigned",
    "complete": "in_progress",
    "withdraw": "submitted",
    "evaluate": "completed",
}
COUNTRY = {"submit", "resubmit", "withdraw", "evaluate"}
OFFICE = {
    "acknowledge", "review", "request_information", "accept", "decline", "refer", "assign",
    "reassign",
}  # fmt: skip
ASSIGNEE = {"start", "complete"}

# (role, inside the scope?) → the person, from the fixture. The request is Kenyan (entry point
# AFR); it is assigned to DTIE, or to UNDP when a partner editor is tried.
ACTORS = {
    ("national_focal_point", True): "focal_ke",
    ("national_focal_point", False): "focal_sn",
    ("regional_officer", True): "officer_afr",
    ("regional_officer", False): "officer_asp",
    ("division_focal_point", True): "dtie",
    ("division_focal_point", False): "dewa",
    ("partner_editor", True): "partner",
    ("partner_editor", False): "partner_other",
    ("hq_coordinator", True): "hq",
    ("admin", True): "admin",
    ("anonymous", False): None,
}


def allowed(action: str, role: str, inside: bool) -> bool:
    """The permission table of issue 5, written out independently of the code's table."""
    if role in ("hq_coordinator", "admin"):
        return action in OFFICE | ASSIGNEE
    if not inside:
        return False
    return (
        (role == "national_focal_point" and action in COUNTRY)
        or (role == "regional_officer" and action in OFFICE)
        or (role in ("division_focal_point", "partner_editor") and action in ASSIGNEE)
    )


def _bring(people: People, status: str, assignee: str) -> Request:
    request = do_create_request(people.focal_ke, request_data())
    for step in PATH_TO[status]:
        payload = TransitionInput(**{**FULL_INPUT, "assignee": assignee})
        actor = people.hq if step in ASSIGNEE else people.actor_for(step)
        request = do_transition_request(actor, request, step, payload)
    return request


def test_the_table_covers_every_action() -> None:
    assert set(FROM_STATUS) == set(TRANSITIONS) == COUNTRY | OFFICE | ASSIGNEE


@pytest.mark.parametrize(("role", "inside"), list(ACTORS))
@pytest.mark.parametrize("action", list(FROM_STATUS))
def test_permission(people: People, action: str, role: str, inside: bool) -> None:
    from django.contrib.auth.models import AnonymousUser

    assignee = "org:XM-DAC-41114" if role == "partner_editor" else "division:DTIE"
    request = _bring(people, FROM_STATUS[action], assignee)
    name = ACTORS[(role, inside)]
    actor = getattr(people, name) if name else AnonymousUser()
    payload = TransitionInput(**FULL_INPUT, version=request.version)
    if action == "reassign":
        payload.assignee = "division:DEWA"
    before = request.version
    if allowed(action, role, inside):
        do_transition_request(actor, request, action, payload)
        request.refresh_from_db()
        assert request.status == TRANSITIONS[action].target
    else:
        with pytest.raises(PermissionDenied):
            do_transition_request(actor, request, action, payload)
        request.refresh_from_db()
        assert (request.status, request.version) == (FROM_STATUS[action], before)


@pytest.mark.parametrize(("role", "inside"), list(ACTORS))
def test_create_and_edit(people: People, role: str, inside: bool) -> None:
    from django.contrib.auth.models import AnonymousUser

    name = ACTORS[(role, inside)]
    actor = getattr(people, name) if name else AnonymousUser()
    draft = do_create_request(people.focal_ke, request_data())
    if role == "national_focal_point":
        created = do_create_request(actor, request_data())
        assert created.country_id == actor.country_id  # always the actor's own country
    else:
        with pytest.raises(PermissionDenied):
            do_create_request(actor, request_data())
    if role == "national_focal_point" and inside:
        do_update_request(actor, draft, {"priority": "Vision 2030"})
        assert draft.priority == "Vision 2030"
    else:
        with pytest.raises(PermissionDenied):
            do_update_request(actor, draft, {"priority": "Vision 2030"})


def test_another_focal_point_of_the_same_country_may_act(people: People) -> None:
    """Focal points act for the country, not only for the drafts they wrote themselves."""
    draft = do_create_request(people.focal_ke, request_data())
    do_transition_request(people.focal_ke2, draft, "submit")
    assert draft.status == "submitted"


def test_office_of_another_entry_point_acts_when_chosen(people: People) -> None:
    """A Kenyan request sent to the office for Asia: that office acts, Africa's does not."""
    request = do_create_request(people.focal_ke, request_data(entry_point="ASP"), submit=True)
    assert request.reference.startswith("REQ-") and "-AFR-" in request.reference
    with pytest.raises(PermissionDenied):
        do_transition_request(people.officer_afr, request, "acknowledge")
    do_transition_request(people.officer_asp, request, "acknowledge")
    assert request.status == "acknowledged"


def test_office_assigned_to_itself_may_start(people: People, make_request: Callable) -> None:
    request = make_request("accepted")
    do_transition_request(
        people.officer_afr, request, "assign", TransitionInput(assignee="office:AFR")
    )
    do_transition_request(people.officer_afr, request, "start")
    assert request.status == "in_progress"
