"""Import runs: what was imported, by whom, how far it got, and what it said.

A run is created by `bali import-iati` (one per command) and by an upload on the import page;
the importer writes its progress into the row after every batch, so the page can follow a run
that works in another process. Messages are capped per run (`MESSAGE_LIMIT`): a file with a
million warnings must not fill the database; the counts stay exact.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bali.iati.issues import Issue

MESSAGE_LIMIT = 5000


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Finished with failed files")
    CRASHED = "crashed", _("Stopped by an unexpected error")


class RunOrigin(models.TextChoices):
    COMMAND = "command", _("Command line")
    UPLOAD = "upload", _("Upload on the import page")
    API = "api", _("API")


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def visible_to(self, user: object) -> ImportRunQuerySet:
        """Runs are seen by HQ coordinators and administrators only."""
        if getattr(user, "is_authenticated", False) and getattr(user, "is_global", False):
            return self.all()
        return self.none()


class ImportRun(models.Model):
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    origin = models.CharField(_("started from"), max_length=10, choices=RunOrigin.choices)
    label = models.CharField(_("what is imported"), max_length=300)
    sources = models.JSONField(_("sources"), default=list)
    publisher = models.CharField(_("publisher"), max_length=150, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)

    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    files_failed = models.PositiveIntegerField(default=0)
    bytes_total = models.BigIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    activities = models.PositiveIntegerField(_("activities read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    warnings = models.PositiveIntegerField(_("warnings"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    current_file = models.CharField(max_length=1000, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("IATI import run")
        verbose_name_plural = _("IATI import runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.label}"

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def percent(self) -> int:
        """Share of the bytes read, for the progress bar (files count when sizes are unknown)."""
        if self.status in (RunStatus.FINISHED, RunStatus.FAILED):
            return 100
        if self.bytes_total:
            return min(99, int(100 * self.bytes_done / self.bytes_total))
        if self.files_total:
            return min(99, int(100 * self.files_done / self.files_total))
        return 0

    @property
    def actor_label(self) -> str:
        """How the activity history names this run."""
        return f"IATI import #{self.pk}: {self.label}"[:300]


class ImportMessage(models.Model):
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="messages")
    level = models.CharField(max_length=8)
    file = models.CharField(max_length=1000, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    identifier = models.CharField(max_length=255, blank=True)
    message = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.level}: {self.message}"

    def as_issue(self) -> Issue:
        return Issue(
            self.level, self.file, self.line, self.identifier, self.message, self.params or {}
        )
