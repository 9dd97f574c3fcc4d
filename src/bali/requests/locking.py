"""Running a write on one request as a transaction that waits for other writers.

PostgreSQL makes the second writer wait on the row lock (`SELECT ... FOR UPDATE`). A SQLite
file waits too (`busy_timeout`), but an SQLite database shared in memory (the test suite's)
answers "database table is locked" at once; `run_locked` then waits and tries again, as the
file database would, and gives up with a conflict after a few seconds. Either way the writer
that comes second sees the first one's result: a newer version, or a status that no longer
fits, and gets a 409.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, transaction
from django.utils.translation import gettext as _

T = TypeVar("T")
ATTEMPTS = 100
PAUSE_SECONDS = 0.05


def run_locked(work: Callable[[], T]) -> T:
    """Run `work` inside `transaction.atomic()`, retrying while another writer holds the lock."""
    from bali.requests.workflow import RequestConflict

    for _attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as exc:
            if "locked" not in str(exc) or transaction.get_connection().in_atomic_block:
                raise
            time.sleep(PAUSE_SECONDS)
    raise RequestConflict(_("Someone else is changing this request; try again in a moment."))
