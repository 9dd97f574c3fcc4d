"""Requests for technology support and capacity-building from countries (plan §31(b), (f), (g)).

A request is written by a national focal point, received by the regional office of its entry
point region, and moved through the lifecycle in `workflow.py`. Every move is a `RequestEvent`,
which is append-only: the queryset and the model refuse updates and deletions, so the public
timeline cannot be rewritten.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bali.activities.models import ActivityType
from bali.core.i18n import localized
from bali.requests.querysets import RequestQuerySet


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_REVIEW = "under_review", _("Under review")
    NEEDS_INFORMATION = "needs_information", _("Needs information")
    ACCEPTED = "accepted", _("Accepted")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    EVALUATED = "evaluated", _("Evaluated")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REFERRED = "referred", _("Referred to a partner")


CLOSED_STATUSES = frozenset({Status.EVALUATED, Status.DECLINED, Status.WITHDRAWN, Status.REFERRED})

# Who holds a request in each status: the country, its entry-point office, or the assignee.
COUNTRY_HOLDS = frozenset({Status.DRAFT, Status.NEEDS_INFORMATION, Status.COMPLETED})
OFFICE_HOLDS = frozenset(
    {Status.SUBMITTED, Status.ACKNOWLEDGED, Status.UNDER_REVIEW, Status.ACCEPTED}
)
ASSIGNEE_HOLDS = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})


# The kinds of support a country may ask for are the activities' kinds (the same codes and
# names, so a request and the activities that answer it are counted in one vocabulary), less
# "awareness raising": the plan treats awareness as an issue (CC11), and issue 5 lists the
# eight kinds below as what a country requests; awareness work is asked for as training.
class SupportType(models.TextChoices):
    TRAINING = ActivityType.TRAINING.value, ActivityType.TRAINING.label
    TECHNICAL_ADVICE = ActivityType.TECHNICAL_ADVICE.value, ActivityType.TECHNICAL_ADVICE.label
    TECHNOLOGY_TRANSFER = (
        ActivityType.TECHNOLOGY_TRANSFER.value,
        ActivityType.TECHNOLOGY_TRANSFER.label,
    )
    INSTITUTIONAL_SUPPORT = (
        ActivityType.INSTITUTIONAL_SUPPORT.value,
        ActivityType.INSTITUTIONAL_SUPPORT.label,
    )
    POLICY_LEGAL_SUPPORT = (
        ActivityType.POLICY_LEGAL_SUPPORT.value,
        ActivityType.POLICY_LEGAL_SUPPORT.label,
    )
    ASSESSMENT = ActivityType.ASSESSMENT.value, ActivityType.ASSESSMENT.label
    SOUTH_SOUTH = ActivityType.SOUTH_SOUTH.value, ActivityType.SOUTH_SOUTH.label
    OTHER = ActivityType.OTHER.value, ActivityType.OTHER.label


class Request(models.Model):
    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    country = models.ForeignKey(
        "reference.Country",
        verbose_name=_("requesting country"),
        on_delete=models.PROTECT,
        related_name="support_requests",
    )
    entry_region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("entry point"),
        on_delete=models.PROTECT,
        related_name="support_requests",
        help_text=_("The regional office that receives the request."),
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="submitted_requests",
    )
    language = models.CharField(_("language of the request"), max_length=8, default="en")
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    support_type = models.CharField(
        _("type of support"), max_length=32, choices=SupportType.choices, blank=True
    )
    themes = models.ManyToManyField(
        "reference.Theme", verbose_name=_("BSP themes"), blank=True, related_name="requests"
    )
    priority = models.TextField(_("national or regional priority"), blank=True)
    meas = models.ManyToManyField(
        "reference.MEA", verbose_name=_("MEAs concerned"), blank=True, related_name="requests"
    )
    expected_results = models.TextField(_("expected results"), blank=True)
    desired_start = models.DateField(_("desired start"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration in months"), null=True, blank=True
    )
    estimated_cost = models.DecimalField(
        _("estimated cost"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    co_financing = models.DecimalField(
        _("co-financing offered"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    contacts = models.JSONField(_("contact persons"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    assignee = models.CharField(_("assignee"), max_length=170, blank=True, db_index=True)
    referred_partner = models.CharField(_("referred to"), max_length=200, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    results_summary = models.TextField(_("summary of results"), blank=True)
    activities = models.ManyToManyField(
        "activities.Activity",
        verbose_name=_("answering activities"),
        blank=True,
        related_name="answered_requests",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    due_on = models.DateField(_("next step due"), null=True, blank=True, db_index=True)
    due_step = models.CharField(_("next step"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["entry_region", "status"], name="request_region_status")]
        verbose_name = _("request for support")
        verbose_name_plural = _("requests for support")

    def __str__(self) -> str:
        return f"{self.reference} {self.display_title}"

    @property
    def display_title(self) -> str:
        return localized(self.title)

    @property
    def is_public(self) -> bool:
        """Published once it has been submitted; drafts stay with the country."""
        return self.submitted_at is not None

    def decline_reason_for(self, insider: bool) -> str:
        """The reason for declining as a reader may see it. It is the decline step's note, so
        it follows that note's visibility: outsiders see it only when the note was public."""
        if not self.decline_reason or insider:
            return self.decline_reason
        public = (
            self.events.filter(action="decline")
            .order_by("-at", "-id")
            .values_list("public", flat=True)
            .first()
        )
        return self.decline_reason if public else ""

    @property
    def is_overdue(self) -> bool:
        return self.due_on is not None and self.due_on < timezone.localdate()

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def assignee_label(self) -> str:
        from bali.requests.assignees import ORG, assignee_label

        names = getattr(self, "assignee_org_names", None)
        if names and self.assignee.startswith(f"{ORG}:"):
            return localized(names) or self.assignee.partition(":")[2]
        return assignee_label(self.assignee)

    @property
    def holder_label(self) -> str:
        """Who must act next, in words: the country, the entry-point office, the assignee."""
        if self.status in COUNTRY_HOLDS:
            return self.country.name
        if self.status in OFFICE_HOLDS:
            return self.entry_region.office_name or self.entry_region.name
        if self.status in ASSIGNEE_HOLDS:
            return self.assignee_label
        if self.status == Status.REFERRED:
            return self.referred_partner
        return ""


