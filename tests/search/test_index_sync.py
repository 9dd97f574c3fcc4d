"""The index follows every write: the activity services (through `activities_changed`), writes
that send no signal (the catch-up), deletions, organisation renames, a full rebuild, and a
database that moves under a running process (rollback, restore)."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from bali.accounts.models import User
from bali.activities.actions import do_create_activity, do_delete_activity, do_update_activity
from bali.activities.filters import ActivityFilters
from bali.activities.models import Activity, RecipientCountry
from bali.organisations.models import Organisation
from bali.search import engine, facet_snapshot, indexer
from bali.search.backends import get_backend
from bali.search.backends.base import Document
from bali.search.documents import Written
from bali.search.models import IndexChange
from bali.search.service import activity_queryset, search


def ids(q: str = "", user: Any = None, **filters: Any) -> set[int]:
    chosen = ActivityFilters(q=q, **filters)
    page = search(chosen, user, page_size=100)
    assert set(activity_queryset(chosen, user).values_list("pk", flat=True)) == {
        activity.pk for activity in page.results
    }
    return {activity.pk for activity in page.results}


@pytest.mark.django_db
def test_create_update_delete_through_the_services(
    hq_user: User,
    activity_data: Callable[..., dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        activity = do_create_activity(hq_user, activity_data(title={"en": "Mangrove nursery"}))
    assert ids("mangrove") == {activity.pk}
    assert ids(country=["KE"]) == {activity.pk}
    with django_capture_on_commit_callbacks(execute=True):
        do_update_activity(
            hq_user,
            activity,
            {"title": {"en": "Seagrass survey"}, "countries": [{"code": "MZ"}]},
        )
    assert ids("mangrove") == set()
    assert ids("seagrass") == {activity.pk}
    assert ids(country=["KE"]) == set() and ids(country=["MZ"]) == {activity.pk}
    with django_capture_on_commit_callbacks(execute=True):
        do_delete_activity(hq_user, activity)
    assert ids("seagrass") == set() and ids() == set()
    assert search(ActivityFilters(), None).facets["country"] == []


@pytest.mark.django_db
def test_a_batch_signal_indexes_many_at_once(
    hq_user: User, activity_data: Callable[..., dict[str, Any]]
) -> None:
    created = [
        do_create_activity(
            hq_user, activity_data(iati_identifier=f"XM-TEST-{i}", title={"en": f"Reef {i}"})
        )
        for i in range(30)
    ]
    before = IndexChange.objects.count()
    indexer.on_activities_changed("test", ids=[a.pk for a in created], deleted=False)
    assert IndexChange.objects.count() == before + 30
    assert get_backend().document_count() == 30
    assert ids("reef") == {a.pk for a in created}


def _written(activity: Activity, title: dict[str, str] | None = None) -> Written:
    """What a writer holds of an activity it has just written (as the importer sends it);
    `title`: a title other than the stored one, to tell which of the two the index used."""
    row = (activity.pk, activity.iati_identifier, title or activity.title, activity.description,
           activity.other_descriptions, activity.reporting_org_id)  # fmt: skip
    participants = {
        activity.pk: [(p.ref, p.names, p.activity_ref) for p in activity.participating_orgs.all()]
    }
    stored = Activity.objects.get(pk=activity.pk)
    return Written(
        [row], participants, {activity.pk: stored.version}, {activity.pk: stored.updated_at}
    )


@pytest.mark.django_db
def test_documents_a_writer_holds_are_used_while_no_one_changed_the_activity_since(
    hq_user: User, activity_data: Callable[..., dict[str, Any]]
) -> None:
    """The importer hands over what it wrote instead of the index reading it back. If an
    editor changes the activity (or deletes it) after the importer's commit and before the
    index write, the index must end with the editor's version, not the importer's."""
    activity = do_create_activity(hq_user, activity_data(title={"en": "Dune stabilisation"}))
    copy = _written(activity, {"en": "Held copy"})
    indexer.on_activities_changed("test", ids=[activity.pk], written=copy)  # watermark too
    assert ids("held") == {activity.pk}  # the writer's copy was used, not read back
    held = _written(activity)
    indexer.index_activities([activity.pk], held)
    assert ids("dune") == {activity.pk}
    changed = Activity.objects.get(pk=activity.pk)  # an editor's change, committed first
    Activity.objects.filter(pk=activity.pk).update(
        title={"en": "Wetland inventory"}, version=changed.version + 1
    )
    indexer.index_activities([activity.pk], held)  # the importer's stale view comes later
    assert ids("dune") == set() and ids("wetland") == {activity.pk}
    Activity.objects.filter(pk=activity.pk).delete()
    indexer.index_activities([activity.pk], held)
    assert get_backend().document_count() == 0


@pytest.mark.django_db
def test_a_plain_save_after_the_writer_is_read_back_and_the_watermark_stays_below_it(
    hq_user: User, activity_data: Callable[..., dict[str, Any]]
) -> None:
    """A script's `save()` moves `updated_at` but not the version, and sends no signal: the
    index must not keep the writer's older copy, nor count the new change as indexed."""
    activity = do_create_activity(hq_user, activity_data(title={"en": "Dune stabilisation"}))
    held = _written(activity)
    Activity.objects.filter(pk=activity.pk).update(title={"en": "Wetland inventory"})
    Activity.objects.get(pk=activity.pk).save()  # moves updated_at, not the version
    indexer.on_activities_changed("test", ids=[activity.pk], written=held)
    assert ids("wetland") == {activity.pk} and ids("dune") == set()
    # Indexed at a change time read before the document was built; a change after it:
    indexed = indexer.index_activities([activity.pk], held)
    Activity.objects.get(pk=activity.pk).save()
    indexer.set_state("watermark", "0")
    indexer.advance_watermark(indexed)
    newest = Activity.objects.get(pk=activity.pk).updated_at
    assert indexer.get_state("watermark") != str(indexer.micros(newest))
    assert int(indexer.get_state("watermark") or 0) < indexer.micros(newest)


