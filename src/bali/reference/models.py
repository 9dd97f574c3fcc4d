"""Reference data: countries, UNEP regions, divisions, the BSP taxonomy, MEAs, IATI codelists.

Loaded from the files in `data/` by `bali load-reference`; codes are primary keys so that other
tables and URLs can name them (`/en/countries/KE/`, `region=AFR`, `theme=TH02`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bali.core.i18n import localized
from bali.core.models import NamedInLanguages


class Region(NamedInLanguages):
    """One of UNEP's six regions; its regional office is the entry point for requests."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    office_names = models.JSONField(_("regional office"), default=dict, blank=True)
    office_city = models.CharField(_("office city"), max_length=80, blank=True)
    office_country = models.CharField(_("office country"), max_length=2, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("UNEP region")
        verbose_name_plural = _("UNEP regions")

    @property
    def office_name(self) -> str:
        return localized(self.office_names)


class DevelopmentStatus(models.TextChoices):
    DEVELOPING = "developing", _("Developing economy")
    TRANSITION = "transition", _("Economy in transition")
    DEVELOPED = "developed", _("Developed economy")


class Country(NamedInLanguages):
    """A country or area (ISO 3166-1), with its M49 grouping, UNEP region and WESP status."""

    code = models.CharField(_("ISO 3166 alpha-2"), max_length=2, primary_key=True)
    iso3 = models.CharField(_("ISO 3166 alpha-3"), max_length=3, unique=True)
    m49 = models.CharField(_("M49 code"), max_length=3, blank=True)
    m49_region = models.CharField(_("M49 region"), max_length=60, blank=True)
    m49_subregion = models.CharField(_("M49 sub-region"), max_length=60, blank=True)
    m49_intermediate = models.CharField(_("M49 intermediate region"), max_length=60, blank=True)
    ldc = models.BooleanField(_("least developed country"), default=False)
    lldc = models.BooleanField(_("landlocked developing country"), default=False)
    sids = models.BooleanField(_("small island developing state"), default=False)
    un_member_or_observer = models.BooleanField(_("UN member or observer state"), default=False)
    unep_region = models.ForeignKey(
        Region,
        verbose_name=_("UNEP region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="countries",
    )
    development_status = models.CharField(
        _("development status"), max_length=12, choices=DevelopmentStatus.choices, blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    @property
    def eligible_for_support(self) -> bool:
        """The plan serves developing countries and economies in transition (§1)."""
        return self.development_status in (
            DevelopmentStatus.DEVELOPING,
            DevelopmentStatus.TRANSITION,
        )


class Division(NamedInLanguages):
    """A UNEP division; editable by administrators (divisions change over the years)."""

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")


class ThemeKind(models.TextChoices):
    CROSS_CUTTING = "cross_cutting", _("Cross-cutting issue")
    THEMATIC = "thematic", _("Thematic area")


class Theme(NamedInLanguages):
    """An item of the BSP taxonomy (§20): CC01–CC13 cross-cutting issues, TH01–TH19 themes."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ThemeKind.choices)
    number = models.PositiveSmallIntegerField(_("number"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("BSP theme")
        verbose_name_plural = _("BSP themes")


class SectorTheme(models.Model):
    """Maps a DAC 5-digit purpose code to a BSP taxonomy item (one row per pair)."""

    sector_code = models.CharField(_("DAC purpose code"), max_length=5, db_index=True)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="sector_links")
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sector_code", "theme"], name="uniq_sector_theme")
        ]
        verbose_name = _("DAC sector to theme mapping")
        verbose_name_plural = _("DAC sector to theme mappings")

    def __str__(self) -> str:
        return f"{self.sector_code} → {self.theme_id}"


class PolicyMarkerTheme(models.Model):
    """Maps an OECD policy marker (Rio markers, gender) to a BSP taxonomy item."""

    policy_marker = models.CharField(_("policy marker"), max_length=4)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="marker_links")
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy_marker", "theme"], name="uniq_marker_theme")
        ]

    def __str__(self) -> str:
        return f"{self.policy_marker} → {self.theme_id}"


class MEA(NamedInLanguages):
    """A multilateral environmental agreement and its secretariat."""

    code = models.CharField(_("code"), max_length=16, primary_key=True)
    year = models.PositiveSmallIntegerField(_("adopted"), null=True, blank=True)
    secretariat = models.CharField(_("secretariat"), max_length=200, blank=True)
    secretariat_city = models.CharField(_("seat of the secretariat"), max_length=80, blank=True)
    url = models.URLField(_("web site"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("multilateral environmental agreement")
        verbose_name_plural = _("multilateral environmental agreements")


class CodelistItem(NamedInLanguages):
    """An item of an IATI codelist (ActivityStatus, Sector, Currency, ...).

    One table for all lists: they share a shape (code, names, category, status) and are only
    read, to show names beside codes and to check codes on input.
    """

    codelist = models.CharField(_("codelist"), max_length=40)
    code = models.CharField(_("code"), max_length=40)
    category = models.CharField(_("category"), max_length=40, blank=True)
    description = models.JSONField(_("description"), default=dict, blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        ordering = ["codelist", "code"]
        constraints = [
            models.UniqueConstraint(fields=["codelist", "code"], name="uniq_codelist_code")
        ]
        verbose_name = _("IATI code")
        verbose_name_plural = _("IATI codes")

    def __str__(self) -> str:
        return f"{self.codelist} {self.code}: {self.name}"
