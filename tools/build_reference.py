"""Build `src/bali/reference/data/countries.csv` from the shared reference data.

Run by a developer when the sources change (`python tools/build_reference.py`); the product reads
only the generated file. Sources and the hand-made columns are described in
`src/bali/reference/data/SOURCES.md`.
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "reference" / "datasets-country-codes"
OUT = ROOT / "src" / "bali" / "reference" / "data" / "countries.csv"

# UNEP regions: assigned from the M49 region and sub-region, with the exceptions below, following
# the country coverage of UNEP's six regional offices.
WEST_ASIA = {"BH", "IQ", "JO", "KW", "LB", "OM", "QA", "SA", "PS", "SY", "AE", "YE"}
EUROPE_FROM_ASIA = {"AM", "AZ", "CY", "GE", "IL", "TR", "KZ", "KG", "TJ", "TM", "UZ"}

# UN World Economic Situation and Prospects (WESP) country classification, statistical annex.
TRANSITION = {
    # South-Eastern Europe
    "AL",
    "BA",
    "ME",
    "MK",
    "RS",
    # Commonwealth of Independent States and Georgia
    "AM",
    "AZ",
    "BY",
    "GE",
    "KZ",
    "KG",
    "MD",
    "RU",
    "TJ",
    "TM",
    "UA",
    "UZ",
}
DEVELOPED = {
    # European Union
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
    # Other Europe
    "IS",
    "NO",
    "CH",
    "GB",
    # Other developed economies
    "AU",
    "CA",
    "JP",
    "NZ",
    "US",
}
DEVELOPED_AREAS = {"Europe", "Northern America", "Australia and New Zealand"}


def unep_region(row: dict[str, str]) -> str:
    iso2, region, sub = row["ISO3166-1-Alpha-2"], row["Region Name"], row["Sub-region Name"]
    if iso2 in WEST_ASIA:
        return "WAS"
    if iso2 in EUROPE_FROM_ASIA or region == "Europe":
        return "EUR"
    if region == "Africa":
        return "AFR"
    if sub == "Latin America and the Caribbean":
        return "LAC"
    if sub == "Northern America":
        return "NAM"
    if region in ("Asia", "Oceania"):
        return "ASP"
    return ""


def development_status(row: dict[str, str]) -> str:
    iso2 = row["ISO3166-1-Alpha-2"]
    if not row["Region Name"]:
        return ""
    if iso2 in TRANSITION:
        return "transition"
    if iso2 in DEVELOPED:
        return "developed"
    is_state = bool(row["UNTERM English Short"])
    area = row["Sub-region Name"] if row["Region Name"] != "Europe" else "Europe"
    if not is_state and area in DEVELOPED_AREAS:
        return "developed"
    if is_state and row["Region Name"] == "Europe":
        return "developed"  # European microstates (AD, LI, MC, SM, VA) outside the WESP tables
    return "developing"


def name(row: dict[str, str], lang: str) -> str:
    return row[f"official_name_{lang}"] or row["CLDR display name"] or row["official_name_en"]


def main() -> None:
    with (SHARED / "country-codes.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["ISO3166-1-Alpha-2"]]
    fields = [
        "iso2",
        "iso3",
        "m49",
        "name_ar",
        "name_zh",
        "name_en",
        "name_fr",
        "name_ru",
        "name_es",
        "m49_region_code",
        "m49_region",
        "m49_subregion_code",
        "m49_subregion",
        "m49_intermediate_code",
        "m49_intermediate",
        "ldc",
        "lldc",
        "sids",
        "un_member_or_observer",
        "unep_region",
        "development_status",
    ]
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in sorted(rows, key=lambda r: r["ISO3166-1-Alpha-2"]):
            writer.writerow(
                {
                    "iso2": row["ISO3166-1-Alpha-2"],
                    "iso3": row["ISO3166-1-Alpha-3"],
                    "m49": row["M49"].zfill(3) if row["M49"] else "",
                    **{
                        f"name_{lang}": name(row, src)
                        for lang, src in (
                            ("ar", "ar"),
                            ("zh", "cn"),
                            ("en", "en"),
                            ("fr", "fr"),
                            ("ru", "ru"),
                            ("es", "es"),
                        )
                    },
                    "m49_region_code": row["Region Code"],
                    "m49_region": row["Region Name"],
                    "m49_subregion_code": row["Sub-region Code"],
                    "m49_subregion": row["Sub-region Name"],
                    "m49_intermediate_code": row["Intermediate Region Code"],
                    "m49_intermediate": row["Intermediate Region Name"],
                    "ldc": "1" if row["Least Developed Countries (LDC)"] else "0",
                    "lldc": "1" if row["Land Locked Developing Countries (LLDC)"] else "0",
                    "sids": "1" if row["Small Island Developing States (SIDS)"] else "0",
                    "un_member_or_observer": "1"
                    if row["UNTERM English Short"] or row["ISO3166-1-Alpha-2"] == "TR"
                    else "0",
                    "unep_region": unep_region(row),
                    "development_status": development_status(row),
                }
            )
    print(f"wrote {len(rows)} countries to {OUT}")


if __name__ == "__main__":
    main()
