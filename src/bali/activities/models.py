"""Capacity-building and technology-support activities, aligned with the IATI activity standard.

Text that IATI allows in many languages (titles, descriptions, narratives) is a JSON dict
{iso language code: text}. Codes are IATI codes as strings (`status="2"`), with names looked up
in the reference codelists. Child rows (countries, sectors, budgets, ...) are replaced as a whole
when an activity is saved through `bali.activities.writes`, which keeps imports simple and fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bali.core.i18n import localized

if TYPE_CHECKING:
    from bali.accounts.models import User


class ActivityType(models.TextChoices):
    """The kind of support, as the plan describes it (not an IATI codelist)."""

    TRAINING = "training", _("Training")
    TECHNICAL_ADVICE = "technical_advice", _("Technical advice")
    TECHNOLOGY_TRANSFER = "technology_transfer", _("Technology transfer")
    INSTITUTIONAL_SUPPORT = "institutional_support", _("Institutional support")
    POLICY_LEGAL_SUPPORT = "policy_legal_support", _("Policy and legal support")
    ASSESSMENT = "assessment", _("Assessment")
    AWARENESS = "awareness", _("Awareness raising")
    SOUTH_SOUTH = "south_south_exchange", _("South-South exchange")
    OTHER = "other", _("Other")


class Source(models.TextChoices):
    LOCAL = "local", _("Entered in this clearinghouse")
    IMPORTED = "imported", _("Imported from an IATI publisher")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private (editors only)")


class GenderMarker(models.IntegerChoices):
    NOT_TARGETED = 0, _("Not targeted")
    SIGNIFICANT = 1, _("Significant objective")
    PRINCIPAL = 2, _("Principal objective")


class ActivityQuerySet(models.QuerySet["Activity"]):
    def public(self) -> ActivityQuerySet:
        return self.filter(visibility=Visibility.PUBLIC)

    def editable_by(self, user: User | None) -> ActivityQuerySet:
        """Activities the user may change (the rule of `permissions.can_edit_activity`)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_global:
            return self.all()
        condition = Q(pk__in=[])
        if user.role == "partner_editor" and user.organisation_id:
            condition |= Q(reporting_org_id=user.organisation_id)
        if user.role == "division_focal_point" and user.division_id:
            condition |= Q(division_id=user.division_id)
        return self.filter(condition)

    def visible_to(self, user: User | None) -> ActivityQuerySet:
        """Public activities plus the private ones the user may edit."""
        if user is not None and user.is_authenticated and user.is_global:
            return self.all()
        editable = self.editable_by(user).values("pk")
        return self.filter(Q(visibility=Visibility.PUBLIC) | Q(pk__in=editable))


