"""Signal receivers that keep the text index in step with every write path.

- `activities_changed` (sent after commit by the activity services, the admin, the demo and the
  IATI importer): index the batch.
- `post_delete` of an activity: drop its document in the same transaction, so a deletion is
  never searchable even before the signal arrives (or when it never does, as in tests).
- an organisation renamed: its activities' documents hold its name, so index them again.
- `post_migrate` (also sent after a test flush): create the index table if missing and empty
  it when there are no activities.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bali.activities.models import Activity
from bali.organisations.models import Organisation
from bali.search import indexer
from bali.search.backends import get_backend

SEARCHED_ORG_FIELDS = ("names", "acronym", "ref")


def activity_deleted(sender: Any, instance: Activity, **kwargs: Any) -> None:
    indexer.remove_activities([instance.pk])


def organisation_saving(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    before = Organisation.objects.filter(pk=instance.pk).values(*SEARCHED_ORG_FIELDS).first()
    instance._search_before = before  # type: ignore[attr-defined]


def organisation_saved(sender: Any, instance: Organisation, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_search_before", None)
    if created or before is None:
        return
    if all(before[name] == getattr(instance, name) for name in SEARCHED_ORG_FIELDS):
        return
    pk = instance.pk

    def reindex() -> None:
        ids = list(Activity.objects.filter(reporting_org_id=pk).values_list("pk", flat=True))
        indexer.on_activities_changed(__name__, ids=ids)

    transaction.on_commit(reindex)


def after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    connection = connections[using]
    if Activity._meta.db_table not in connection.introspection.table_names():
        return  # migrated backwards; nothing to keep in step
    backend = get_backend(connection)
    backend.create_schema()
    if not Activity.objects.using(using).exists():
        backend.clear()
