"""`bali requests list [filters] [--json]` and `bali requests act REF ACTION --as EMAIL ...`.

`list` prints the requests with their status and next due date, overdue ones marked (for a
daily reminder: `bali requests list --overdue`). `act` takes one step of the workflow as a
named person, through the same service as the pages and the API, so the same permissions,
checks and events apply; an assignee is written `division:<code>`, `office:<region>` or
`org:<IATI organisation identifier>`.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from bali.accounts.models import User
from bali.core.i18n import UN_LANGUAGES, django_language, iso_language
from bali.core.permissions import PermissionDenied
from bali.requests import serializers
from bali.requests.filters import parse_filters
from bali.requests.models import Request
from bali.requests.step_inputs import TransitionInput
from bali.requests.transitions import ACTIONS
from bali.requests.workflow import RequestConflict, do_transition_request

FILTERS = ("country", "region", "status", "theme", "year", "assignee")


class Command(BaseCommand):
    help = "List requests for support, or take a step of the workflow as a named person."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--language", default="en", help="ar, zh, en, fr, ru or es")
        commands = parser.add_subparsers(dest="command", required=True)
        listing = commands.add_parser("list", help="submitted requests, overdue ones marked")
        for name in FILTERS:
            listing.add_argument(f"--{name}", default="")
        listing.add_argument("--overdue", action="store_true", help="only overdue requests")
        listing.add_argument("--json", action="store_true", help="one JSON object per line")
        act = commands.add_parser("act", help="take one step as a named person")
        act.add_argument("reference")
        act.add_argument("action", choices=ACTIONS)
        act.add_argument("--as", dest="actor", required=True, help="e-mail of the person acting")
        act.add_argument("--note", default="")
        act.add_argument("--internal", action="store_true", help="keep the note internal")
        act.add_argument("--assignee", default="", help="division:DTIE, office:AFR, org:<id>")
        act.add_argument("--partner", default="", help="the partner a request is referred to")
        act.add_argument("--summary", default="", help="summary of results (complete)")
        act.add_argument("--activity", action="append", default=[], help="answering activity")
        act.add_argument("--version", type=int, help="the version read (reassign needs it)")

    def handle(self, *args: Any, **options: Any) -> None:
        language = iso_language(options["language"])
        if language not in UN_LANGUAGES:
            raise CommandError("--language: one of ar, zh, en, fr, ru, es")
        with translation.override(django_language(language)):
            if options["command"] == "list":
                self._list(options)
            else:
                self._act(options)

    def _list(self, options: dict[str, Any]) -> None:
        params = {name: options[name] for name in FILTERS}
        params["overdue"] = "true" if options["overdue"] else ""
        try:
            filters = parse_filters(params)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from exc
        rows = Request.objects.public().filtered(filters).with_related().queue_order()
        for request in rows:
            summary = serializers.request_summary(request)
            if options["json"]:
                self.stdout.write(json.dumps(summary, ensure_ascii=False))
            else:
                self.stdout.write(_line(summary))

    def _act(self, options: dict[str, Any]) -> None:
        actor = User.objects.filter(email=options["actor"].strip().lower(), is_active=True).first()
        request = Request.objects.filter(reference=options["reference"].strip().upper()).first()
        if actor is None:
            raise CommandError(f"No active person {options['actor']}.")
        if request is None:
            raise CommandError(f"No request {options['reference']}.")
        payload = TransitionInput(
            note=options["note"],
            public=not options["internal"],
            assignee=options["assignee"],
            partner=options["partner"],
            summary=options["summary"],
            activities=options["activity"],
            version=options["version"],
        )
        try:
            done = do_transition_request(actor, request, options["action"], payload)
        except (PermissionDenied, RequestConflict) as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from exc
        self.stdout.write(_line(serializers.request_summary(done)))


def _line(summary: dict[str, Any]) -> str:
    due = summary["due_on"] or "-"
    mark = " OVERDUE" if summary["overdue"] else ""
    return (
        f"{summary['reference']}\t{summary['status']}\t{due}{mark}\t{summary['country']}\t"
        f"{summary['holder']}\t{summary['title']}"
    )


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
