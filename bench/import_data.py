"""Build benchmark input for `bench/import.py`: the real sample files repeated with new
identifiers until there are N activities.

Copy k of an activity gets `-B{k}` appended to its iati-identifier (or, in pilot files without
one, to its other-identifier, from which the importer makes the identifier), so every copy is a
new activity. Files are written as they are built (lxml incremental writer): memory stays small
whatever N is.
"""

from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

SAMPLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "iati" / "samples"


def _sample_activities() -> list[tuple[str, dict[str, str], list[etree._Element]]]:
    samples = []
    for path in sorted(SAMPLES.resolve().rglob("*.xml")):
        root = etree.parse(str(path)).getroot()
        samples.append((path.stem, dict(root.attrib), root.findall("iati-activity")))
    if not samples:
        raise SystemExit(f"no sample files in {SAMPLES.resolve()}")
    return samples


def _renamed(activity: etree._Element, suffix: str) -> etree._Element:
    clone = copy.deepcopy(activity)
    identifier = clone.find("iati-identifier")
    target = identifier if identifier is not None else clone.find("other-identifier")
    if target is not None:
        if target.text and target.text.strip():
            target.text = target.text.strip() + suffix
        elif target.get("ref"):
            target.set("ref", target.get("ref", "") + suffix)
    return clone


def build(folder: Path, count: int) -> int:
    """Write one file per sample holding as many copies of it as needed for `count` activities
    in all (big files, as publishers' are); returns the number of activities written."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = _sample_activities()
    per_copy = sum(len(activities) for _name, _attrib, activities in samples)
    copies = -(-count // per_copy)
    written = 0
    for index, (name, attrib, activities) in enumerate(samples):
        path = folder / f"{index:02d}-{name}.xml"
        with etree.xmlfile(str(path), encoding="utf-8") as xf:
            xf.write_declaration()
            with xf.element("iati-activities", attrib):
                for copy_index in range(copies):
                    for activity in activities:
                        if written >= count:
                            break
                        xf.write(_renamed(activity, f"-B{copy_index}"))
                        written += 1
    return written


def build_one_file(folder: Path, count: int) -> int:
    """Write a single file of `count` activities: the samples of IATI 2.0x (whose elements
    read the same under one root) repeated with new identifiers, to show that memory does not
    grow with the size of a file. Returns the number of activities written."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = [s for s in _sample_activities() if s[1].get("version", "").startswith("2.")]
    path = folder / "one-file.xml"
    written = 0
    copy_index = 0
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("iati-activities", {"version": "2.03"}):
            while written < count:
                for _name, _attrib, activities in samples:
                    for activity in activities[: count - written]:
                        xf.write(_renamed(activity, f"-B{copy_index}"))
                        written += 1
                copy_index += 1
    return written
