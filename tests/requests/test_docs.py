"""docs/requests.md is a promise: its state diagram and its permission table are compared with
the table the workflow runs on, so the page cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

from bali.requests.transitions import TRANSITIONS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "requests.md").read_text(encoding="utf-8")


def test_state_diagram_is_the_transition_table() -> None:
    diagram = DOC.split("```mermaid", 1)[1].split("```", 1)[0]
    drawn = {
        (source, target, action)
        for source, target, action in re.findall(r"(\w+) --> (\w+): (\w+)", diagram)
        if action != "create"
    }
    table = {(s, t.target, t.action) for t in TRANSITIONS.values() for s in t.sources}
    assert drawn == table


def test_permission_table_names_every_action_with_its_statuses() -> None:
    section = DOC.split("### Who may do what", 1)[1].split("###", 1)[0]
    rows = {
        cells[0]: cells
        for line in section.splitlines()
        if line.startswith("| ")
        for cells in [[cell.strip() for cell in line.strip("|").split("|")]]
    }
    for action, transition in TRANSITIONS.items():
        assert action in rows, action
        assert rows[action][2] == transition.target, action
