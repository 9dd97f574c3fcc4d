"""Two officers acting on the same request at once: one wins, the other gets a conflict, and
the request is never assigned twice. Also: two requests created at once get two numbers.

The threads really overlap: the first to lock the request pauses inside its transaction, so the
second must wait for the row lock (PostgreSQL) or the write lock (SQLite) and then finds a newer
version. Without the lock both would read version N and both would assign.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from tests.requests.conftest import People, request_data

from bali.requests import workflow
from bali.requests.actions import do_create_request
from bali.requests.models import Request
from bali.requests.workflow import RequestConflict, TransitionInput, do_transition_request

# Threads need their own connections and committed data: every test takes `transactional_db`
# by name, so the root conftest reloads the reference data after the flush.
PAUSE = 0.3


def run_at_once(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs in threads started together; each result is a value or the exception."""
    results: list[Any] = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def runner(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # collected for the assertions
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def slow_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold the lock a moment after taking it, so the other thread arrives while it is held."""
    original = workflow.lock_request

    def lock_then_pause(request: Request) -> Request:
        locked = original(request)
        time.sleep(PAUSE)
        return locked

    monkeypatch.setattr(workflow, "lock_request", lock_then_pause)


@pytest.fixture
def slow_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold the counter a moment after taking a number, so the other creator has to wait."""
    from bali.requests import actions, numbering

    original = numbering.next_reference

    def number_then_pause(year: int, region: str) -> str:
        reference = original(year, region)
        time.sleep(PAUSE)
        return reference

    monkeypatch.setattr(actions, "next_reference", number_then_pause)


def test_two_officers_assign_at_once(
    transactional_db: None, people: People, make_request: Callable[..., Request], slow_lock: None
) -> None:
    request = make_request("accepted")
    version = request.version

    def assign(user: Any, assignee: str) -> Callable[[], str]:
        def job() -> str:
            fresh = Request.objects.get(pk=request.pk)
            payload = TransitionInput(assignee=assignee, version=version)
            return do_transition_request(user, fresh, "assign", payload).assignee

        return job

    results = run_at_once(
        assign(people.officer_afr, "division:DTIE"), assign(people.hq, "division:DEWA")
    )
    winners = [r for r in results if isinstance(r, str)]
    conflicts = [r for r in results if isinstance(r, RequestConflict)]
    assert len(winners) == 1 and len(conflicts) == 1, results
    request.refresh_from_db()
    assert request.assignee == winners[0]
    assert request.version == version + 1
    assert request.events.filter(action="assign").count() == 1


def test_two_requests_created_at_once_get_two_numbers(
    transactional_db: None, people: People, slow_counter: None
) -> None:
    def create(user: Any) -> Callable[[], str]:
        return lambda: do_create_request(user, request_data()).reference

    results = run_at_once(create(people.focal_ke), create(people.focal_sn))
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 2
    assert sorted(r[-4:] for r in results) == ["0001", "0002"]