@pytest.mark.django_db
def test_a_write_of_two_documents_for_one_activity_keeps_the_last(
    hq_user: User,
    activity_data: Callable[..., dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # indexed: no catch-up later
        activity = do_create_activity(hq_user, activity_data(title={"en": "Mangrove"}))
    first, second = (Document(activity.pk, [word], [], []) for word in ("estuary", "lagoon"))
    get_backend().write([first, second])
    assert get_backend().document_count() == 1
    assert ids("lagoon") == {activity.pk} and ids("estuary") == set()


@pytest.mark.django_db
def test_writes_without_a_signal_are_caught_up_before_searching(
    hq_user: User, activity_data: Callable[..., dict[str, Any]]
) -> None:
    # No on-commit callbacks run in this test: the catch-up does the work.
    first = do_create_activity(hq_user, activity_data(title={"en": "Coral reef monitoring"}))
    assert ids("coral") == {first.pk}
    Activity.objects.filter(pk=first.pk).update(title={"en": "Kelp forest monitoring"})
    Activity.objects.get(pk=first.pk).save()  # a plain save moves updated_at
    assert ids("coral") == set() and ids("kelp") == {first.pk}


@pytest.mark.django_db
def test_a_deletion_leaves_the_index_at_once(
    hq_user: User, activity_data: Callable[..., dict[str, Any]]
) -> None:
    activity = do_create_activity(hq_user, activity_data(title={"en": "Peatland restoration"}))
    assert ids("peatland") == {activity.pk}
    Activity.objects.filter(pk=activity.pk).delete()  # no signal, not even on commit
    assert ids("peatland") == set()
    assert search(ActivityFilters(), None).count == 0


@pytest.mark.django_db
def test_renaming_an_organisation_reindexes_its_activities(
    hq_user: User,
    activity_data: Callable[..., dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    activity = do_create_activity(hq_user, activity_data())
    assert ids("UNEP") == {activity.pk}
    organisation = Organisation.objects.get(ref="XM-DAC-41116")
    organisation.names = {"en": "Environment Programme", "fr": "Programme pour l'environnement"}
    with django_capture_on_commit_callbacks(execute=True):
        organisation.save()
    assert ids("UNEP") == set()
    assert ids('"programme pour l environnement"') == {activity.pk}


@pytest.mark.django_db
def test_several_processes_agree_through_the_change_log(
    hq_user: User, activity_data: Callable[..., dict[str, Any]]
) -> None:
    first = do_create_activity(hq_user, activity_data(title={"en": "Saltmarsh mapping"}))
    assert ids("saltmarsh") == {first.pk}
    other_process = engine.state().index
    engine.reset()  # what a second gunicorn worker would start from
    second = do_create_activity(
        hq_user, activity_data(iati_identifier="XM-TEST-2", title={"en": "Saltmarsh grazing"})
    )
    assert ids("saltmarsh") == {first.pk, second.pk}
    assert engine.state().index is not other_process
    # The first process learns of the second activity from the log alone.
    engine.state().index = other_process
    assert ids("saltmarsh") == {first.pk, second.pk}
    assert search(ActivityFilters(), None).count == 2


@pytest.mark.django_db
def test_a_log_rolled_back_under_a_process_makes_it_reload(
    hq_user: User, activity_data: Callable[..., dict[str, Any]]
) -> None:
    first = do_create_activity(hq_user, activity_data(title={"en": "Dune stabilisation"}))
    assert ids("dune") == {first.pk}
    index = engine.state().index
    assert index is not None and index.seq > 0
    IndexChange.objects.all().delete()  # as after a restore: the position no longer exists
    Activity.objects.filter(pk=first.pk).delete()
    assert search(ActivityFilters(), None).count == 0
    assert engine.state().index is not index


@pytest.mark.django_db
def test_rebuild_command(hq_user: User, activity_data: Callable[..., dict[str, Any]]) -> None:
    created = [
        do_create_activity(
            hq_user, activity_data(iati_identifier=f"XM-TEST-{i}", title={"en": f"Estuary {i}"})
        )
        for i in range(12)
    ]
    get_backend().clear()
    out = StringIO()
    call_command("search_index", "--rebuild", "--batch", "100", stdout=out)
    assert "rebuilt: 12 activities" in out.getvalue()
    assert get_backend().document_count() == 12
    assert ids("estuary") == {a.pk for a in created}
    out = StringIO()
    call_command("search_index", stdout=out)
    assert "12 in the index" in out.getvalue()


@pytest.mark.django_db
def test_a_new_process_starts_from_the_snapshot_and_applies_the_log(
    hq_user: User,
    activity_data: Callable[..., dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(facet_snapshot, "MIN_ROWS", 1)
    with django_capture_on_commit_callbacks(execute=True):
        first = do_create_activity(hq_user, activity_data(title={"en": "Glacier lake survey"}))
    assert engine.write_snapshot() is not None
    with django_capture_on_commit_callbacks(execute=True):
        second = do_create_activity(
            hq_user, activity_data(iati_identifier="XM-TEST-2", title={"en": "Glacier outburst"})
        )
    engine.reset()  # a new worker process
    assert ids("glacier") == {first.pk, second.pk}
    index = engine.state().index
    assert index is not None and index.n == 2 and index.seq > 0
    # a damaged snapshot is ignored: the next process reads the database
    for path in tmp_path.glob("search/facets-*/meta.json"):
        path.write_text("{")
    engine.reset()
    assert ids("glacier") == {first.pk, second.pk}


@pytest.mark.django_db
def test_a_snapshot_of_another_history_is_not_used(
    hq_user: User,
    activity_data: Callable[..., dict[str, Any]],
    settings: Any,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(facet_snapshot, "MIN_ROWS", 1)
    first = do_create_activity(hq_user, activity_data(title={"en": "Sand dam"}))
    assert ids("sand") == {first.pk}
    assert engine.write_snapshot() is not None
    IndexChange.objects.all().delete()  # the database was restored from elsewhere
    Activity.objects.filter(pk=first.pk).delete()
    engine.reset()
    assert search(ActivityFilters(), None).count == 0


@pytest.mark.django_db
def test_log_entries_committed_out_of_order_are_not_missed(
    hq_user: User, activity_data: Callable[..., dict[str, Any]]
) -> None:
    """PostgreSQL may commit a later sequence number first: the earlier one is a hole the
    process keeps looking at for a while, and applies when it appears."""
    first = do_create_activity(hq_user, activity_data(title={"en": "Kelp farming"}))
    second = do_create_activity(
        hq_user, activity_data(iati_identifier="XM-TEST-2", title={"en": "Kelp drying"})
    )
    assert ids("kelp") == {first.pk, second.pk}
    index = engine.state().index
    assert index is not None
    top = index.seq
    RecipientCountry.objects.filter(activity=first).update(country_id="MZ")
    RecipientCountry.objects.filter(activity=second).update(country_id="TZ")
    IndexChange.objects.create(seq=top + 2, activity_id=second.pk, token=7)
    assert ids(country=["TZ"]) == {second.pk}
    # the first change is not in the log yet (its transaction has not committed)
    assert search(ActivityFilters(country=["MZ"]), None).count == 0
    assert top + 1 in index.gaps
    IndexChange.objects.create(seq=top + 1, activity_id=first.pk, token=7)
    assert ids(country=["MZ"]) == {first.pk}
    assert top + 1 not in index.gaps


@pytest.mark.django_db
def test_search_index_command_writes_a_snapshot_on_request(
    hq_user: User,
    activity_data: Callable[..., dict[str, Any]],
    settings: Any,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(facet_snapshot, "MIN_ROWS", 1)
    do_create_activity(hq_user, activity_data())
    out = StringIO()
    call_command("search_index", "--snapshot", stdout=out)
    assert "1 activities indexed" in out.getvalue() and "snapshot written" in out.getvalue()
    assert facet_snapshot.load() is not None


@pytest.mark.django_db
def test_a_snapshot_carries_the_postings_records_and_order(
    corpus: dict[str, Activity],
    hq_user: User,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A process started from the snapshot has the per-value postings, the row records, the
    totals and the newest-first order, and answers as a process that read the database, also
    after a change it applies from the log."""
    from bali.search import presorted

    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(facet_snapshot, "MIN_ROWS", 1)
    monkeypatch.setattr(presorted, "MIN_CANDIDATES", 0)
    chosen = [
        ActivityFilters(),
        ActivityFilters(country=["KE", "CN"], sort="-budget"),
        ActivityFilters(q="ozone OR solar", theme=["TH12"]),
        ActivityFilters(region=["AFR"], sort="start"),
    ]

    def answers() -> list[Any]:
        found = []
        for filters in chosen:
            page = search(filters, None, page_size=3)
            facets = {
                name: [(v.code, v.count) for v in values] for name, values in page.facets.items()
            }
            found.append(([a.pk for a in page.results], page.count, facets, page.next_cursor))
        return found

    engine.reset()
    from_database = answers()
    assert engine.write_snapshot() is not None
    engine.reset()  # a new process
    loaded = facet_snapshot.load()
    assert loaded is not None and ("newest", "") in loaded.presorted
    assert all(loaded.postings[name] is not None for name in loaded.pairs)
    assert loaded.records is not None and set(loaded.pairs) <= set(loaded.records.spans)
    assert loaded.totals is not None and loaded.totals[0] == loaded.version
    assert answers() == from_database
    with django_capture_on_commit_callbacks(execute=True):
        do_update_activity(hq_user, corpus["wind-cn"], {"countries": [{"code": "KE"}]})
    after_change = answers()
    engine.reset()
    for path in facet_snapshot.folder().glob("facets-*.json"):
        path.unlink()  # no snapshot: the next process reads the database
    assert answers() == after_change
