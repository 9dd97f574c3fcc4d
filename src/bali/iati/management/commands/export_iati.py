"""`bali export-iati [FILTERS] -o FILE [--include-imported]` and `--organisations -o FILE`.

The filters are those of the search (`--country KE --theme TH02 --year 2024 ...`; repeat an
option or separate values with commas). `-o -` writes to standard output.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from bali.activities.filters import LIST_FILTERS, parse_filters
from bali.iati.export_org import write_organisations
from bali.iati.exporter import publishable, write_activities
from bali.search.service import QueryError, activity_queryset


class Command(BaseCommand):
    help = (
        "Export activities as IATI 2.03 activity XML (valid against the official schema), "
        "chosen with the search filters; or, with --organisations, the IATI organisation file "
        "of the organisations that publish here."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="file to write, - for stdout")
        parser.add_argument(
            "--include-imported",
            action="store_true",
            help="also re-publish activities imported from other publishers (their identifiers "
            "and reporting organisations are kept)",
        )
        parser.add_argument(
            "--organisations", action="store_true", help="write the IATI organisation file"
        )
        parser.add_argument("--q", default="", help="search text")
        for name in LIST_FILTERS:
            parser.add_argument(f"--{name}", action="append", default=[], metavar="VALUE")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["organisations"]:
            with self._output(options["output"]) as output:
                count = write_organisations(output)
            self._done(options, _("%(count)d organisations written.") % {"count": count})
            return
        params = {"q": options["q"], **{name: options[name] for name in LIST_FILTERS}}
        try:
            filters = parse_filters(params)
            queryset = publishable(activity_queryset(filters, None), options["include_imported"])
        except ValidationError as exc:
            messages = "; ".join(
                f"--{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()
            )
            raise CommandError(messages, returncode=2) from exc
        except QueryError as exc:
            raise CommandError(f"--q: {exc}", returncode=2) from exc
        with self._output(options["output"]) as output:
            count = write_activities(output, queryset)
        self._done(options, _("%(count)d activities written.") % {"count": count})

    @contextmanager
    def _output(self, name: str) -> Iterator[IO[bytes]]:
        if name == "-":
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
            return
        path = Path(name)
        partial = path.with_name(path.name + ".part")
        try:
            with partial.open("wb") as handle:
                yield handle
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(path)  # never leave a half-written file under the asked name

    def _done(self, options: dict[str, Any], message: str) -> None:
        if options["output"] != "-" and options["verbosity"] >= 1:
            self.stderr.write(message)
