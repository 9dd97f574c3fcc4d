"""Indexing alongside a bulk writer: the thread (`alongside.py`) keeps the order, bounds what
waits, and hands its failures back; an import indexes on it on PostgreSQL outside a
transaction, inline elsewhere, and in both cases every activity is indexed when it returns."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from tests.iati.conftest import activity_xml

from bali.activities.models import Activity
from bali.iati.service import ImportOptions, import_sources
from bali.iati.sources import expand_sources
from bali.search import alongside, indexer
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


def test_a_failure_on_the_thread_is_raised_in_the_writer() -> None:
    def work(n: int) -> None:
        if n == 1:
            raise ValueError("index write failed")

    worker = Alongside(work)
    worker.submit(0)
    worker.submit(1)
    with pytest.raises(ValueError, match="index write failed"):
        for n in range(2, 50):  # the thread stops: a later submit, or close, raises
            worker.submit(n)
        worker.close()


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

    def recording(*args: Any, **kwargs: Any) -> int:
        threads.add(threading.current_thread().name)
        return index(*args, **kwargs)

    monkeypatch.setattr(indexer, "index_activities", recording)
    import_sources(expand_sources([str(path)]), ImportOptions(batch_size=10, **options))
    return threads


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
    threads = _import_recording_threads(path, monkeypatch, jobs=jobs)
    expected = "bali-index-alongside" if connection.vendor == "postgresql" else "MainThread"
    assert threads == {expected}
    _assert_all_indexed()  # everything indexed when the import returns
    assert not any(t.name == "bali-index-alongside" for t in threading.enumerate())
    assert sys.getswitchinterval() == interval  # put back


@pytest.mark.django_db
def test_inside_a_transaction_an_import_indexes_inline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second connection would not see the test's uncommitted writes."""
    path = tmp_path / "many.xml"
    path.write_bytes(_many_activities(95))
    assert _import_recording_threads(path, monkeypatch) == {"MainThread"}
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

    indexer.advance_watermark([first.pk, second.pk])  # third and fourth wait
    assert indexer.get_state("watermark") == str(indexer.micros(stamp[second.pk]))
    indexer.advance_watermark([fourth.pk])  # third, changed before it, is not indexed
    assert indexer.get_state("watermark") == str(indexer.micros(stamp[second.pk]))
    indexer.advance_watermark([third.pk, fourth.pk])
    assert indexer.get_state("watermark") == str(indexer.micros(stamp[fourth.pk]))
    indexer.advance_watermark([first.pk])  # older than the watermark: nothing moves
    assert indexer.get_state("watermark") == str(indexer.micros(stamp[fourth.pk]))
