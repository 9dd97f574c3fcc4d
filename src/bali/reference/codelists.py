"""Reading IATI codelist XML files shipped in `data/iati-codelists/`.

Used by `load_reference` (into the database) and by the IATI importer, which needs the 1.x
text codes (`v1-embedded/`) that are not stored in the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

CODELIST_DIR = Path(__file__).resolve().parent / "data" / "iati-codelists"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Lists the domain model uses; loaded into the database by `bali load-reference`.
LOADED_CODELISTS = (
    "ActivityDateType",
    "ActivityScope",
    "ActivityStatus",
    "AidType",
    "BudgetStatus",
    "BudgetType",
    "CollaborationType",
    "Country",
    "Currency",
    "DescriptionType",
    "DocumentCategory",
    "FinanceType",
    "FlowType",
    "IndicatorMeasure",
    "Language",
    "OrganisationRole",
    "OrganisationType",
    "PolicyMarker",
    "PolicyMarkerVocabulary",
    "PolicySignificance",
    "Region",
    "RegionVocabulary",
    "RelatedActivityType",
    "ResultType",
    "Sector",
    "SectorCategory",
    "SectorVocabulary",
    "TiedStatus",
    "TransactionType",
)


@dataclass(frozen=True)
class Code:
    code: str
    names: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    category: str = ""
    withdrawn: bool = False


def codelist_path(name: str, version: int = 2) -> Path:
    """Path of a codelist file; `version=1` looks in the 1.x embedded lists."""
    if version == 1:
        return CODELIST_DIR / "v1-embedded" / f"{name}.xml"
    for folder in ("embedded", "non-embedded"):
        path = CODELIST_DIR / folder / f"{name}.xml"
        if path.exists():
            return path
    raise FileNotFoundError(f"no IATI codelist named {name!r}")


def _narratives(element: etree._Element | None, default_lang: str) -> dict[str, str]:
    if element is None:
        return {}
    texts: dict[str, str] = {}
    narratives = element.findall("narrative")
    if not narratives and (element.text or "").strip():
        return {default_lang: element.text.strip()}
    for narrative in narratives:
        lang = (narrative.get(XML_LANG) or default_lang).lower()
        if (narrative.text or "").strip():
            texts[lang] = narrative.text.strip()
    return texts


def read_codelist(name: str, version: int = 2) -> Iterator[Code]:
    """Yield the items of an IATI codelist file (both the 2.x and the 1.x file layouts)."""
    path = codelist_path(name, version)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(str(path), parser).getroot()
    default_lang = (root.get(XML_LANG) or "en").lower()
    for item in root.iter("codelist-item"):
        code = (item.findtext("code") or "").strip()
        if not code:
            continue
        yield Code(
            code=code,
            names=_narratives(item.find("name"), default_lang),
            description=_narratives(item.find("description"), default_lang),
            category=(item.findtext("category") or "").strip(),
            withdrawn=item.get("status") == "withdrawn",
        )


@cache
def codes(name: str, version: int = 2) -> dict[str, Code]:
    """All items of a codelist by code (cached for the life of the process)."""
    return {item.code: item for item in read_codelist(name, version)}
