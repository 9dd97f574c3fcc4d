"""Figures of the clearinghouse: the counts on the home page, and the at-a-glance profile of
a country's or an organisation's activities (their pages and API twins)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    CharField,
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf

from bali.activities.filters import ActivityFilters
from bali.activities.models import (
    Activity,
    ActivityTheme,
    Budget,
    ParticipatingOrg,
    RecipientCountry,
    Transaction,
)
from bali.core.i18n import localized
from bali.organisations.models import Organisation
from bali.reference.models import Country


def public_activity_count() -> int:
    """Public activities: the search service's count for the public (held in memory), since
    counting a million rows in SQL takes a few hundred milliseconds on every home page."""
    from bali.search.service import search

    return search(ActivityFilters(), None, page=1, page_size=1, with_facets=False).count


def country_count() -> int:
    """Countries that receive at least one public activity (one index probe per country)."""
    receiving = RecipientCountry.objects.filter(
        country=OuterRef("pk"), activity__visibility="public"
    )
    return Country.objects.filter(Exists(receiving)).count()


def active_organisations(user: Any = None) -> QuerySet[Organisation]:
    """Organisations that report or take part in at least one activity the user may see.

    Two index probes per organisation (`EXISTS`), not a scan of every activity: at a million
    activities a join with DISTINCT takes seconds, the probes a few milliseconds."""
    reports = Activity.objects.visible_to(user).filter(reporting_org=OuterRef("pk"))
    takes_part = ParticipatingOrg.objects.filter(organisation=OuterRef("pk"))
    if user is None or not getattr(user, "is_authenticated", False):
        takes_part = takes_part.filter(activity__visibility="public")
    elif not user.is_global:
        takes_part = takes_part.filter(activity__in=Activity.objects.visible_to(user).values("pk"))
    return Organisation.objects.filter(Exists(reports) | Exists(takes_part))


def organisation_count() -> int:
    """Organisations that report or take part in at least one public activity."""
    return active_organisations(None).count()


def activities_by_country(user: Any = None) -> dict[str, int]:
    """Activities the user may see per recipient country: the search service's country facet
    (counted in memory; the same count in SQL takes seconds at a million activities)."""
    return {code: n for code, n in _facet_counts(user, "country")["country"].items() if n}


# --- Profiles: a country's or an organisation's activities at a glance ------------------------

MONEY_TRANSACTION_TYPES = {"2": "committed", "3": "disbursed", "4": "spent"}


@dataclass
class Money:
    """Sums in one currency (never added across currencies: no exchange rates are assumed)."""

    currency: str
    budget: Decimal = Decimal(0)
    committed: Decimal = Decimal(0)
    disbursed: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)


@dataclass
class Profile:
    count: int
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_theme: list[tuple[str, int]] = field(default_factory=list)
    by_country: list[tuple[str, int]] = field(default_factory=list)
    # (key in URLs: IATI identifier or number, name, count) of the organisations involved
    by_org: list[tuple[str, str, int]] = field(default_factory=list)
    money: list[Money] = field(default_factory=list)
    first_year: int | None = None
    last_year: int | None = None


def _currency() -> Coalesce:
    return Coalesce(
        NullIf("currency", Value("")), "activity__default_currency", output_field=CharField()
    )


def money_by_currency(activities: QuerySet[Activity]) -> list[Money]:
    """Budgets and commitments/disbursements/expenditure of some activities, per currency."""
    return money_where(Q(activity__in=activities.values("pk")))


def money_where(condition: Q) -> list[Money]:
    """The sums of `money_by_currency` for the budgets and transactions whose activity meets
    `condition` (a condition on `activity__...`: joined once, cheaper than a list of ids when
    the activities run to hundreds of thousands)."""
    lines: dict[str, Money] = {}
    budgets = (
        Budget.objects.filter(condition)
        .annotate(money=_currency())
        .values_list("money")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for currency, total in budgets:
        lines.setdefault(currency or "", Money(currency or "")).budget = total
    flows = (
        Transaction.objects.filter(condition, type__in=MONEY_TRANSACTION_TYPES)
        .annotate(money=_currency())
        .values_list("money", "type")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for currency, kind, total in flows:
        line = lines.setdefault(currency or "", Money(currency or ""))
        setattr(line, MONEY_TRANSACTION_TYPES[kind], total)
    return sorted(lines.values(), key=lambda line: (-line.budget, line.currency))


def _counts(queryset: QuerySet[Any], column: str, limit: int | None = None) -> list[Any]:
    rows = (
        queryset.exclude(**{f"{column}__isnull": True})
        .values_list(column)
        .annotate(n=Count("activity_id", distinct=True))
        .order_by("-n", column)
    )
    return list(rows[:limit] if limit else rows)


def sql_profile(activities: QuerySet[Activity], top: int = 10) -> Profile:
    """The profile counted in SQL: for selections a search URL cannot name (an organisation
    without an IATI identifier); these are small. `search_profile` serves the others."""
    ids = activities.values("pk")
    plain = Activity.objects.filter(pk__in=ids)
    years = plain.aggregate(first=Min("start_date"), last=Max("end_date"))
    by_status = (
        plain.exclude(status="").values_list("status").annotate(n=Count("pk")).order_by("status")
    )
    by_org = (
        plain.exclude(reporting_org=None)
        .values_list("reporting_org__ref", "reporting_org_id", "reporting_org__names")
        .annotate(n=Count("pk"))
        .order_by("-n", "reporting_org_id")[:top]
    )
    return Profile(
        count=plain.count(),
        by_status=list(by_status),
        by_theme=_counts(ActivityTheme.objects.filter(activity__in=ids), "theme_id"),
        by_country=_counts(RecipientCountry.objects.filter(activity__in=ids), "country_id", top),
        by_org=[(ref or str(pk), localized(names) or ref, n) for ref, pk, names, n in by_org],
        money=money_by_currency(activities),
        first_year=years["first"].year if years["first"] else None,
        last_year=years["last"].year if years["last"] else None,
    )


def search_profile(
    filters: ActivityFilters,
    user: Any = None,
    top: int = 10,
    money: list[Money] | None = None,
) -> Profile:
    """The profile of a search (`country=KE`, `org=XM-DAC-41116`): counts from the search
    service's facets, which stay fast at a million activities, and money summed in SQL over
    the search's activities (or given by a caller that sums the same activities faster)."""
    from bali.search.service import activity_queryset, search

    found = search(filters, user, page=1, page_size=1)

    def counted(name: str) -> list[Any]:
        return [value for value in found.facets.get(name, []) if value.count > 0]

    years = [int(v.code) for v in counted("year") if v.code.isdigit()]
    return Profile(
        count=found.count,
        by_status=sorted((v.code, v.count) for v in counted("status")),
        by_theme=[(v.code, v.count) for v in counted("theme")],
        by_country=[(v.code, v.count) for v in counted("country")][:top],
        by_org=[(v.code, v.label, v.count) for v in counted("org")][:top],
        money=money_by_currency(activity_queryset(filters, user)) if money is None else money,
        first_year=min(years) if years else None,
        last_year=max(years) if years else None,
    )


def _facet_counts(user: Any, *names: str) -> dict[str, dict[str, int]]:
    """{facet: {code: count}} of the whole clearinghouse as the user sees it (one search)."""
    from bali.search.service import search

    facets = search(ActivityFilters(), user, page=1, page_size=1).facets
    return {name: {value.code: value.count for value in facets.get(name, [])} for name in names}


def entry_counts(user: Any = None) -> dict[str, dict[str, int]]:
    """Activities per UNEP region and per BSP theme: the home page's ways into the search."""
    return _facet_counts(user, "region", "theme")