# Events that record work on the file rather than a step of the workflow; shown to insiders only.
HOUSEKEEPING_ACTIONS = ("create", "edit", "attach")


class EventQuerySet(models.QuerySet["RequestEvent"]):
    """Events are append-only: bulk updates and deletions are refused."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError("Request events are append-only; they are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Request events are append-only; they are never deleted.")

    def timeline(self, insider: bool) -> EventQuerySet:
        """Events a reader may see: everything for people inside the request; for others the
        workflow steps only (their notes are blanked by `RequestEvent.note_for`)."""
        if insider:
            return self.all()
        return self.exclude(action__in=HOUSEKEEPING_ACTIONS)


class RequestEvent(models.Model):
    """One step of a request's life: who did what, when, with which note."""

    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=200, blank=True)
    actor_role = models.CharField(_("role"), max_length=32, blank=True)
    actor_scope = models.CharField(_("scope"), max_length=170, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(
        _("public note"),
        default=True,
        help_text=_("Whether people outside the request see the note."),
    )
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self) -> str:
        return f"{self.request_id} {self.action} {self.at:%Y-%m-%d}"

    def note_for(self, insider: bool) -> str:
        """The note as a reader may see it: internal notes only inside the request."""
        return self.note if insider or self.public else ""

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Request events are append-only; they are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Request events are append-only; they are never deleted.")


def attachment_path(instance: RequestAttachment, filename: str) -> str:
    """Files live under MEDIA_ROOT/requests/<reference>/ with a random name (never served
    directly: the download view checks who asks)."""
    return f"requests/{instance.request.reference}/{instance.stored_name}"


class RequestAttachment(models.Model):
    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=16)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class RequestCounter(models.Model):
    """The last sequence number given per (year, region); locked while numbering, so two
    requests created at once never share a reference and no number is ever given twice."""

    year = models.PositiveSmallIntegerField()
    region = models.CharField(max_length=3)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "region"], name="uniq_request_counter")
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.region}: {self.last}"
