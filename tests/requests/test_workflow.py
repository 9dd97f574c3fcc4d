"""The state machine: every status reachable, wrong-state actions refused with a conflict,
required inputs, events, deadlines, optimistic versions, and append-only events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from tests.requests.conftest import PATH_TO, People

from bali.requests.actions import do_update_request
from bali.requests.models import Request, RequestEvent, Status
from bali.requests.transitions import TRANSITIONS
from bali.requests.workflow import (
    RequestConflict,
    TransitionInput,
    available_actions,
    do_transition_request,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", list(PATH_TO))
def test_every_status_is_reachable(make_request: Callable[..., Request], status: str) -> None:
    request = make_request(status)
    request.refresh_from_db()
    assert request.status == status
    actions = list(request.events.exclude(action="create").values_list("action", flat=True))
    assert actions == list(PATH_TO[status])
    assert request.version == 1 + len(PATH_TO[status])


def test_events_record_actor_role_time_states_note(
    make_request: Callable[..., Request], people: People
) -> None:
    request = make_request("submitted")
    when = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)  # a Friday
    do_transition_request(
        people.officer_afr,
        request,
        "acknowledge",
        TransitionInput(note="Received.", public=False),
        now=when,
    )
    event = request.events.get(action="acknowledge")
    assert (event.actor, event.actor_role, event.actor_scope) == (
        people.officer_afr,
        "regional_officer",
        "office:AFR",
    )
    assert (event.from_status, event.to_status, event.at) == ("submitted", "acknowledged", when)
    assert (event.note, event.public) == ("Received.", False)


def test_wrong_state_is_a_conflict_and_changes_nothing(
    make_request: Callable[..., Request], people: People
) -> None:
    request = make_request("submitted")
    with pytest.raises(RequestConflict, match="submitted"):
        do_transition_request(
            people.officer_afr, request, "assign", TransitionInput(assignee="division:DTIE")
        )
    request.refresh_from_db()
    assert (request.status, request.version, request.assignee) == ("submitted", 2, "")
    assert not request.events.filter(action="assign").exists()


def test_unknown_action_is_invalid(make_request: Callable[..., Request], people: People) -> None:
    with pytest.raises(ValidationError) as info:
        do_transition_request(people.officer_afr, make_request("submitted"), "approve")
    assert "action" in info.value.message_dict


@pytest.mark.parametrize(
    ("status", "action", "field"),
    [
        ("under_review", "decline", "note"),
        ("under_review", "request_information", "note"),
        ("under_review", "refer", "partner"),
        ("accepted", "assign", "assignee"),
        ("in_progress", "complete", "summary"),
    ],
)
def test_required_inputs(
    make_request: Callable[..., Request], people: People, status: str, action: str, field: str
) -> None:
    request = make_request(status)
    actor = people.actor_for(action)
    with pytest.raises(ValidationError) as info:
        do_transition_request(
            actor, request, action, TransitionInput(note="  " if field != "note" else "")
        )
    assert field in info.value.message_dict
    request.refresh_from_db()
    assert request.status == status


@pytest.mark.parametrize("assignee", ["division:NOPE", "office:XYZ", "org:XM-NOBODY", "dtie"])
def test_assignee_must_exist_and_be_well_formed(
    make_request: Callable[..., Request], people: People, assignee: str
) -> None:
    request = make_request("accepted")
    with pytest.raises(ValidationError) as info:
        do_transition_request(
            people.officer_afr, request, "assign", TransitionInput(assignee=assignee)
        )
    assert "assignee" in info.value.message_dict


def test_assign_normalises_and_records_the_assignee(
    make_request: Callable[..., Request], people: People
) -> None:
    request = make_request("accepted")
    do_transition_request(
        people.officer_afr, request, "assign", TransitionInput(assignee=" Division:dtie ")
    )
    request.refresh_from_db()
    assert request.assignee == "division:DTIE"
    assert request.events.get(action="assign").data == {"assignee": "division:DTIE"}
    assert "Technology" in request.assignee_label


def test_decline_keeps_the_reason_and_closes(
    make_request: Callable[..., Request], people: People
) -> None:
    request = make_request("under_review")
    do_transition_request(
        people.officer_afr, request, "decline", TransitionInput(note="Already funded.")
    )
    request.refresh_from_db()
    assert (request.status, request.decline_reason, request.due_on) == (
        "declined",
        "Already funded.",
        None,
    )
    assert request.is_closed
    assert available_actions(people.focal_ke, request) == []


@pytest.mark.parametrize("public", [True, False])
def test_reason_for_declining_follows_the_visibility_of_its_note(
    make_request: Callable[..., Request], people: People, client: Client, public: bool
) -> None:
    """The reason is the decline step's note: an internal one stays inside the request (the
    API, the page and the timeline alike); a public one is shown to everyone."""
    from bali.requests.serializers import request_full, request_public

    request = make_request("under_review")
    reason = "Funded twice already by another donor."
    do_transition_request(
        people.officer_afr, request, "decline", TransitionInput(note=reason, public=public)
    )
    request.refresh_from_db()
    assert request_full(request, people.focal_ke)["decline_reason"] == reason
    assert request_public(request)["decline_reason"] == (reason if public else "")
    anonymous = client.get(f"/api/v1/requests/{request.reference}").json()
    assert anonymous["decline_reason"] == (reason if public else "")
    page = client.get(f"/en/requests/{request.reference}/").content.decode()
    assert (reason in page) is public
    assert ("Reason for declining" in page) is public
    client.force_login(people.focal_ke)
    assert reason in client.get(f"/en/requests/{request.reference}/").content.decode()


def test_needs_information_goes_back_to_the_country_then_submitted_again(
    make_request: Callable[..., Request], people: People
) -> None:
    request = make_request("needs_information")
    assert request.holder_label == "Kenya"
    assert request.due_on is None
    do_update_request(people.focal_ke, request, {"priority": "Vision 2030, pillar 3"})
    do_transition_request(people.focal_ke, request, "resubmit")
    request.refresh_from_db()
    assert request.status == "submitted"
    assert request.due_step == "acknowledge"
    assert request.priority == "Vision 2030, pillar 3"


def test_withdraw_only_before_work_starts(
    make_request: Callable[..., Request], people: People
) -> None:
    assigned = make_request("assigned")
    do_transition_request(people.focal_ke, assigned, "withdraw")
    assigned.refresh_from_db()
    assert assigned.status == "withdrawn"
    started = make_request("in_progress")
    with pytest.raises(RequestConflict):
        do_transition_request(people.focal_ke, started, "withdraw")


def test_submit_needs_a_complete_request(people: People) -> None:
    from bali.requests.actions import do_create_request

    draft = do_create_request(people.focal_ke, {"title": "Half an idea"})
    with pytest.raises(ValidationError) as info:
        do_transition_request(people.focal_ke, draft, "submit")
    assert {"description", "support_type", "themes"} <= set(info.value.message_dict)
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_at) == ("draft", None)


def test_stale_version_is_a_conflict(make_request: Callable[..., Request], people: People) -> None:
    """Two officers read version 2; the first acknowledges, the second gets a conflict."""
    request = make_request("submitted")
    first_copy = Request.objects.get(pk=request.pk)
    second_copy = Request.objects.get(pk=request.pk)
    do_transition_request(people.officer_afr, first_copy, "acknowledge", TransitionInput(version=2))
    with pytest.raises(RequestConflict, match="version 3"):
        do_transition_request(people.hq, second_copy, "acknowledge", TransitionInput(version=2))
    assert request.events.filter(action="acknowledge").count() == 1


def test_never_assigned_twice_even_without_version(
    make_request: Callable[..., Request], people: People
) -> None:
    request = make_request("accepted")
    do_transition_request(
        people.officer_afr, request, "assign", TransitionInput(assignee="division:DTIE")
    )
    with pytest.raises(RequestConflict):
        do_transition_request(
            people.hq, request, "assign", TransitionInput(assignee="division:DEWA")
        )
    request.refresh_from_db()
    assert request.assignee == "division:DTIE"
    assert request.events.filter(action="assign").count() == 1


def test_events_are_append_only(make_request: Callable[..., Request]) -> None:
    request = make_request("submitted")
    event = request.events.get(action="submit")
    event.note = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        RequestEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(TypeError):
        RequestEvent.objects.filter(pk=event.pk).delete()
    assert RequestEvent.objects.get(pk=event.pk).note == "A note for the record."


def test_every_transition_has_a_source_and_a_target() -> None:
    assert set(TRANSITIONS) == {
        "submit", "acknowledge", "review", "request_information", "resubmit", "accept",
        "decline", "refer", "assign", "reassign", "start", "complete", "withdraw", "evaluate",
    }  # fmt: skip
    for transition in TRANSITIONS.values():
        assert transition.sources and transition.target in Status.values
        # Only reassigning stays in its status (a new assignee, the same step of the work).
        assert (transition.target in transition.sources) == (transition.action == "reassign")


def test_deadline_follows_the_step(make_request: Callable[..., Request], people: People) -> None:
    from tests.requests.conftest import request_data

    from bali.requests.actions import do_create_request

    monday = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    request = do_create_request(people.focal_ke, request_data(), submit=True, now=monday)
    assert (request.due_step, request.due_on) == ("acknowledge", date(2026, 3, 16))
    do_transition_request(people.officer_afr, request, "acknowledge", now=monday)
    assert (request.due_step, request.due_on) == ("decide", date(2026, 4, 13))
    later = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    do_transition_request(people.officer_afr, request, "review", now=later)
    assert (request.due_step, request.due_on) == ("decide", date(2026, 4, 13))  # clock runs on
    do_transition_request(people.officer_afr, request, "accept", now=later)
    assert (request.due_step, request.due_on) == ("assign", date(2026, 4, 3))


def test_support_types_are_the_activity_kinds_the_issue_lists() -> None:
    """One vocabulary for requests and the activities that answer them (less awareness)."""
    from bali.activities.models import ActivityType
    from bali.requests.models import SupportType

    assert SupportType.values == [
        "training", "technical_advice", "technology_transfer", "institutional_support",
        "policy_legal_support", "assessment", "south_south_exchange", "other",
    ]  # fmt: skip
    for value, label in SupportType.choices:
        assert ActivityType(value).label == label
