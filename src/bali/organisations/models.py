"""Organisations that publish, fund, implement or receive activities.

An organisation is identified by its IATI organisation identifier (`ref`, e.g. `XM-DAC-41114`)
when it has one. Many publishers name participating organisations without a ref, so an
organisation may also exist with a name only; `name_key` lets an import find it again.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bali.core.i18n import localized
from bali.core.models import NamedInLanguages


def name_key(name: str) -> str:
    """A normalised name for matching organisations that have no identifier."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or name
    return re.sub(r"[^0-9a-z\u0080-\uffff]+", " ", text.lower()).strip()[:200]


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def publishers(self) -> OrganisationQuerySet:
        return self.filter(is_publisher=True)


class Organisation(NamedInLanguages):
    ref = models.CharField(_("IATI organisation identifier"), max_length=150, blank=True)
    name_key = models.CharField(max_length=200, db_index=True, blank=True, editable=False)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    type = models.CharField(
        _("organisation type"),
        max_length=4,
        blank=True,
        help_text=_("IATI OrganisationType code, e.g. 10 government, 40 multilateral."),
    )
    country = models.ForeignKey(
        "reference.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    website = models.URLField(_("web site"), blank=True)
    is_publisher = models.BooleanField(
        _("publishes here"),
        default=False,
        help_text=_("Its activities are entered in this clearinghouse and published as IATI."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name_key"]
        constraints = [
            models.UniqueConstraint(fields=["ref"], condition=~Q(ref=""), name="uniq_org_ref"),
        ]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.name_key = name_key(localized(self.names, "en") or self.ref)
        super().save(*args, **kwargs)
