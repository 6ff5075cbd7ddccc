"""The funding tables' file shapes: the observatory's own CSV of funding_programmes / funding_municipalities, and
the ИСУН 2020 extracts they are built from (datasets/sources/MANIFEST.csv says where each came from).

The mapping of an extract row onto a table row lives here once: scripts/build_datasets.py builds the bundled CSVs
with it, and uploads of the same extracts go through it too. Pure: no store, no pandas.
"""

from __future__ import annotations

from collections.abc import Mapping

# ISUN's district code for Sofia city is S22 (not in its own mapping); SOF00 is Sofia (stolitsa) by prefix.
SOFIA_CITY_MUNI, SOFIA_CITY_NUTS3 = "SOF00", "BG411"
ISUN_SNAPSHOT = "2026-08-24"  # the snapshot of the bundled extracts (reference README, section 8)
ESF_FUND = {"2021-27": "ESF+", "2014-20": "ESF"}  # the source's "ESF" for 2021-27 means ESF+
PROGRAMME_NAMES_EN = {  # our translation of the Bulgarian programme names
    "2021BG05SFPR001": "Education 2021-2027",
    "2021BG05SFPR002": "Human Resources Development 2021-2027",
    "2021BG05SFPR003": "Food and Basic Material Assistance 2021-2027",
    "2014BG05M9OP001": "Human Resources Development 2014-2020",
}

PROGRAMMES, MUNICIPALITIES = "funding_programmes", "funding_municipalities"
COLUMNS = {
    PROGRAMMES: (
        "programme_code",
        "name_bg",
        "name_en",
        "period",
        "fund",
        "contracted_eur",
        "paid_eur",
        "contract_count",
        "grant_eur",
        "beneficiary_count",
        "snapshot",
    ),
    MUNICIPALITIES: (
        "municipality_code",
        "source_district_code",
        "region_code",
        "contract_count",
        "contracted_eur",
        "paid_eur",
        "population",
        "snapshot",
    ),
}
# Columns an upload in the observatory's format may leave out or empty: derived from the code (name_en, the
# district and area of a known municipality), from the period (fund), or given once for the file (snapshot).
OPTIONAL = {
    PROGRAMMES: ("name_en", "fund", "snapshot"),
    MUNICIPALITIES: ("source_district_code", "region_code", "snapshot"),
}
DERIVED_FROM = {
    "name_en": "programme_code",
    "fund": "period",
    "source_district_code": "municipality_code",
    "region_code": "municipality_code",
}

# The extracts' headers (isun_programme_totals.csv, isun_eu_funds_by_municipality.csv), and for each table
# column the extract column it comes from (so an error names the file's column).
EXTRACT = {
    PROGRAMMES: (
        "code",
        "name",
        "period",
        "contracted_eur",
        "paid_eur",
        "contract_count",
        "grant_eur",
        "beneficiary_count",
        "fund_type_as_classified",
        "fund_bucket",
    ),
    MUNICIPALITIES: (
        "muni",
        "oblast",
        "nuts3_code",
        "contract_count",
        "contracted_eur",
        "paid_eur",
        "population",
        "per_capita_eur",
    ),
}
EXTRACT_UNUSED = ("fund_type_as_classified", "fund_bucket", "per_capita_eur")  # the source's own roll-ups
SOURCE = {
    PROGRAMMES: {
        "programme_code": "code",
        "name_bg": "name",
        "name_en": "code",
        "period": "period",
        "fund": "period",
        "contracted_eur": "contracted_eur",
        "paid_eur": "paid_eur",
        "contract_count": "contract_count",
        "grant_eur": "grant_eur",
        "beneficiary_count": "beneficiary_count",
    },
    MUNICIPALITIES: {
        "municipality_code": "muni",
        "source_district_code": "oblast",
        "region_code": "nuts3_code",
        "contract_count": "contract_count",
        "contracted_eur": "contracted_eur",
        "paid_eur": "paid_eur",
        "population": "population",
    },
}
NUMBERS = ("contracted_eur", "paid_eur", "grant_eur", "contract_count", "beneficiary_count", "population")
LABELS = {
    (PROGRAMMES, "own"): "funding_programmes table",
    (MUNICIPALITIES, "own"): "funding_municipalities table",
    (PROGRAMMES, "isun"): "ИСУН programme totals extract",
    (MUNICIPALITIES, "isun"): "ИСУН municipality extract",
    (PROGRAMMES, "absorption"): "ИСУН absorption extract",
}
ABSORPTION_REFUSED = (
    "this is ИСУН's absorption extract (level, code, …, absorption_pct): it has no grant_eur or beneficiary_count, "
    "which funding_programmes needs, and mixes periods, fund buckets and other funds' programmes; upload the "
    "programme totals extract (code, name, period, contracted_eur, paid_eur, contract_count, grant_eur, "
    "beneficiary_count) or a funding_programmes CSV (`python -m si_metrics template funding`)"
)


def recognise(header_keys: set[str]) -> tuple[str, str] | None:
    """Which funding table a header (in table.header_key form) holds and in which shape: 'own' (the observatory's
    CSV), 'isun' (an extract) or 'absorption' (ИСУН's absorption extract, refused); None for another file."""
    if {"programme code", "contracted eur"} <= header_keys:  # projects have a programme_code too, no contracted_eur
        return PROGRAMMES, "own"
    if {"municipality code", "contracted eur"} <= header_keys:
        return MUNICIPALITIES, "own"
    if {"level", "code", "absorption pct"} <= header_keys:
        return PROGRAMMES, "absorption"
    if {"code", "grant eur", "beneficiary count"} <= header_keys:
        return PROGRAMMES, "isun"
    if {"muni", "oblast"} <= header_keys:
        return MUNICIPALITIES, "isun"
    return None


def is_extract(header_keys: set[str]) -> bool:
    """True for the header of an ИСУН extract (format 'isun')."""
    found = recognise(header_keys)
    return found is not None and found[1] != "own"


def family(name: str | None) -> str | None:
    """'funding' for either funding table: what staff choose as the dataset of an upload."""
    return "funding" if name in COLUMNS else None


def programme_row(r: Mapping[str, str], snapshot: str) -> dict[str, str]:
    """One row of isun_programme_totals.csv as a funding_programmes row; the English name and the fund are ours
    ('' for a programme or period we have none for)."""
    return {
        "programme_code": r["code"],
        "name_bg": r["name"],
        "name_en": PROGRAMME_NAMES_EN.get(r["code"], ""),
        "period": r["period"],
        "fund": ESF_FUND.get(r["period"], ""),
        "contracted_eur": r["contracted_eur"],
        "paid_eur": r["paid_eur"],
        "contract_count": r["contract_count"],
        "grant_eur": r["grant_eur"],
        "beneficiary_count": r["beneficiary_count"],
        "snapshot": snapshot,
    }


def municipality_row(r: Mapping[str, str], snapshot: str) -> dict[str, str]:
    """One row of isun_eu_funds_by_municipality.csv as a funding_municipalities row (Sofia city's empty NUTS 3 code
    becomes BG411 by its municipality code)."""
    region = r["nuts3_code"] or (SOFIA_CITY_NUTS3 if r["muni"] == SOFIA_CITY_MUNI else "")
    return {
        "municipality_code": r["muni"],
        "source_district_code": r["oblast"],
        "region_code": region,
        "contract_count": r["contract_count"],
        "contracted_eur": r["contracted_eur"],
        "paid_eur": r["paid_eur"],
        "population": r["population"],
        "snapshot": snapshot,
    }


ROWS = {PROGRAMMES: programme_row, MUNICIPALITIES: municipality_row}
