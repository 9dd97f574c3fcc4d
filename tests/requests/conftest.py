"""Fixtures of the request tests: one person per role and scope, and requests brought to any
status through the services (never by writing the status directly)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bali.accounts.models import User
from bali.organisations.models import Organisation
from bali.requests.actions import do_create_request
from bali.requests.models import Request
from bali.requests.workflow import TransitionInput, do_transition_request

# The actions that bring a new draft to each status, in order.
PATH_TO: dict[str, tuple[str, ...]] = {
    "draft": (),
    "submitted": ("submit",),
    "acknowledged": ("submit", "acknowledge"),
    "under_review": ("submit", "acknowledge", "review"),
    "needs_information": ("submit", "acknowledge", "review", "request_information"),
    "accepted": ("submit", "acknowledge", "review", "accept"),
    "assigned": ("submit", "acknowledge", "review", "accept", "assign"),
    "in_progress": ("submit", "acknowledge", "review", "accept", "assign", "start"),
    "completed": ("submit", "acknowledge", "review", "accept", "assign", "start", "complete"),
    "evaluated": (
        "submit", "acknowledge", "review", "accept", "assign", "start", "complete", "evaluate",
    ),
    "declined": ("submit", "acknowledge", "review", "decline"),
    "withdrawn": ("submit", "withdraw"),
    "referred": ("submit", "acknowledge", "review", "refer"),
}  # fmt: skip

# Inputs every action is happy with.
FULL_INPUT = {
    "note": "A note for the record.",
    "assignee": "division:DTIE",
    "partner": "Food and Agriculture Organization of the United Nations",
    "summary": "Sixty officers trained.",
}


@dataclass
class People:
    focal_ke: User
    focal_ke2: User
    focal_sn: User
    focal_pe: User
    officer_afr: User
    officer_asp: User
    dtie: User
    dewa: User
    partner: User
    partner_other: User
    hq: User
    admin: User

    def actor_for(self, action: str) -> User:
        """Someone allowed to take the action on a Kenyan request assigned to DTIE."""
        if action in ("submit", "resubmit", "withdraw", "evaluate"):
            return self.focal_ke
        if action in ("start", "complete"):
            return self.dtie
        return self.officer_afr


def ensure_reference_data() -> None:
    """Load the reference data when a test elsewhere flushed it without reloading (see
    `pytest_runtest_teardown` in the root conftest); costs one query when it is there."""
    from bali.reference.loading import load_reference
    from bali.reference.models import Country

    if not Country.objects.filter(code="KE").exists():
        load_reference()


@pytest.fixture
def people(make_user: Callable[..., User]) -> People:
    ensure_reference_data()
    Organisation.objects.get_or_create(ref="XM-DAC-41114", defaults={"names": {"en": "UNDP"}})
    return People(
        focal_ke=make_user("national_focal_point", email="focal.ke@example.org", country="KE"),
        focal_ke2=make_user("national_focal_point", email="focal2.ke@example.org", country="KE"),
        focal_sn=make_user("national_focal_point", email="focal.sn@example.org", country="SN"),
        focal_pe=make_user("national_focal_point", email="focal.pe@example.org", country="PE"),
        officer_afr=make_user("regional_officer", email="officer.afr@example.org", region="AFR"),
        officer_asp=make_user("regional_officer", email="officer.asp@example.org", region="ASP"),
        dtie=make_user("division_focal_point", email="dtie@example.org", division="DTIE"),
        dewa=make_user("division_focal_point", email="dewa@example.org", division="DEWA"),
        partner=make_user("partner_editor", email="undp@example.org", org="XM-DAC-41114"),
        partner_other=make_user("partner_editor", email="ait@example.org", org="XM-AIT-TEST"),
        hq=make_user("hq_coordinator", email="hq@example.org"),
        admin=make_user("admin", email="admin@example.org"),
    )


def request_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Training of customs officers on ozone-depleting substances",
        "description": "Customs officers need to identify refrigerants.",
        "support_type": "training",
        "themes": ["TH07", "CC04"],
        "meas": ["MONTREAL"],
        "expected_results": "Sixty officers trained.",
        "contacts": [{"name": "Jane Wambui", "email": "jane@example.org", "phone": "+254 20"}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_request(people: People) -> Callable[..., Request]:
    """A Kenyan request brought to `status` by the people allowed to do each step."""

    def make(status: str = "draft", **overrides: Any) -> Request:
        request = do_create_request(people.focal_ke, request_data(**overrides))
        for action in PATH_TO[status]:
            request = do_transition_request(
                people.actor_for(action), request, action, TransitionInput(**FULL_INPUT)
            )
        return request

    return make


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Start each test in English, whatever language an earlier request left active."""
    from django.utils import translation

    with translation.override("en"):
        yield
