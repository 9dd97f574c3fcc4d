"""The activity page: everything the record holds, with names beside codes, money with totals
per currency, results, provenance, related and similar activities."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from bali.activities import snapshot
from bali.activities.models import Activity, Budget, Transaction
from bali.activities.permissions import can_edit_activity
from bali.activities.related import referring_activities, related_activities
from bali.activities.similar import similar_activities
from bali.core.i18n import localized_language
from bali.portal.views.common import not_found, viewer


def _visible(request: HttpRequest) -> Any:
    return Activity.objects.visible_to(viewer(request))


def totals_by_currency(
    items: list[Budget] | list[Transaction], default_currency: str, by_type: bool = False
) -> list[tuple[str, str, Decimal]]:
    """Sums per (type, currency): money in different currencies is never added together."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for item in items:
        key = (item.type if by_type else "", item.currency or default_currency)
        totals[key] += item.value
    return [(kind, currency, total) for (kind, currency), total in sorted(totals.items())]


def _other_languages(texts: dict[str, str], shown: str) -> list[tuple[str, str]]:
    return [(lang, text) for lang, text in sorted(texts.items()) if lang != shown and text]


def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    queryset = snapshot.with_prefetch(_visible(request).select_related("division"))
    activity = queryset.filter(pk=activity_id).first()
    if activity is None:
        return not_found(request, _("There is no public activity with this number."))
    budgets = list(activity.budgets.all())
    transactions = list(activity.transactions.all())
    currency = activity.default_currency
    return render(
        request,
        "portal/activity/detail.html",
        {
            "activity": activity,
            "can_edit": can_edit_activity(viewer(request), activity),
            "other_titles": _other_languages(activity.title, localized_language(activity.title)),
            "other_descriptions": _other_languages(
                activity.description, localized_language(activity.description)
            ),
            "budgets": budgets,
            "budget_totals": totals_by_currency(budgets, currency),
            "transactions": transactions,
            "transaction_totals": totals_by_currency(transactions, currency, by_type=True),
            "related": related_activities(activity, viewer(request)),
            "referring": referring_activities(activity, viewer(request)),
        },
    )


def activity_similar(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Similar activities of one activity: loaded into the activity page by htmx once the page
    is shown (so the page itself stays fast), or a page of its own without JavaScript."""
    activity = _visible(request).filter(pk=activity_id).first()
    if activity is None:
        return not_found(request, _("There is no public activity with this number."))
    partial = request.headers.get("HX-Request") == "true"
    template = "portal/activity/_similar.html" if partial else "portal/activity/similar.html"
    similar = similar_activities(activity, viewer(request))
    response = render(request, template, {"activity": activity, "similar": similar})
    patch_vary_headers(response, ("HX-Request",))
    return response


def activity_by_iati_id(request: HttpRequest, iati_identifier: str) -> HttpResponse:
    """The permanent link by IATI identifier: redirects to the page of the record held here."""
    activity = _visible(request).filter(iati_identifier=iati_identifier).only("pk").first()
    if activity is None:
        return not_found(
            request,
            _("No public activity here has the IATI identifier %(identifier)s.")
            % {"identifier": iati_identifier[:255]},
        )
    return redirect("activities:detail", activity_id=activity.pk)
