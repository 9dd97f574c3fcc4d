"""Reassigning: the office names another assignee before the work starts. The version read is
required, so two officers cannot both reassign; the previous assignee is told by e-mail and the
public timeline shows who holds the request now and who held it before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from tests.requests.conftest import People

from bali.core.permissions import PermissionDenied
from bali.requests.models import Request
from bali.requests.workflow import RequestConflict, TransitionInput, do_transition_request

pytestmark = pytest.mark.django_db


def reassign(actor: Any, request: Request, assignee: str, version: int | None = None) -> Request:
    payload = TransitionInput(assignee=assignee, version=version or request.version)
    return do_transition_request(actor, request, "reassign", payload)


def test_office_reassigns_before_the_work_starts(
    people: People, make_request: Callable[..., Request]
) -> None:
    request = make_request("assigned")
    monday = datetime(2026, 3, 2, 9, tzinfo=UTC)
    do_transition_request(
        people.officer_afr,
        request,
        "reassign",
        TransitionInput(assignee="org:XM-DAC-41114", version=request.version),
        now=monday,
    )
    request.refresh_from_db()
    assert (request.status, request.assignee) == ("assigned", "org:XM-DAC-41114")
    assert (request.due_step, request.due_on) == ("start", date(2026, 4, 13))
    event = request.events.get(action="reassign")
    assert event.data == {"assignee": "org:XM-DAC-41114", "previous": "division:DTIE"}
    with pytest.raises(PermissionDenied):  # DTIE no longer holds it
        do_transition_request(people.dtie, request, "start")
    do_transition_request(people.partner, request, "start")
    with pytest.raises(RequestConflict):  # the work has started
        reassign(people.officer_afr, request, "division:DEWA")


def test_reassign_needs_the_version_and_another_assignee(
    people: People, make_request: Callable[..., Request]
) -> None:
    request = make_request("assigned")
    with pytest.raises(ValidationError) as info:
        do_transition_request(
            people.officer_afr, request, "reassign", TransitionInput(assignee="division:DEWA")
        )
    assert list(info.value.message_dict) == ["version"]
    with pytest.raises(ValidationError) as info:
        reassign(people.officer_afr, request, "division:dtie")
    assert info.value.message_dict["assignee"] == [
        "The request is already assigned to Division of Technology, Industry and Economics."
    ]
    with pytest.raises(RequestConflict):
        reassign(people.hq, request, "division:DEWA", version=request.version - 1)
    with pytest.raises(PermissionDenied):
        reassign(people.dtie, request, "division:DEWA")
    request.refresh_from_db()
    assert request.assignee == "division:DTIE"


def test_two_officers_cannot_both_reassign(
    people: People, make_request: Callable[..., Request]
) -> None:
    request = make_request("assigned")
    read = request.version
    reassign(people.officer_afr, Request.objects.get(pk=request.pk), "division:DEWA", read)
    with pytest.raises(RequestConflict):
        reassign(people.hq, Request.objects.get(pk=request.pk), "org:XM-DAC-41114", read)
    request.refresh_from_db()
    assert request.assignee == "division:DEWA"


def test_previous_and_new_assignee_are_told(
    people: People,
    make_request: Callable[..., Request],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    request = make_request("assigned")
    people.dtie.language = "fr"
    people.dtie.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        reassign(people.officer_afr, request, "division:DEWA")
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"focal.ke@example.org", "dtie@example.org", "dewa@example.org"}
    old = by_recipient["dtie@example.org"].body
    assert "Auparavant confiée à : Division Technologie, Industrie et Économie" in old
    assert "Statut : Attribuée\n" in old  # no "Assigned → Assigned"


def test_reassign_through_the_page_and_the_public_timeline(
    people: People, make_request: Callable[..., Request]
) -> None:
    request = make_request("assigned")
    officer = Client()
    officer.force_login(people.officer_afr)
    page = officer.get(f"/en/requests/{request.reference}/").content.decode()
    form = page.split('value="reassign"')[1].split("</form>")[0]
    assert 'value="division:DEWA"' in form and 'value="division:DTIE"' not in form
    assert "written as org:&lt;IATI organisation identifier&gt;" in form  # shown, not a tag
    response = officer.post(
        f"/en/requests/{request.reference}/act/",
        {"action": "reassign", "version": request.version, "assignee": "division:DEWA"},
    )
    assert response.status_code == 302
    timeline = Client().get(f"/en/requests/{request.reference}/").content.decode()
    assert "Assigned to: Division of Early Warning and Assessment" in timeline
    assert "(before: Division of Technology, Industry and Economics)" in timeline


def test_office_names_follow_a_renamed_region(people: People) -> None:
    """The offices' names are kept per process, and read again once a region is saved (by
    the admin or `load_reference`)."""
    from bali.reference.loading import load_reference
    from bali.reference.models import Region
    from bali.requests.assignees import assignee_label

    before = assignee_label("office:AFR")
    assert before == "UNEP Regional Office for Africa"
    region = Region.objects.get(code="AFR")
    region.office_names = {**region.office_names, "en": "UNEP Africa Office"}
    region.save()
    assert assignee_label("office:AFR") == "UNEP Africa Office"
    load_reference()  # puts the published name back
    assert assignee_label("office:AFR") == before
