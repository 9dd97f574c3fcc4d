"""Reads of requests with the permission filter built in.

Everyone may see a request once it has been submitted (the public timeline); a request that was
never submitted (a draft, or a draft withdrawn) is seen only by the national focal points of its
country. Views and the API start every read from `Request.objects.visible_to(user)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from bali.accounts.roles import Role

if TYPE_CHECKING:
    from bali.accounts.models import User


class RequestQuerySet(models.QuerySet["Request"]):
    def public(self) -> RequestQuerySet:
        return self.filter(submitted_at__isnull=False)

    def visible_to(self, user: User | None) -> RequestQuerySet:
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
        return self.select_related("country", "entry_region", "submitter").prefetch_related(
            "themes", "meas"
        )

    def filtered(self, **filters: Any) -> RequestQuerySet:
        """Apply the list filters shared by the pages and the API; empty values are ignored."""
        queryset = self
        simple = {
            "country": "country_id",
            "region": "entry_region_id",
            "status": "status",
            "theme": "themes__code",
            "assignee": "assignee",
            "year": "created_at__year",
        }
        for name, lookup in simple.items():
            value = filters.get(name)
            if value not in (None, ""):
                queryset = queryset.filter(**{lookup: value})
        if filters.get("theme"):
            queryset = queryset.distinct()
        if filters.get("overdue"):
            queryset = queryset.overdue()
        return queryset
