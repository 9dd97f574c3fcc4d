"""`bali import-iati SOURCE... [--dry-run] [--json] [--publisher REF] [--jobs N]` and `--run ID`.

SOURCE is a file, a folder (read recursively), a `.gz` file or an http(s) URL. Exit code 0 when
every file was read, 1 when any file failed, 2 on bad arguments. With `--json` the summary is
printed on standard output as JSON; warnings and errors go to standard error.
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from bali.iati.models import ImportRun, RunOrigin, RunStatus
from bali.iati.progress import IssuePrinter, TerminalProgress
from bali.iati.runs import RunRecorder, begin_run, end_run, remove_uploads, run_sources
from bali.iati.service import ImportOptions, ImportReport, ImportService, Listener
from bali.iati.sources import MAX_SOURCE_MB, Source, SourceError, expand_sources


class Command(BaseCommand):
    help = (
        "Import IATI activity files (1.0x and 2.0x): files, folders, .gz files or http(s) URLs. "
        "Exit code 0 when every file was read, 1 when any file failed, 2 on bad arguments."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sources", nargs="*", metavar="SOURCE")
        parser.add_argument("--dry-run", action="store_true", help="read and report, write nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument(
            "--publisher",
            default="",
            help="publisher recorded as the source (default: the "
            "reporting organisation's identifier)",
        )
        parser.add_argument("--run", type=int, help="carry out a queued import run (web uploads)")
        parser.add_argument(
            "--max-source-mb",
            type=int,
            default=None,
            help="size limit in MB for URL downloads and for decompressed .gz data of "
            f"uploads (default {MAX_SOURCE_MB})",
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="activities per transaction (default 500)"
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="processes to use: with N > 1, N - 1 processes read the files while this one "
            "writes (default 1: everything in this process)",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar, even on a terminal"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["run"] is not None:
            report = self._handle_run(options)
        else:
            report = self._handle_sources(options)
        self._print_summary(report, options)
        if report.failed_files:
            sys.exit(1)

    def _limit(self, options: dict[str, Any]) -> int:
        megabytes = options["max_source_mb"] or MAX_SOURCE_MB
        return int(megabytes) * 1024 * 1024

    def _sources(self, arguments: list[str]) -> list[Source]:
        if not arguments:
            raise CommandError(_("Name at least one file, folder or URL to import."), returncode=2)
        try:
            return expand_sources(arguments)
        except SourceError as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def _listeners(self, options: dict[str, Any], sources: list[Source]) -> list[Listener]:
        progress = None
        if not options["no_progress"] and sys.stderr.isatty() and options["verbosity"] >= 1:
            progress = TerminalProgress(sys.stderr, sum(s.size or 0 for s in sources))
        printer = IssuePrinter(self.stderr, options["verbosity"], progress)
        return [printer] if progress is None else [progress, printer]

    def _check_numbers(self, options: dict[str, Any]) -> None:
        if options["batch_size"] < 1:
            raise CommandError(_("The batch size is at least 1."), returncode=2)
        if options["jobs"] < 1:
            raise CommandError(_("The number of processes is at least 1."), returncode=2)

    def _handle_sources(self, options: dict[str, Any]) -> ImportReport:
        self._check_numbers(options)
        sources = self._sources(options["sources"])
        import_options = ImportOptions(
            dry_run=options["dry_run"],
            publisher=options["publisher"],
            url_limit=self._limit(options),
            batch_size=options["batch_size"],
            jobs=options["jobs"],
        )
        listeners = self._listeners(options, sources)
        if options["dry_run"]:
            return ImportService(import_options, listeners).run(sources)
        label = sources[0].label if len(sources) == 1 else ", ".join(options["sources"])
        run = ImportRun.objects.create(
            origin=RunOrigin.COMMAND,
            label=label[:300],
            sources=[s.label for s in sources][:1000],
            publisher=options["publisher"],
        )
        import_options.actor_label = run.actor_label
        return self._execute(run, sources, import_options, listeners)

    def _execute(
        self,
        run: ImportRun,
        sources: list[Source],
        import_options: ImportOptions,
        listeners: list[Listener],
    ) -> ImportReport:
        begin_run(run, sources)
        recorder = RunRecorder(run)
        service = ImportService(import_options, [recorder, *listeners])
        try:
            report = service.run(sources)
        except BaseException:
            recorder.finish()
            end_run(run, None, traceback.format_exc())
            raise
        recorder.finish()
        report.run = run.pk
        end_run(run, report)
        return report

    def _handle_run(self, options: dict[str, Any]) -> ImportReport:
        self._check_numbers(options)
        run = ImportRun.objects.filter(pk=options["run"]).first()
        if run is None:
            raise CommandError(
                _("There is no import run %(id)s.") % {"id": options["run"]}, returncode=2
            )
        if run.status == RunStatus.RUNNING and run.pid and _alive(run.pid):
            raise CommandError(_("Import run %(id)s is running.") % {"id": run.pk}, returncode=2)
        try:
            sources = run_sources(run)
        except SourceError as exc:
            end_run(run, None, str(exc))
            raise CommandError(str(exc), returncode=2) from exc
        import_options = ImportOptions(
            dry_run=run.dry_run,
            publisher=run.publisher,
            source_limit=self._limit(options) if run.origin != RunOrigin.COMMAND else None,
            url_limit=self._limit(options),
            actor_id=run.created_by_id,
            actor_label=run.actor_label,
            batch_size=options["batch_size"],
            jobs=options["jobs"],
        )
        report = self._execute(run, sources, import_options, self._listeners(options, sources))
        remove_uploads(run)
        return report

    def _print_summary(self, report: ImportReport, options: dict[str, Any]) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        if options["verbosity"] < 1:
            return
        totals = report.totals
        template = (
            _(
                "Dry run: %(files)d files (%(failed)d failed), %(activities)d activities: "
                "%(created)d would be created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(skipped)d skipped; %(warnings)d warnings, %(errors)d errors."
            )
            if report.dry_run
            else _(
                "%(files)d files (%(failed)d failed), %(activities)d activities: %(created)d "
                "created, %(updated)d updated, %(unchanged)d unchanged, %(skipped)d skipped; "
                "%(warnings)d warnings, %(errors)d errors."
            )
        )
        self.stdout.write(
            template
            % {
                "files": len(report.files),
                "failed": report.failed_files,
                "activities": totals.activities,
                "created": totals.created,
                "updated": totals.updated,
                "unchanged": totals.unchanged,
                "skipped": totals.skipped,
                "warnings": totals.warnings,
                "errors": totals.errors,
            }
        )


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True
