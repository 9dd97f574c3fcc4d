"""`bali demo`: a deterministic demonstration data set, built by steps each app registers.

Steps run in `order` with one seeded random generator, so two runs on empty databases give the
same data. Each step skips what already exists, so running `bali demo` twice adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

DEMO_SEED = 2005  # the year the Governing Council adopted the plan


@dataclass(frozen=True)
class DemoStep:
    name: str
    build: Callable[[random.Random, Callable[[str], None]], int]
    order: int


_STEPS: dict[str, DemoStep] = {}


def register_demo_step(
    name: str, build: Callable[[random.Random, Callable[[str], None]], int], order: int
) -> None:
    _STEPS[name] = DemoStep(name, build, order)


def run_demo(log: Callable[[str], None] = print) -> dict[str, int]:
    """Run every registered step; returns how many records each created."""
    results: dict[str, int] = {}
    for step in sorted(_STEPS.values(), key=lambda s: s.order):
        rng = random.Random(f"{DEMO_SEED}-{step.name}")
        results[step.name] = step.build(rng, log)
    return results
