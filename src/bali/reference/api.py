"""Reference data endpoints: names in the language asked for (?lang= or Accept-Language).

Countries and organisations also have one-item endpoints that twin their pages: the record plus
the profile of their activities (counts by status, theme, country, organisation; money per
currency).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from bali.activities import profiles, stats
from bali.activities.paging import parse_paging
from bali.activities.viewers import viewer
from bali.api.errors import ApiError, activate_language, bad_request, flag
from bali.core.i18n import localized
from bali.organisations.models import Organisation
from bali.reference import lookups
from bali.reference.models import MEA, CodelistItem, Country, Region, Theme

router = Router(tags=["reference"])
ORGANISATION_PAGE_SIZE = 100


@router.get("/regions", summary="UNEP regions and their regional offices")
def regions(request: HttpRequest) -> list[dict[str, Any]]:
    lang = activate_language(request)
    return [
        {
            "code": region.code,
            "name": localized(region.names, lang),
            "office": localized(region.office_names, lang),
            "office_city": region.office_city,
        }
        for region in Region.objects.all()
    ]


@router.get("/themes", summary="The BSP taxonomy: 13 cross-cutting issues, 19 thematic areas")
def themes(request: HttpRequest) -> list[dict[str, Any]]:
    lang = activate_language(request)
    return [
        {"code": theme.code, "kind": theme.kind, "name": localized(theme.names, lang)}
        for theme in Theme.objects.all()
    ]


def _country(country: Country, lang: str) -> dict[str, Any]:
    region = country.unep_region_id
    return {
        "code": country.code,
        "iso3": country.iso3,
        "name": localized(country.names, lang) or country.code,
        "unep_region": {"code": region, "name": lookups.region_name(region, lang)}
        if region
        else None,
        "development_status": country.development_status,
        "ldc": country.ldc,
        "lldc": country.lldc,
        "sids": country.sids,
    }


@router.get(
    "/countries",
    summary="Countries and areas (ISO 3166), their UNEP region and number of activities",
)
def countries(request: HttpRequest) -> list[dict[str, Any]]:
    lang = activate_language(request)
    counts = stats.activities_by_country(viewer(request))
    return [
        {**_country(country, lang), "activity_count": counts.get(country.code, 0)}
        for country in Country.objects.all()
    ]


@router.get(
    "/countries/{code}",
    summary="One country and its activities at a glance (the country page's twin)",
)
def country(request: HttpRequest, code: str) -> dict[str, Any]:
    lang = activate_language(request)
    found = Country.objects.filter(code=code.upper()).first()
    if found is None:
        raise ApiError(404, profiles.missing_country_message(code))
    return {
        **_country(found, lang),
        "activities": profiles.profile_json(
            profiles.country_glance(found.code, viewer(request)).profile
        ),
        "search": search_url(country=found.code),
    }


@router.get("/sectors", summary="OECD DAC sectors: 5-digit purpose codes and 3-digit categories")
def sectors(request: HttpRequest) -> list[dict[str, Any]]:
    lang = activate_language(request)
    items = CodelistItem.objects.filter(codelist__in=("Sector", "SectorCategory"))
    return [
        {
            "code": item.code,
            "vocabulary": "1" if item.codelist == "Sector" else "2",
            "name": localized(item.names, lang),
            "category": item.category if item.codelist == "Sector" else "",
            "withdrawn": item.withdrawn,
        }
        for item in items.order_by("code")
    ]


@router.get("/meas", summary="Multilateral environmental agreements")
def meas(request: HttpRequest) -> list[dict[str, Any]]:
    lang = activate_language(request)
    return [
        {
            "code": mea.code,
            "name": localized(mea.names, lang),
            "year": mea.year,
            "secretariat": mea.secretariat,
            "secretariat_city": mea.secretariat_city,
            "url": mea.url,
        }
        for mea in MEA.objects.all()
    ]


def search_url(**params: str) -> str:
    """The API search of some facet values (encoded: identifiers may hold `&`, `#`, `+`)."""
    return "/api/v1/activities?" + urlencode(params)


def _organisation(org: Organisation, lang: str) -> dict[str, Any]:
    return {
        "id": org.pk,
        "ref": org.ref,
        "key": profiles.organisation_key(org),
        "name": localized(org.names, lang) or org.ref,
        "acronym": org.acronym,
        "type": {"code": org.type, "name": lookups.code_name("OrganisationType", org.type, lang)}
        if org.type
        else None,
        "country": org.country_id,
        "website": org.website,
    }


class OrganisationParams(Schema):
    q: str | None = Field(None, description="part of the name or identifier")
    page: str | None = Field(None, description="page number from 1 (default 1)")
    active: str | None = Field(
        None, description="true: only those that report or take part in activities (the page)"
    )


@router.get(
    "/organisations",
    summary="Organisations that publish, fund or carry out activities (100 per page)",
)
def organisations(request: HttpRequest, params: Query[OrganisationParams]) -> dict[str, Any]:
    lang = activate_language(request)
    try:
        page = parse_paging(request.GET).page
    except ValidationError as exc:
        raise bad_request(exc) from exc
    everyone = not flag(request, "active")
    organisations = (
        Organisation.objects if everyone else stats.active_organisations(viewer(request))
    )
    queryset = organisations.order_by("name_key", "id")
    queryset = profiles.matching_organisations(queryset, params.q or "")
    count = queryset.count()
    start = (page - 1) * ORGANISATION_PAGE_SIZE
    results = queryset[start : start + ORGANISATION_PAGE_SIZE]
    has_next = start + ORGANISATION_PAGE_SIZE < count
    return {
        "count": count,
        "page": page,
        "next": request.build_absolute_uri(f"{request.path}?{_next(request, page)}")
        if has_next
        else None,
        "results": [_organisation(org, lang) for org in results],
    }


def _next(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page + 1)
    return query.urlencode()


@router.get(
    "/organisations/{path:key}",
    url_name="organisation",
    summary="One organisation (by IATI identifier or number) and its activities at a glance",
)
def organisation(request: HttpRequest, key: str) -> dict[str, Any]:
    lang = activate_language(request)
    found = profiles.find_organisation(key)
    if found is None:
        raise ApiError(404, profiles.missing_organisation_message())
    glance = profiles.organisation_glance(found, viewer(request))
    return {
        **_organisation(found, lang),
        "roles": [
            {"code": role, "name": lookups.code_name("OrganisationRole", role, lang), "count": n}
            for role, n in glance.roles
        ],
        "activities": profiles.profile_json(glance.profile),
        "search": search_url(org=found.ref) if found.ref else None,
    }
