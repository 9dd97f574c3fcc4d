"""Abstract model pieces shared by the domain apps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bali.core.i18n import localized


class NamedInLanguages(models.Model):
    """A reference item whose name is kept in several languages ({iso code: name})."""

    names = models.JSONField(_("names"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return localized(self.names)

    def __str__(self) -> str:
        return self.name or str(self.pk)