class Activity(models.Model):
    iati_identifier = models.CharField(_("IATI identifier"), max_length=255, unique=True)
    reporting_org = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("reporting organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_activities",
    )
    division = models.ForeignKey(
        "reference.Division",
        verbose_name=_("UNEP division"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        help_text=_("The UNEP division that carries out the activity, if any."),
    )
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    other_descriptions = models.JSONField(
        _("other descriptions"),
        default=dict,
        blank=True,
        help_text=_("IATI description types other than general: {type code: {language: text}}."),
    )
    default_lang = models.CharField(_("default language"), max_length=8, blank=True)
    status = models.CharField(_("activity status"), max_length=2, blank=True)
    activity_type = models.CharField(
        _("type of support"), max_length=32, choices=ActivityType.choices, blank=True
    )
    gender_marker = models.PositiveSmallIntegerField(
        _("gender marker"), choices=GenderMarker.choices, null=True, blank=True
    )
    default_currency = models.CharField(_("default currency"), max_length=3, blank=True)
    hierarchy = models.PositiveSmallIntegerField(_("hierarchy"), null=True, blank=True)
    scope = models.CharField(_("activity scope"), max_length=2, blank=True)
    collaboration_type = models.CharField(_("collaboration type"), max_length=2, blank=True)
    default_flow_type = models.CharField(_("flow type"), max_length=4, blank=True)
    default_finance_type = models.CharField(_("finance type"), max_length=4, blank=True)
    default_aid_type = models.CharField(_("aid type"), max_length=8, blank=True)
    default_tied_status = models.CharField(_("tied status"), max_length=2, blank=True)

    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    # Derived (actual date, else planned): what lists sort and filter on.
    start_date = models.DateField(_("start"), null=True, blank=True, editable=False)
    end_date = models.DateField(_("end"), null=True, blank=True, editable=False)
    # Derived: sum of the budget values, in the activity's currencies as published.
    total_budget = models.DecimalField(
        _("total budget"), max_digits=20, decimal_places=2, null=True, blank=True, editable=False
    )

    meas = models.ManyToManyField(
        "reference.MEA", verbose_name=_("MEAs served"), blank=True, related_name="activities"
    )

    # Provenance
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.LOCAL
    )
    source_publisher = models.CharField(_("source publisher"), max_length=150, blank=True)
    source_file = models.CharField(_("source file or URL"), max_length=1000, blank=True)
    source_timestamp = models.DateTimeField(
        _("last updated at source"),
        null=True,
        blank=True,
        help_text=_("The IATI last-updated-datetime of the record."),
    )
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    iati_version = models.CharField(_("IATI version"), max_length=8, blank=True)
    # A digest of the imported XML element: a re-import of the same element changes nothing,
    # even when the publisher gives no last-updated-datetime.
    source_digest = models.CharField(max_length=32, blank=True, editable=False)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(
        default=1, help_text=_("Raised on every change; lets editors detect concurrent edits.")
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["start_date"], name="activity_start_idx"),
            models.Index(fields=["source", "source_publisher"], name="activity_source_idx"),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return localized(self.title) or self.iati_identifier

    @property
    def display_description(self) -> str:
        return localized(self.description)


class ParticipatingOrg(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participating_orgs"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        db_index=False,  # `partorg_org_idx` (organisation, activity) serves its lookups
    )
    ref = models.CharField(_("identifier"), max_length=150, blank=True)
    names = models.JSONField(_("name"), default=dict, blank=True)
    role = models.CharField(_("role"), max_length=2, blank=True)
    type = models.CharField(_("organisation type"), max_length=4, blank=True)
    activity_ref = models.CharField(_("its activity identifier"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["organisation", "activity"], name="partorg_org_idx")]

    @property
    def name(self) -> str:
        return localized(self.names) or self.ref


class RecipientCountry(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="countries")
    # Looked up through `recipcountry_country_idx` (country, activity): no index of its own.
    country = models.ForeignKey(
        "reference.Country", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    percentage = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["country", "activity"], name="recipcountry_country_idx")]


class RecipientRegion(models.Model):
    """A recipient region in an IATI region vocabulary (1 = OECD DAC regions)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="regions")
    code = models.CharField(max_length=20)
    vocabulary = models.CharField(max_length=40, default="1")
    vocabulary_uri = models.CharField(max_length=500, blank=True)
    percentage = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["id"]


class ActivitySector(models.Model):
    """A sector in any vocabulary: 1 = DAC 5-digit, 2 = DAC 3-digit; others kept as published
    (IATI codes, and 1.x publishers' own vocabulary names such as `oxfamgb`)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sectors")
    vocabulary = models.CharField(max_length=40, default="1")
    vocabulary_uri = models.CharField(max_length=500, blank=True)
    code = models.CharField(max_length=40)
    percentage = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    names = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["vocabulary", "code"], name="sector_code_idx")]


class ThemeOrigin(models.TextChoices):
    MANUAL = "manual", _("Chosen by the editor")
    SECTOR = "sector", _("Derived from a DAC sector")
    MARKER = "marker", _("Derived from a policy marker")


