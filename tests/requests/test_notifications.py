"""E-mail on each step: to the submitter and the assignee (and the office when a request
reaches it), in each recipient's language, only once the step is committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from tests.requests.conftest import People

from bali.core import formats
from bali.requests.models import Request
from bali.requests.notifications import muted
from bali.requests.workflow import TransitionInput, do_transition_request

pytestmark = pytest.mark.django_db


def _set_language(user: Any, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def test_submitter_told_in_their_language(
    people: People,
    make_request: Callable[..., Request],
    django_capture_on_commit_callbacks: Callable[..., Any],
    settings: Any,
) -> None:
    settings.SITE_URL = "https://clearinghouse.example.org"
    _set_language(people.focal_ke, "fr")
    request = make_request("submitted")
    with django_capture_on_commit_callbacks(execute=True):
        do_transition_request(
            people.officer_afr,
            request,
            "acknowledge",
            TransitionInput(note="Bien reçu, merci.", public=False),
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["focal.ke@example.org"]
    assert message.subject.startswith(f"[{request.reference}] Accusé de réception")
    assert "Statut : Soumise → Accusé de réception" in message.body
    assert "Bien reçu, merci." in message.body
    assert f"https://clearinghouse.example.org/fr/requests/{request.reference}/" in message.body
    assert message.extra_headers["Content-Language"] == "fr"
    # Dates written the French way, as on the pages (`bali.core.formats`).
    acknowledged = request.events.get(action="acknowledge").at
    assert f"{formats.moment(acknowledged, 'fr')} UTC" in message.body
    request.refresh_from_db()
    assert formats.day(request.due_on, "fr") in message.body


def test_assignee_and_submitter_each_in_their_language(
    people: People,
    make_request: Callable[..., Request],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _set_language(people.dtie, "es")
    _set_language(people.focal_ke, "zh")
    request = make_request("accepted")
    with django_capture_on_commit_callbacks(execute=True):
        do_transition_request(
            people.officer_afr, request, "assign", TransitionInput(assignee="division:DTIE")
        )
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"focal.ke@example.org", "dtie@example.org"}
    spanish = by_recipient["dtie@example.org"]
    assert "Asignada" in spanish.subject
    assert "Asignada a: División de Tecnología, Industria y Economía" in spanish.body
    chinese = by_recipient["focal.ke@example.org"]
    assert "/zh-hans/requests/" in chinese.body
    assert "已分配" in chinese.subject


def test_office_told_when_a_request_arrives(
    people: People,
    make_request: Callable[..., Request],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    draft = make_request("draft")
    with django_capture_on_commit_callbacks(execute=True):
        do_transition_request(people.focal_ke, draft, "submit")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "focal.ke@example.org",
        "officer.afr@example.org",
    ]
    body = next(m.body for m in mail.outbox if m.to == ["officer.afr@example.org"])
    assert "Requesting country: Kenya" in body
    assert "Next step with: UNEP Regional Office for Africa" in body
    assert "Next step due by:" in body


@pytest.mark.parametrize("public", [False, True])
def test_internal_note_only_to_people_still_inside(
    people: People,
    make_request: Callable[..., Request],
    django_capture_on_commit_callbacks: Callable[..., Any],
    public: bool,
) -> None:
    """On `reassign` the previous assignee is told it lost the request, but is no longer
    inside it: an internal note is left out of its mail (a public one is not)."""
    request = make_request("assigned")
    note = "DTIE is overstretched this quarter."
    payload = TransitionInput(
        assignee="division:DEWA", version=request.version, note=note, public=public
    )
    with django_capture_on_commit_callbacks(execute=True):
        do_transition_request(people.officer_afr, request, "reassign", payload)
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    assert set(by_recipient) == {"focal.ke@example.org", "dtie@example.org", "dewa@example.org"}
    assert note in by_recipient["dewa@example.org"]
    assert note in by_recipient["focal.ke@example.org"]
    assert (note in by_recipient["dtie@example.org"]) is public
    assert ("Note (" in by_recipient["dtie@example.org"]) is public
    assert "Previously assigned to: Division of Technology" in by_recipient["dtie@example.org"]


def test_withdrawn_draft_is_told_to_nobody_outside_the_country(
    people: People,
    make_request: Callable[..., Request],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """A draft never submitted is hidden from the office (its link would be a 404 for them):
    withdrawing it mails the country only; a submitted one withdrawn still reaches the office."""
    draft = make_request("draft")
    with django_capture_on_commit_callbacks(execute=True):
        do_transition_request(people.focal_ke, draft, "withdraw")
    assert [m.to for m in mail.outbox] == [["focal.ke@example.org"]]
    mail.outbox.clear()
    submitted = make_request("submitted")
    with django_capture_on_commit_callbacks(execute=True):
        do_transition_request(people.focal_ke, submitted, "withdraw")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "focal.ke@example.org",
        "officer.afr@example.org",
    ]


def test_no_mail_for_refused_or_muted_steps(
    people: People,
    make_request: Callable[..., Request],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    request = make_request("submitted")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Exception):  # noqa: B017 (a conflict: nothing committed)
            do_transition_request(people.officer_afr, request, "accept")
        with muted():
            do_transition_request(people.officer_afr, request, "acknowledge")
    assert mail.outbox == []


def test_failing_mail_server_does_not_undo_the_step(
    people: People,
    make_request: Callable[..., Request],
    django_capture_on_commit_callbacks: Callable[..., Any],
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.EMAIL_BACKEND = "tests.requests.test_notifications.BrokenBackend"
    request = make_request("submitted")
    with django_capture_on_commit_callbacks(execute=True):
        do_transition_request(people.officer_afr, request, "acknowledge")
    request.refresh_from_db()
    assert request.status == "acknowledged"
    assert "Could not send mail" in caplog.text


class BrokenBackend:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        raise ConnectionRefusedError("no mail server")
