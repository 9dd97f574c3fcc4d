"""Demonstration requests: three dozen requests from seven countries in five regions, in every
status of the lifecycle, each with its events, built through the services.

Dates are fixed (from January 2025), so two runs on empty databases give the same data; open
requests are therefore overdue on a later day, which also shows the overdue lists. Mail is not
sent while the demo is built. Running it again adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bali.accounts.demo import DEMO_DOMAIN
from bali.accounts.models import User
from bali.activities.models import Activity
from bali.requests.actions import do_create_request
from bali.requests.assignees import parse_assignee, people_of
from bali.requests.demo_content import TOPICS, Topic
from bali.requests.models import Request
from bali.requests.notifications import muted
from bali.requests.workflow import TransitionInput, do_transition_request

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
COUNTRIES = ("KE", "SN", "PE", "VN", "CN", "JO", "MD")
SCREEN = ("submit", "acknowledge", "review")
TO_WORK = (*SCREEN, "accept", "assign", "start")
PATHS: tuple[tuple[str, ...], ...] = (
    (),
    ("submit",),
    ("submit", "acknowledge"),
    SCREEN,
    (*SCREEN, "request_information"),
    (*SCREEN, "accept"),
    (*SCREEN, "accept", "assign"),
    TO_WORK,
    (*TO_WORK, "complete"),
    (*TO_WORK, "complete", "evaluate"),
    (*SCREEN, "decline"),
    ("submit", "withdraw"),
    (*SCREEN, "refer"),
    (*SCREEN, "request_information", "resubmit", "acknowledge", "accept", "assign", "start"),
)
ASSIGNEES = (
    "division:DTIE",
    "division:DEWA",
    "division:DELC",
    "org:XM-DAC-41114",
    "org:XM-BALI-DEMO-AIT",
)
NOTES = {
    "acknowledge": "Received by the regional office; screening starts.",
    "review": "",
    "request_information": "Please add the names of the institutions that would take part "
    "and the co-financing the ministry can offer.",
    "resubmit": "The institutions and co-financing are now listed.",
    "accept": "Fits the regional priorities adopted by the ministerial forum.",
    "decline": "A project with the same aim is already financed by another agency; we "
    "suggest joining its steering committee.",
    "start": "Inception mission planned with the ministry.",
    "evaluate": "The country's evaluation was recorded.",
}


def _person(local: str) -> User | None:
    return User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()


def _request_data(topic: Topic, language: str, rng: random.Random) -> dict[str, Any]:
    title = {"en": topic.titles["en"]}
    if language in topic.titles:
        title[language] = topic.titles[language]
    cost = rng.randrange(20, 400) * 1000
    return {
        "title": title,
        "language": language,
        "description": {"en": topic.description},
        "support_type": topic.support_type,
        "themes": list(topic.themes),
        "meas": list(topic.meas),
        "expected_results": topic.results,
        "priority": f"National environmental action plan, priority area {rng.randint(1, 6)}",
        "desired_start": f"2026-{rng.randint(1, 12):02d}-01",
        "duration_months": rng.choice((6, 12, 18, 24)),
        "estimated_cost": cost,
        "co_financing": cost // rng.choice((4, 5, 10)),
        "currency": "USD",
        "contacts": [
            {
                "name": "Director of environment",
                "role": "Ministry of environment",
                "email": "environment@example.org",
            }
        ],
    }


def _actor(action: str, request: Request, focal: User) -> User | None:
    if action in ("submit", "resubmit", "withdraw", "evaluate"):
        return focal
    if action in ("start", "complete"):
        person = people_of(parse_assignee(request.assignee)).order_by("email").first()
        return person or _person("hq")
    return _person(f"officer.{request.entry_region_id.lower()}") or _person("hq")


def _payload(action: str, request: Request, rng: random.Random) -> TransitionInput:
    payload = TransitionInput(note=NOTES.get(action, ""), public=action != "request_information")
    if action == "assign":
        payload.assignee = rng.choice((*ASSIGNEES, f"office:{request.entry_region_id}"))
    elif action == "refer":
        payload.partner = "Food and Agriculture Organization of the United Nations"
    elif action == "complete":
        payload.summary = "Delivered as planned; the ministry's report is attached to the file."
    if action == "start":
        activity = (
            Activity.objects.public()
            .filter(countries__country_id=request.country_id)
            .order_by("iati_identifier")
            .first()
        )
        payload.activities = [activity.iati_identifier] if activity else []
    return payload


def _build_one(index: int, path: tuple[str, ...], rng: random.Random) -> Request | None:
    country = COUNTRIES[index % len(COUNTRIES)]
    focal = _person(f"focal.{country.lower()}")
    if focal is None:
        return None
    topic = TOPICS[index % len(TOPICS)]
    when = START + timedelta(days=index * 13 + rng.randint(0, 5))
    language = "zh" if focal.language.startswith("zh") else (focal.language or "en")
    request = do_create_request(focal, _request_data(topic, language, rng), now=when)
    for action in path:
        when += timedelta(days=rng.randint(2, 15), hours=rng.randint(0, 6))
        actor = _actor(action, request, focal)
        request = do_transition_request(
            actor, request, action, _payload(action, request, rng), now=when
        )
    return request


def build(rng: random.Random, log: Callable[[str], None]) -> int:
    if Request.objects.filter(submitter__email__endswith=f"@{DEMO_DOMAIN}").exists():
        return 0
    paths = [*PATHS, *PATHS, *PATHS[1:9]]  # every status at least twice; 36 in all
    rng.shuffle(paths)
    created = 0
    with muted():
        for index, path in enumerate(paths):
            created += _build_one(index, path, rng) is not None
    return created