class ActivityTheme(models.Model):
    # Both keys are looked up through the two composite indexes below (activity, theme) and
    # (theme, activity): no index of their own.
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="themes", db_index=False
    )
    theme = models.ForeignKey(
        "reference.Theme", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    origin = models.CharField(max_length=8, choices=ThemeOrigin.choices, default=ThemeOrigin.MANUAL)

    class Meta:
        ordering = ["theme_id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "theme"], name="uniq_activity_theme")
        ]
        indexes = [models.Index(fields=["theme", "activity"], name="activitytheme_theme_idx")]


class PolicyMarker(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="policy_markers")
    vocabulary = models.CharField(max_length=40, default="1")
    vocabulary_uri = models.CharField(max_length=500, blank=True)
    code = models.CharField(max_length=20)
    significance = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["id"]


class Budget(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="budgets")
    type = models.CharField(_("budget type"), max_length=2, default="1")
    status = models.CharField(_("budget status"), max_length=2, default="1")
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    value_date = models.DateField(_("value date"), null=True, blank=True)

    class Meta:
        ordering = ["period_start", "id"]


class Transaction(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="transactions")
    ref = models.CharField(max_length=255, blank=True)
    type = models.CharField(_("transaction type"), max_length=3)
    date = models.DateField(_("date"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    value_date = models.DateField(_("value date"), null=True, blank=True)
    description = models.JSONField(default=dict, blank=True)
    provider_org_ref = models.CharField(max_length=150, blank=True)
    provider_org_names = models.JSONField(default=dict, blank=True)
    receiver_org_ref = models.CharField(max_length=150, blank=True)
    receiver_org_names = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["date", "id"]


class DocumentLink(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="documents")
    url = models.CharField(_("address"), max_length=2000)
    format = models.CharField(_("format"), max_length=120, blank=True)
    title = models.JSONField(_("title"), default=dict, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)

    class Meta:
        ordering = ["id"]


class Result(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="results")
    type = models.CharField(_("result type"), max_length=2, blank=True)
    aggregation_status = models.BooleanField(null=True, blank=True)
    title = models.JSONField(_("title"), default=dict, blank=True)
    description = models.JSONField(_("description"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]


class Indicator(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators")
    measure = models.CharField(_("measure"), max_length=2, blank=True)
    ascending = models.BooleanField(null=True, blank=True)
    title = models.JSONField(_("title"), default=dict, blank=True)
    description = models.JSONField(_("description"), default=dict, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.CharField(_("baseline"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]


class IndicatorPeriod(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="periods")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    target_value = models.CharField(_("target"), max_length=100, blank=True)
    actual_value = models.CharField(_("actual"), max_length=100, blank=True)

    class Meta:
        ordering = ["period_start", "id"]


class RelatedActivity(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="related_activities"
    )
    ref = models.CharField(_("IATI identifier"), max_length=255)
    type = models.CharField(_("relationship"), max_length=2)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["ref"], name="related_ref_idx")]


class ChangeAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    IMPORT_CREATE = "import_create", _("imported")
    IMPORT_UPDATE = "import_update", _("updated by import")
    DELETE = "delete", _("deleted")


class ActivityChange(models.Model):
    """One recorded change to an activity: who, when, and each field's old and new value.

    Append-only. Kept when the activity is deleted (the identifier stays), so the record of
    who removed what survives.
    """

    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        db_index=False,  # `change_activity_at_idx` (activity, -at) serves its lookups
    )
    iati_identifier = models.CharField(max_length=255, db_index=True)
    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(
        _("by"),
        max_length=300,
        blank=True,
        help_text=_("Who or what made the change when no person did (an import run, a file)."),
    )
    action = models.CharField(_("action"), max_length=16, choices=ChangeAction.choices)
    changes = models.JSONField(
        _("changes"),
        default=dict,
        blank=True,
        help_text=_("{field: [old value, new value]}"),
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["activity", "-at"], name="change_activity_at_idx")]
        verbose_name = _("activity change")
        verbose_name_plural = _("activity changes")

    def __str__(self) -> str:
        return f"{self.iati_identifier} {self.action} {self.at:%Y-%m-%d %H:%M}"
