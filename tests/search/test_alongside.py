"""Indexing alongside a bulk writer: the thread (`alongside.py`) keeps the order, bounds what
waits, and hands its failures back; an import indexes on it on PostgreSQL outside a
transaction, inline elsewhere, and in both cases every activity is indexed when it returns."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from tests.iati.conftest import activity_xml

from bali.activities.models import Activity
from bali.iati.service import ImportOptions, import_sources
from bali.iati.sources import expand_sources
from bali.search import alongside, documents, indexer
from bali.search.alongside import Alongside
from bali.search.backends import get_backend


def test_items_are_worked_in_order_on_another_thread_and_close_waits_for_them() -> None:
    done: list[tuple[int, str]] = []
    worker = Alongside(lambda n: done.append((n, threading.current_thread().name)))
    for n in range(20):
        worker.submit(n)
    worker.close()
    assert [n for n, _ in done] == list(range(20))
    assert {name for _, name in done} == {"bali-index-alongside"}
    assert not worker.thread.is_alive()


def test_the_writer_waits_when_the_queue_is_full() -> None:
    release = threading.Event()
    worker = Alongside(lambda n: release.wait(10))
    for n in range(1 + alongside.QUEUED):  # one being worked, the rest waiting
        worker.submit(n)
    extra = threading.Thread(target=worker.submit, args=(99,))
    extra.start()
    extra.join(0.3)
    assert extra.is_alive(), "a submit beyond the queue's size must wait"
    release.set()
    extra.join(10)
    assert not extra.is_alive()
    worker.close()


def test_a_failing_item_is_logged_and_the_next_ones_are_worked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    done: list[int] = []

    def work(n: int) -> None:
        if n == 1:
            raise ValueError("index write failed")
        done.append(n)

    worker = Alongside(work)
    for n in range(5):
        worker.submit(n)
    worker.close()
    assert done == [0, 2, 3, 4]
    assert "could not be indexed" in caplog.text


def test_when_the_thread_cannot_start_its_work_the_writer_does_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Its connection cannot be opened, say: nothing is lost and nothing is raised."""

    @contextmanager
    def no_connection() -> Iterator[None]:
        raise ConnectionError("too many clients")
        yield

    done: list[tuple[int, str]] = []
    worker = Alongside(lambda n: done.append((n, threading.current_thread().name)), no_connection)
    for n in range(10):
        worker.submit(n)
    worker.close()
    assert [n for n, _ in done] == list(range(10))
    assert {name for _, name in done} == {threading.current_thread().name}
    assert "indexing thread stopped" in caplog.text


def test_the_switch_interval_is_short_while_the_thread_runs_and_put_back_after() -> None:
    before = sys.getswitchinterval()
    seen: list[float] = []
    worker = Alongside(lambda: seen.append(sys.getswitchinterval()))
    worker.submit()
    worker.close()
    assert seen == [pytest.approx(alongside.SWITCH_SECONDS)]
    assert sys.getswitchinterval() == before


def test_a_thread_that_never_got_an_item_is_not_started() -> None:
    worker = Alongside(lambda: None)
    worker.close()
    assert not worker.started


def _many_activities(count: int) -> bytes:
    return activity_xml(
        "".join(
            f'<iati-activity last-updated-datetime="2024-05-01T10:00:00Z">'
            f"<iati-identifier>XM-ALONG-{i}</iati-identifier>"
            f"<title><narrative>Mangrove belt {i}</narrative></title></iati-activity>"
            for i in range(count)
        )
    )


def _import_recording_threads(
    path: Path, monkeypatch: pytest.MonkeyPatch, **options: Any
) -> set[str]:
    threads: set[str] = set()
    index = indexer.index_activities

    def recording(*args: Any, **kwargs: Any) -> Any:
        threads.add(threading.current_thread().name)
        if connection.vendor == "postgresql":  # the import's settings on this connection too
            with connection.cursor() as cursor:
                cursor.execute("SHOW synchronous_commit")
                threads.add(f"synchronous_commit={cursor.fetchone()[0]}")
        return index(*args, **kwargs)

    monkeypatch.setattr(indexer, "index_activities", recording)

    def never(ids: Any) -> Any:  # the writer's copy of every activity is used
        raise AssertionError(f"documents read back for {ids}")

    monkeypatch.setattr(documents, "documents_for", never)
    monkeypatch.setattr(indexer, "documents_for", never)
    import_sources(expand_sources([str(path)]), ImportOptions(batch_size=10, **options))
    return threads


def _connections() -> int:
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


def _assert_all_indexed() -> None:
    activities = Activity.objects.count()
    assert activities == 95
    assert get_backend().document_count() == activities
    newest = max(Activity.objects.values_list("updated_at", flat=True))
    assert indexer.get_state("watermark") == str(indexer.micros(newest))


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.django_db(transaction=True)
def test_an_import_indexes_alongside_on_postgresql_and_inline_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    path = tmp_path / "many.xml"
    path.write_bytes(_many_activities(95))
    interval = sys.getswitchinterval()
    connected = _connections()
    threads = _import_recording_threads(path, monkeypatch, jobs=jobs)
    if connection.vendor == "postgresql":
        assert threads == {"bali-index-alongside", "synchronous_commit=off"}
    else:
        assert threads == {"MainThread"}
    assert _connections() == connected  # the thread's connection is closed
    _assert_all_indexed()  # everything indexed when the import returns
    assert indexer.get_state(indexer.ALONGSIDE_KEY) is None  # no heartbeat left behind
    assert not any(t.name == "bali-index-alongside" for t in threading.enumerate())
    assert sys.getswitchinterval() == interval  # put back


