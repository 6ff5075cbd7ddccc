"""Cached access to the store. Results are keyed by the latest release, so a publish shows at once."""
from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from si_metrics import geo, kpis, queries, releases, store

TTL = 600  # seconds; bounds memory only, freshness comes from the release key


@st.cache_resource(show_spinner=False)
def connection() -> duckdb.DuckDBPyConnection:
    """One connection per process; every query takes its own cursor."""
    return store.open_store()


def release() -> int:
    return store.latest_release(connection())


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def regions(release: int) -> pd.DataFrame:
    return queries.run(connection(), "regions")


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def year_bounds(release: int) -> tuple[int, int]:
    row = queries.run(connection(), "year_bounds").iloc[0]
    return int(row["first_year"]), int(row["last_year"])


@st.cache_data(ttl=TTL, max_entries=256, show_spinner=False)
def home_kpis(release: int, region: str, year_from: int, year_to: int) -> kpis.HomeKpis:
    return kpis.home_kpis(connection(), region, year_from, year_to)


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def indicators(release: int) -> pd.DataFrame:
    return queries.run(connection(), "indicators")


@st.cache_data(ttl=TTL, max_entries=512, show_spinner=False)
def query(release: int, name: str, **params) -> pd.DataFrame:
    """Any named query (si_metrics/queries/<name>.sql) with bound parameters; results are aggregates."""
    return queries.run(connection(), name, **params)


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def boundaries(release: int) -> dict | None:
    """Imported region boundaries as a GeoJSON FeatureCollection, or None when there are none."""
    return geo.feature_collection(connection())


@st.cache_data(ttl=TTL, max_entries=32, show_spinner=False)
def targets(release: int, country: str) -> list[kpis.TargetProgress]:
    """The targets of a country and of the EU benchmark, with progress where the store allows."""
    con = connection()
    return [kpis.target_progress(con, area, row)
            for area in (country, kpis.BENCHMARK)
            for row in queries.run(con, "region_targets", region=area).to_dict("records")]


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def row_counts(release: int) -> dict[str, int]:
    return store.row_counts(connection())


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def release_changes(release: int, release_id: int, limit: int) -> releases.ReleaseChanges:
    """The first ``limit`` rows one release changed (old → new), added or removed, and how many there are."""
    return releases.release_changes(connection(), release_id, limit)
