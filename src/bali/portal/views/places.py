"""Country and organisation pages: their activities, themes and money at a glance, and the
indexes that list them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bali.activities import profiles, stats
from bali.activities.paging import parse_paging
from bali.portal.facets import query_string
from bali.portal.views.common import bad_request, not_found, viewer
from bali.reference.models import Country, Region

ORGANISATIONS_PER_PAGE = 100


def countries(request: HttpRequest) -> HttpResponse:
    """Every country with activities, grouped by UNEP region, with its count."""
    counts = stats.activities_by_country(viewer(request))
    regions = []
    for region in Region.objects.all():
        rows = [
            (country, counts[country.code])
            for country in Country.objects.filter(unep_region=region)
            if country.code in counts
        ]
        regions.append((region, sorted(rows, key=lambda row: row[0].name)))
    return render(request, "portal/countries.html", {"regions": regions})


def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    if code != code.upper():
        return redirect("portal:country", code=code.upper())
    country = Country.objects.select_related("unep_region").filter(code=code).first()
    if country is None:
        return not_found(request, profiles.missing_country_message(code))
    glance = profiles.country_glance(country.code, viewer(request))
    search = reverse("activities:search") + query_string({"country": [country.code]})
    return render(
        request,
        "portal/country.html",
        {
            "country": country,
            "profile": glance.profile,
            "latest": glance.latest,
            "search_url": search,
            "search_base": search + "&",
            "api_url": f"/api/v1/reference/countries/{country.code}",
        },
    )


def organisations(request: HttpRequest) -> HttpResponse:
    """Organisations that report or take part in activities, by name, 100 a page."""
    try:
        page = parse_paging(request.GET).page
    except ValidationError as exc:
        return bad_request(request, exc.message_dict)
    text = (request.GET.get("q") or "").strip()[:200]
    active = stats.active_organisations(viewer(request)).order_by("name_key", "id")
    queryset = profiles.matching_organisations(active, text)
    count = queryset.count()
    start = (page - 1) * ORGANISATIONS_PER_PAGE
    return render(
        request,
        "portal/organisations.html",
        {
            "organisations": queryset[start : start + ORGANISATIONS_PER_PAGE],
            "count": count,
            "q": text,
            "page": page,
            "previous_url": query_string({"q": text, "page": page - 1}) if page > 1 else "",
            "next_url": query_string({"q": text, "page": page + 1})
            if start + ORGANISATIONS_PER_PAGE < count
            else "",
        },
    )


def organisation_detail(request: HttpRequest, key: str) -> HttpResponse:
    organisation = profiles.find_organisation(key)
    if organisation is None:
        return not_found(request, profiles.missing_organisation_message())
    glance = profiles.organisation_glance(organisation, viewer(request))
    # Without an IATI identifier no search URL can name the organisation: its figures link
    # nowhere rather than to a search of the whole clearinghouse.
    search = search_base = ""
    if organisation.ref:
        search = reverse("activities:search") + query_string({"org": [organisation.ref]})
        search_base = search + "&"
    return render(
        request,
        "portal/organisation.html",
        {
            "organisation": organisation,
            "profile": glance.profile,
            "latest": glance.latest,
            "roles": glance.roles,
            "search_url": search,
            "search_base": search_base,
            "api_url": reverse("api:organisation", args=[profiles.organisation_key(organisation)]),
            "title": organisation.name or organisation.ref or _("Organisation"),
        },
    )
