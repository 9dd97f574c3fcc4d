"""Demonstration requests: three dozen requests from seven countries in five regions, in every
status of the lifecycle, each with its events, built through the services.

The content is deterministic (countries, titles, statuses, assignees, notes and amounts come
from the seeded generator); the dates are relative to the day `bali demo` runs, so that the
demo looks alive whenever it is loaded: requests waiting for a step were mostly received in the
last few days, and about a third of them are overdue (to show the overdue lists). References
carry the year the request was opened, so they depend on that day too. Every random choice is
drawn first, in a fixed order, and the requests are then built from the oldest to the newest,
so that their numbers follow the order in which they were opened. Mail is not sent while the
demo is built. Running it again adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from bali.accounts.demo import DEMO_DOMAIN
from bali.accounts.models import User
from bali.activities.models import Activity
from bali.requests.actions import do_create_request
from bali.requests.assignees import parse_assignee, people_of
from bali.requests.demo_content import TOPICS, Topic
from bali.requests.models import Request
from bali.requests.notifications import muted
from bali.requests.workflow import TransitionInput, do_transition_request

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
# Last steps after which a deadline runs (the request waits for the office or the assignee).
WAITING = ("submit", "resubmit", "acknowledge", "review", "accept", "assign")
OWN_OFFICE = "office"  # the regional office that received the request
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


@dataclass
class Plan:
    """One demo request with every random choice already drawn."""

    index: int
    path: tuple[str, ...]
    data: dict[str, Any]
    start_in_months: int
    steps: list[timedelta]  # from the opening to each step
    lag: timedelta  # from the last event to the day the demo runs
    assignee: str = ""
    opened: datetime = field(default_factory=timezone.now)


def _plan(index: int, path: tuple[str, ...], rng: random.Random) -> Plan:
    topic = TOPICS[index % len(TOPICS)]
    steps, elapsed = [], timedelta(0)
    for _action in path:
        elapsed += timedelta(days=rng.randint(2, 15), hours=rng.randint(0, 6))
        steps.append(elapsed)
    overdue = index % 3 == 0
    waits = bool(path) and path[-1] in WAITING
    days = (
        (rng.randint(50, 90) if overdue else rng.randint(1, 6)) if waits else rng.randint(10, 200)
    )
    return Plan(
        index=index,
        path=path,
        data=_request_data(topic, rng),
        start_in_months=rng.randint(3, 12),
        steps=steps,
        lag=timedelta(days=days, hours=rng.randint(1, 8)),
        assignee=rng.choice((*ASSIGNEES, OWN_OFFICE)) if "assign" in path else "",
    )


def _request_data(topic: Topic, rng: random.Random) -> dict[str, Any]:
    cost = rng.randrange(20, 400) * 1000
    return {
        "title": dict(topic.titles),
        "description": {"en": topic.description},
        "support_type": topic.support_type,
        "themes": list(topic.themes),
        "meas": list(topic.meas),
        "expected_results": topic.results,
        "priority": f"National environmental action plan, priority area {rng.randint(1, 6)}",
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


def _first_of_month(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _actor(action: str, request: Request, focal: User) -> User | None:
    if action in ("submit", "resubmit", "withdraw", "evaluate"):
        return focal
    if action in ("start", "complete"):
        person = people_of(parse_assignee(request.assignee)).order_by("email").first()
        return person or _person("hq")
    return _person(f"officer.{request.entry_region_id.lower()}") or _person("hq")


def _payload(action: str, request: Request, plan: Plan) -> TransitionInput:
    payload = TransitionInput(note=NOTES.get(action, ""), public=action != "request_information")
    if action == "assign":
        own = f"office:{request.entry_region_id}"
        payload.assignee = own if plan.assignee == OWN_OFFICE else plan.assignee
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


def _build_one(plan: Plan) -> Request | None:
    country = COUNTRIES[plan.index % len(COUNTRIES)]
    focal = _person(f"focal.{country.lower()}")
    if focal is None:
        return None
    language = "zh" if focal.language.startswith("zh") else (focal.language or "en")
    data = {**plan.data, "language": language}
    data["title"] = {k: v for k, v in data["title"].items() if k in ("en", language)}
    data["desired_start"] = _first_of_month(plan.opened.date(), plan.start_in_months)
    request = do_create_request(focal, data, now=plan.opened)
    for action, offset in zip(plan.path, plan.steps, strict=True):
        actor = _actor(action, request, focal)
        request = do_transition_request(
            actor, request, action, _payload(action, request, plan), now=plan.opened + offset
        )
    return request


def build(rng: random.Random, log: Callable[[str], None]) -> int:
    if Request.objects.filter(submitter__email__endswith=f"@{DEMO_DOMAIN}").exists():
        return 0
    paths = [*PATHS, *PATHS, *PATHS[1:9]]  # every status at least twice; 36 in all
    rng.shuffle(paths)
    plans = [_plan(index, path, rng) for index, path in enumerate(paths)]
    today = timezone.now().replace(minute=0, second=0, microsecond=0)
    for plan in plans:
        plan.opened = today - plan.lag - (plan.steps[-1] if plan.steps else timedelta(0))
    created = 0
    with muted():
        for plan in sorted(plans, key=lambda p: (p.opened, p.index)):
            created += _build_one(plan) is not None
    return created
