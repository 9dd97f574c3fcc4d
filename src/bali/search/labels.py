"""Names of facet values in the active language, and facet values as the pages show them."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from bali.activities.models import ActivityType, GenderMarker, Source
from bali.core.i18n import localized
from bali.reference import lookups

TYPE_LABELS = dict(ActivityType.choices)


def _organisation(code: str, names: Mapping[str, Mapping[str, str]], lang: str) -> str:
    return localized(names.get(code), lang) or code


def _source(code: str, names: Mapping[str, Mapping[str, str]], lang: str) -> str:
    if code == "local":
        return str(Source.LOCAL.label)
    if code == "imported":
        return str(Source.IMPORTED.label)
    publisher = code.split(":", 1)[1] if code.startswith("imported:") else code
    return _("Imported from %(publisher)s") % {"publisher": _organisation(publisher, names, lang)}


def _sector(code: str, lang: str) -> str:
    codelist = "Sector" if len(code) == 5 else "SectorCategory"
    return lookups.code_name(codelist, code, lang) or code


def _gender(code: str) -> str:
    try:
        return str(GenderMarker(int(code)).label)
    except ValueError:
        return code


def facet_label(name: str, code: str, org_names: Mapping[str, Mapping[str, str]], lang: str) -> str:
    """The name of one facet value in `lang` (ISO code; the active language must be the same
    for the names Django translates); the code when it has none."""
    if name == "country":
        return lookups.country_name(code, lang)
    if name == "region":
        return lookups.region_name(code, lang)
    if name == "theme":
        return lookups.theme_name(code, lang)
    if name == "mea":
        return lookups.mea_name(code, lang)
    if name == "sector":
        return _sector(code, lang)
    if name == "org":
        return _organisation(code, org_names, lang)
    if name == "status":
        return lookups.code_name("ActivityStatus", code, lang) or code
    if name == "type":
        return str(TYPE_LABELS.get(code, code))
    if name == "gender":
        return _gender(code)
    if name == "source":
        return _source(code, org_names, lang)
    return code
