"""Fixtures of the portal tests: the shared corpus of activities (tests/portal/corpus.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bali.accounts.models import User
from bali.activities.models import Activity


def load_corpus() -> ModuleType:
    """tests/portal/corpus.py, importable from any test folder (import mode is importlib)."""
    name = "bali_tests_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("corpus.py"))
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def corpus(hq_user: User) -> dict[str, Activity]:
    return load_corpus().build_corpus(hq_user)


@pytest.fixture
def many(hq_user: User):  # type: ignore[no-untyped-def]
    return lambda count, prefix="XM-DAC-41116-MANY": load_corpus().build_many(
        hq_user, count, prefix
    )