@pytest.mark.django_db
def test_inside_a_transaction_an_import_indexes_inline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second connection would not see the test's uncommitted writes."""
    path = tmp_path / "many.xml"
    path.write_bytes(_many_activities(95))
    threads = _import_recording_threads(path, monkeypatch)
    assert "MainThread" in threads and "bali-index-alongside" not in threads
    assert get_backend().document_count() == 95


@pytest.mark.django_db
def test_the_watermark_moves_past_a_batch_even_when_later_changes_wait(
    hq_user: Any, activity_data: Callable[..., dict[str, Any]]
) -> None:
    """Indexing batch k while batch k+1 is committed: the watermark moves to batch k's newest
    change, and later to batch k+1's; never past a change that is not indexed."""
    from bali.activities.actions import do_create_activity

    made = [
        do_create_activity(hq_user, activity_data(iati_identifier=f"XM-WM-{i}")) for i in range(4)
    ]
    first, second, third, fourth = made
    base = min(a.updated_at for a in made)
    for offset, activity in enumerate(made):  # four distinct times, in this order
        Activity.objects.filter(pk=activity.pk).update(
            updated_at=base + indexer.dt.timedelta(seconds=offset + 1)
        )
    stamp = {a.pk: Activity.objects.get(pk=a.pk).updated_at for a in made}
    indexer.set_state("watermark", str(indexer.micros(base)))

    def indexed(*activities: Activity) -> dict[int, Any]:
        return {a.pk: stamp[a.pk] for a in activities}

    indexer.advance_watermark(indexed(first, second))  # third and fourth wait
    assert indexer.get_state("watermark") == str(indexer.micros(stamp[second.pk]))
    indexer.advance_watermark(indexed(fourth))  # third, changed before it, is not indexed
    assert indexer.get_state("watermark") == str(indexer.micros(stamp[second.pk]))
    indexer.advance_watermark(indexed(third, fourth))
    assert indexer.get_state("watermark") == str(indexer.micros(stamp[fourth.pk]))
    indexer.advance_watermark(indexed(first))  # older than the watermark: nothing moves
    assert indexer.get_state("watermark") == str(indexer.micros(stamp[fourth.pk]))


@pytest.mark.django_db
def test_the_watermark_waits_for_an_activity_with_the_same_change_time_or_changed_again(
    hq_user: Any, activity_data: Callable[..., dict[str, Any]]
) -> None:
    from bali.activities.actions import do_create_activity

    one, two = (
        do_create_activity(hq_user, activity_data(iati_identifier=f"XM-WS-{i}")) for i in range(2)
    )
    moment = max(one.updated_at, two.updated_at)
    Activity.objects.filter(pk__in=[one.pk, two.pk]).update(updated_at=moment)
    indexer.set_state("watermark", str(indexer.micros(moment) - 1))
    indexer.advance_watermark({one.pk: moment})  # `two` shares its time and is not indexed
    assert indexer.get_state("watermark") == str(indexer.micros(moment) - 1)
    earlier = moment - indexer.dt.timedelta(microseconds=1)
    indexer.advance_watermark({one.pk: moment, two.pk: earlier})  # `two` changed since
    assert indexer.get_state("watermark") == str(indexer.micros(moment) - 1)
    indexer.advance_watermark({one.pk: moment, two.pk: moment})
    assert indexer.get_state("watermark") == str(indexer.micros(moment))


@pytest.mark.django_db
def test_searches_leave_an_imports_last_batches_to_its_indexing_thread(
    hq_user: Any, activity_data: Callable[..., dict[str, Any]]
) -> None:
    """While an import indexes alongside, a search does not index its last batches again
    (they are the thread's next work), unless the heartbeat is stale or the lag too long."""
    from django.utils import timezone

    from bali.activities.actions import do_create_activity
    from bali.search import engine

    activity = do_create_activity(hq_user, activity_data())  # not indexed: no signal here
    stamp = indexer.micros(Activity.objects.get(pk=activity.pk).updated_at)
    indexer.set_state("watermark", str(stamp - 1_000_000))
    assert engine._behind(engine._read_head(0))  # no import: caught up before searching

    indexer._beat()
    head = engine._read_head(0)
    assert head.now is not None and head.alongside is not None
    assert abs(head.now - indexer.micros(timezone.now())) < 5_000_000  # the database's clock
    assert not engine._behind(head)
    indexer.set_state("watermark", str(stamp - engine.ALONGSIDE_LAG - 1))
    assert engine._behind(engine._read_head(0))  # too far behind: a change it will not index
    indexer.set_state("watermark", str(stamp - 1_000_000))
    indexer.set_state(indexer.ALONGSIDE_KEY, str(head.now - engine.ALONGSIDE_FRESH - 1))
    assert engine._behind(engine._read_head(0))  # the import stopped beating
