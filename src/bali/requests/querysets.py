"""Reads of requests with the permission filter built in.

Everyone may see a request once it has been submitted (the public timeline); a request that was
never submitted (a draft, or a draft withdrawn) is seen only by the national focal points of its
country. Views and the API start every read from `Request.objects.visible_to(user)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from bali.accounts.roles import Role

if TYPE_CHECKING:
    from bali.requests.filters import RequestFilters
    from bali.requests.models import Request  # noqa: F401 (named in a string below)
    from bali.requests.permissions import Actor


class RequestQuerySet(models.QuerySet["Request"]):
    def public(self) -> RequestQuerySet:
        return self.filter(submitted_at__isnull=False)

    def visible_to(self, user: Actor) -> RequestQuerySet:
        condition = Q(submitted_at__isnull=False)
        if (
            user is not None
            and user.is_authenticated
            and user.is_active
            and user.role == Role.NATIONAL_FOCAL_POINT
            and user.country_id
        ):
            condition |= Q(country_id=user.country_id)
        return self.filter(condition)

    def open(self) -> RequestQuerySet:
        from bali.requests.models import CLOSED_STATUSES, Status

        return self.exclude(status__in=[*CLOSED_STATUSES, Status.DRAFT])

    def overdue(self) -> RequestQuerySet:
        return self.filter(due_on__lt=timezone.localdate())

    def with_related(self) -> RequestQuerySet:
        """Everything a list row shows, in a fixed number of queries whatever the page size
        (the names of assigned organisations come along as `assignee_org_names`)."""
        from bali.organisations.models import Organisation

        org_names = Organisation.objects.filter(ref=Substr(OuterRef("assignee"), 5)).values(
            "names"
        )[:1]
        return (
            self.select_related("country", "entry_region", "submitter")
            .prefetch_related("themes", "meas")
            .annotate(
                assignee_org_names=Case(
                    When(assignee__startswith="org:", then=Subquery(org_names)),
                    default=Value(None),
                    output_field=models.JSONField(),
                )
            )
        )

    def of_office(self, region_code: str) -> RequestQuerySet:
        """What a regional office receives: submitted requests whose entry point it is."""
        return self.public().filter(entry_region_id=region_code)

    def assigned_to(self, keys: list[str]) -> RequestQuerySet:
        return self.public().filter(assignee__in=keys) if keys else self.none()

    def awaiting_country(self) -> RequestQuerySet:
        """Requests on the country's desk: drafts, questions to answer, results to evaluate."""
        from bali.requests.models import COUNTRY_HOLDS

        return self.filter(status__in=COUNTRY_HOLDS)

    def queue_order(self) -> RequestQuerySet:
        """Overdue first, then by due date (undated last), then oldest first."""
        today = timezone.localdate()
        return self.annotate(
            overdue_rank=Case(
                When(due_on__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        ).order_by("overdue_rank", F("due_on").asc(nulls_last=True), "created_at", "id")

    def filtered(self, filters: RequestFilters) -> RequestQuerySet:
        """Apply the list filters shared by the pages and the API (`filters.py`)."""
        queryset: RequestQuerySet = self
        lookups = {
            "country_id": filters.country,
            "entry_region_id": filters.region,
            "status": filters.status,
            "themes__code": filters.theme,
            "assignee": filters.assignee,
            "created_at__year": filters.year,
        }
        for lookup, value in lookups.items():
            if value not in (None, ""):
                queryset = queryset.filter(**{lookup: value})
        if filters.theme:
            queryset = queryset.distinct()
        if filters.overdue:
            queryset = queryset.overdue()
        return queryset
