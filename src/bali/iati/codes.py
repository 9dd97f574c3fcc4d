"""IATI codes as publishers write them, mapped to the 2.x codelists.

1.x files use text codes (`C`, `D`, `Funding`, `start-planned`, `DAC`) where 2.x uses numbers,
pilot files use free words (`donor`, `disbursment`, `multilateral`), and codes come in any letter
case. `CodeReader.read(list, raw)` answers the 2.x code and, when the text was not already a 2.x
code, a reason for a warning. The tables are built once per process from the shipped codelists
(`bali/reference/data/iati-codelists/`, with `v1-embedded/` for 1.x), plus the few synonyms that
no codelist names.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_noop

from bali.reference import codelists

MAPPED_CODE = gettext_noop("the %(list)s code %(value)s was read as %(code)s")
UNKNOWN_CODE = gettext_noop("%(value)s is not a code of the IATI %(list)s list; ignored")

# 1.x text codes whose 2.x name differs from the 1.x name (the rest are matched by name).
V1_RENAMED = {
    "TransactionType": {"C": "2", "IR": "5"},
    "ActivityDateType": {
        "start-planned": "1",
        "start-actual": "2",
        "end-planned": "3",
        "end-actual": "4",
    },
}
# Free words seen in pilot-era and hand-made files, by 2.x codelist.
SYNONYMS = {
    "OrganisationRole": {
        "donor": "1",
        "funder": "1",
        "fund": "1",
        "implementer": "4",
        "executing": "4",
        "executing agency": "4",
        "extending agency": "3",
    },
    "TransactionType": {
        "disbursment": "3",
        "commitment": "2",
        "incoming commitment": "11",
        "expense": "4",
        "interest repayment": "5",
    },
    # The 1.0 pilot schema had only "start" and "end": read as the planned dates.
    "ActivityDateType": {"start": "1", "end": "3", "planned start": "1", "planned end": "3"},
    "SectorVocabulary": {
        "dac 5": "1",
        "dac-5": "1",
        "dac 3": "2",
        "aiddata": "6",
    },
    "RegionVocabulary": {"un": "2"},
    "ResultType": {"output": "1", "outcome": "2", "impact": "3", "other": "9"},
    "DescriptionType": {"general": "1", "objectives": "2", "target groups": "3", "other": "4"},
}
# The 1.x `Vocabulary` codelist (sectors, policy markers, regions) → the 2.x vocabularies.
V1_VOCABULARIES = {
    "SectorVocabulary": {
        "DAC": "1",
        "DAC-3": "2",
        "COFOG": "3",
        "NACE": "4",
        "NTEE": "5",
        "ADT": "6",
        "RO": "99",
        "RO2": "98",
    },
    "PolicyMarkerVocabulary": {"DAC": "1", "RO": "99"},
    "RegionVocabulary": {"DAC": "1", "RO": "99"},
}
# Lists whose 1.x embedded version had text codes.
V1_LISTS = ("TransactionType", "OrganisationRole", "ActivityDateType")

_SPACES = re.compile(r"[\s_]+")


def _key(text: str) -> str:
    return _SPACES.sub(" ", text.strip().lower())


class CodeTable:
    """One codelist: the 2.x codes, and every other spelling that maps to one of them."""

    def __init__(self, name: str) -> None:
        self.name = name
        items = codelists.codes(name)
        self.codes = frozenset(items)
        self.aliases: dict[str, str] = {}
        self.v1_codes: dict[str, str] = {}  # 1.x codes (any letter case) → 2.x code
        for code, item in items.items():
            for text in item.names.values():
                self.aliases.setdefault(_key(text), code)
        if name in V1_LISTS or name in V1_VOCABULARIES:
            self._add_v1(name)
        for word, code in SYNONYMS.get(name, {}).items():
            self.aliases[_key(word)] = code
        for code in self.codes:  # a code in the wrong letter case is still that code
            self.aliases[_key(code)] = code

    def _add_v1(self, name: str) -> None:
        renamed = V1_RENAMED.get(name, {})
        v1_items = codelists.codes(name, version=1) if name in V1_LISTS else {}
        for code, item in v1_items.items():
            target = renamed.get(code) or self.aliases.get(_key(item.names.get("en", "")))
            if target:
                self.aliases[_key(code)] = target
                self.v1_codes[_key(code)] = target
        for code, target in V1_VOCABULARIES.get(name, {}).items():
            self.v1_codes[_key(code)] = target

    def read(self, raw: str | None) -> tuple[str, str | None]:
        """(2.x code or "", problem or None). An empty value is ("", None)."""
        if raw is None:
            return "", None
        text = raw.strip()
        if not text:
            return "", None
        if text in self.codes:
            return text, None
        key = _key(text)
        if key in self.v1_codes:
            return self.v1_codes[key], None
        code = self.aliases.get(key)
        if code is None:
            return "", UNKNOWN_CODE
        return code, MAPPED_CODE


_TABLES: dict[str, CodeTable] = {}  # read directly on hot paths (xmltext.code)


def table(name: str) -> CodeTable:
    found = _TABLES.get(name)
    if found is None:
        found = _TABLES[name] = CodeTable(name)
    return found


def read_code(name: str, raw: str | None) -> tuple[str, str | None]:
    return table(name).read(raw)
