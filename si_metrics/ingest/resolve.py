"""What an upload is checked against (the store's regions, indicators and Eurostat mapping), and turning the
names staff write (NUTS codes, ISO 3166-2 codes, Bulgarian or English names) into catalogue codes."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import duckdb
import pandas as pd

# Words people put around an area's name ("област Видин", "Plovdiv region", "Северозападен район").
_GENERIC = re.compile(r"\b(област|обл\.|oblast|province|district|region|регион|район|rayon|nuts ?[0-3]?)(?=\s|$)")
_SPACES = re.compile(r"[\s_\-]+")


@dataclass(frozen=True)
class Context:
    """The store's current regions, indicators and Eurostat and NSI mappings: what every upload is checked against."""

    regions: pd.DataFrame
    indicators: pd.DataFrame
    eurostat: pd.DataFrame
    nsi: pd.DataFrame

    @property
    def region_codes(self) -> set[str]:
        """Every area code in the region list."""
        return set(self.regions["code"])


def load_context(con: duckdb.DuckDBPyConnection) -> Context:
    """Read the current catalogue tables from the store (staff may have published new regions or indicators)."""
    cur = con.cursor()
    try:
        regions = cur.execute(
            "select code, parent_code, level, name_en, name_bg, iso_3166_2, is_benchmark from regions order by code"
        ).df()
        indicators = cur.execute("select code, unit, name_en, name_bg from indicators order by code").df()
        eurostat = cur.execute(
            "select indicator_code, eurostat_dataset, dimension_filters from indicator_eurostat "
            "order by eurostat_dataset, indicator_code"
        ).df()
        nsi = cur.execute(
            "select indicator_code, nsi_table, title_en, dimensions, dimension_filters from indicator_nsi "
            "order by nsi_table, indicator_code"
        ).df()
    finally:
        cur.close()
    return Context(regions, indicators, eurostat, nsi)


def name_key(text: str) -> str:
    """The form names are compared in: case-folded, spaces, '_' and '-' as one space, generic words dropped."""
    key = _SPACES.sub(" ", str(text).casefold()).strip()
    stripped = _SPACES.sub(" ", _GENERIC.sub(" ", key)).strip()
    return stripped or key


def region_aliases(regions: pd.DataFrame) -> pd.DataFrame:
    """Every way an area may be written (code, ISO 3166-2 code, Latin and Cyrillic name) → its code."""
    return _aliases(regions, ("code", "iso_3166_2", "name_en", "name_bg"))


def _aliases(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """(alias, code) pairs from the listed columns, aliases in name_key form."""
    parts = [pd.DataFrame({"code": frame["code"], "alias": frame[col]}) for col in columns]
    frame = pd.concat(parts, ignore_index=True).dropna()
    return pd.DataFrame({"alias": frame["alias"].map(name_key), "code": frame["code"]}).drop_duplicates()


def indicator_aliases(indicators: pd.DataFrame) -> pd.DataFrame:
    """Every way an indicator may be written (code, English or Bulgarian name) → its code."""
    return _aliases(indicators, ("code", "name_en", "name_bg"))


def resolve(con: duckdb.DuckDBPyConnection, values: list[str], aliases: pd.DataFrame) -> dict[str, list[str]]:
    """For each distinct written value, the codes it can mean (none, one, or several when ambiguous), by a join."""
    written = pd.DataFrame({"raw": values, "key": [name_key(v) for v in values]})
    cur = con.cursor()
    try:
        cur.register("_written", written)
        cur.register("_aliases", aliases)
        rows = cur.execute(
            "select w.raw, coalesce(list(distinct a.code order by a.code) filter (a.code is not null), "
            "[]) from _written w left join _aliases a on a.alias = w.key group by w.raw"
        ).fetchall()
    finally:
        cur.close()
    return dict(rows)


def suggestion(value: str, aliases: pd.DataFrame, labels: dict[str, str]) -> str:
    """' — did you mean Vidin (BG311)?' for the closest known spelling, or '' when nothing is close."""
    keys = list(aliases["alias"])
    close = difflib.get_close_matches(name_key(value), keys, n=1, cutoff=0.6)
    if not close:
        return ""
    code = aliases.loc[aliases["alias"] == close[0], "code"].iloc[0]
    return f"; did you mean {labels.get(code, code)}?"
