"""`bali create-user EMAIL --role ROLE [--country ISO2] [--region CODE] [--division CODE]
[--org REF] [--password ...] [--token]`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bali.accounts.actions import UserScope, do_create_user, do_issue_token
from bali.accounts.roles import Role


class Command(BaseCommand):
    help = "Create a user with a role and its scope; --token prints an API token on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--country", help="ISO 3166 alpha-2 code (national focal point)")
        parser.add_argument("--region", help="UNEP region code: AFR ASP EUR LAC NAM WAS")
        parser.add_argument("--division", help="division code, e.g. DTIE")
        parser.add_argument("--org", help="IATI organisation identifier (partner editor)")
        parser.add_argument("--password", help="password for signing in to the web pages")
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument("--language", default="", help="preferred language for e-mail")
        parser.add_argument("--token", action="store_true", help="also issue an API token")

    def handle(self, *args: Any, **options: Any) -> None:
        scope = UserScope(
            country=options["country"],
            region=options["region"],
            division=options["division"],
            org=options["org"],
        )
        try:
            user = do_create_user(
                options["email"],
                options["role"],
                scope,
                password=options["password"],
                full_name=options["name"],
                language=options["language"],
            )
        except ValidationError as exc:
            messages = "; ".join(
                f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()
            )
            raise CommandError(messages) from exc
        self.stdout.write(f"Created {user.email} ({user.role}).")
        if options["token"]:
            self.stdout.write("API token (shown once; keep it secret):")
            self.stdout.write(do_issue_token(user, "created with bali create-user"))
