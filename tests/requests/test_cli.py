"""`bali requests list` and `bali requests act`: the same services, permissions and messages as
the pages and the API, with the assignee notation on the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from tests.requests.conftest import People, request_data

from bali.requests.actions import do_create_request
from bali.requests.models import Request

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("requests", *args, stdout=out)
    return out.getvalue()


def test_list_marks_overdue_requests_and_filters(
    people: People, make_request: Callable[..., Request]
) -> None:
    late = do_create_request(
        people.focal_ke, request_data(), submit=True, now=datetime(2025, 1, 6, tzinfo=UTC)
    )
    fresh = make_request("assigned")
    make_request("draft")  # never listed: drafts are the country's
    lines = run("list").splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{late.reference}\tsubmitted\t2025-01-20 OVERDUE\tKE")
    assert run("list", "--overdue").splitlines() == lines[:1]
    rows = [
        json.loads(line)
        for line in run("list", "--assignee", "division:dtie", "--json").splitlines()
    ]
    assert [(row["reference"], row["assignee"]) for row in rows] == [
        (fresh.reference, "division:DTIE")
    ]
    french = run("--language", "fr", "list", "--status", "assigned")
    assert "Division Technologie, Industrie et Économie" in french
    with pytest.raises(CommandError, match="year"):
        run("list", "--year", "twenty")


def test_act_takes_a_step_as_a_person(people: People, make_request: Callable[..., Request]) -> None:
    request = make_request("accepted")
    out = run(
        "act", request.reference, "assign", "--as", "officer.afr@example.org",
        "--assignee", "org:XM-DAC-41114", "--note", "UNDP has a project there.",
    )  # fmt: skip
    assert f"{request.reference}\tassigned" in out
    request.refresh_from_db()
    assert request.assignee == "org:XM-DAC-41114"
    event = request.events.get(action="assign")
    assert (event.actor, event.note, event.public) == (
        people.officer_afr,
        "UNDP has a project there.",
        True,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("start", "--as", "dewa@example.org"), "Only a focal point of the assigned division"),
        (("start", "--as", "nobody@example.org"), "No active person"),
        (("reassign", "--as", "officer.afr@example.org", "--assignee", "division:DEWA"), "version"),
        (("accept", "--as", "officer.afr@example.org"), "cannot take the step"),
    ],
)
def test_act_refusals_are_command_errors(
    people: People, make_request: Callable[..., Request], args: tuple[str, ...], message: str
) -> None:
    request = make_request("assigned")
    with pytest.raises(CommandError, match=message):
        run("act", request.reference, *args)
    with pytest.raises(CommandError, match="No request"):
        run("act", "REQ-1999-AFR-0001", "start", "--as", "dtie@example.org")
    request.refresh_from_db()
    assert (request.status, request.assignee) == ("assigned", "division:DTIE")
