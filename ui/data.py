"""Cached access to the store. Results are keyed by the latest release, so a publish shows at once."""

from __future__ import annotations

import functools
import gc
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from si_metrics import funding, geo, kpis, queries, releases, store

TTL = 600  # seconds; bounds memory only, freshness comes from the release key
log = logging.getLogger(__name__)


def _open() -> duckdb.DuckDBPyConnection:
    try:
        con = store.open_store()
        store.keep_local_copies(con)
    except store.StoreError as exc:
        # the reason names the store's path and the database's own words: for the operator, in the server log;
        # anonymous visitors are told only what kind of problem it is
        log.error("cannot open the store: %s", exc)
        public = (
            "it has not been built yet"
            if isinstance(exc, store.NotBuilt)
            else "it is busy, unreachable or needs its operator"
        )
        raise store.StoreError(f"{public}; the server log has the details") from None
    return con


@st.cache_resource(show_spinner=False)
def connection() -> duckdb.DuckDBPyConnection:
    """One connection per process; every query takes its own cursor. Its small tables are read from local copies
    of the lake's current snapshot, brought up to date by each run's ``release()``."""
    return _open()


@functools.cache  # once per process: the first call does the work, later calls return at once
def settle() -> None:
    """After the first complete run: move what is alive by then (modules, the connection, cached lookups) out
    of the garbage collector's view. Otherwise every full collection rescans all of it and pauses whichever run
    triggers it (docs/performance.md)."""
    gc.freeze()


def release() -> int:
    return store.latest_release(connection())


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def regions(release: int) -> pd.DataFrame:
    return queries.run(connection(), "regions")


@dataclass(frozen=True)
class Areas:
    """Lookups over the region list, built once per release: pages call these for every option and row."""

    order: tuple[str, ...]  # depth-first: country, its NUTS 1, NUTS 2, districts …; benchmarks left out
    level: dict[str, int]
    parent: dict[str, str]
    names: dict[str, dict[str, str]]  # language → code → name
    # language → code → how the area picker shows it: indented by level, name · code (every run shows them all)
    options: dict[str, dict[str, str]]

    def label(self, code: str, lang: str) -> str:
        return self.names["bg" if lang == "bg" else "en"][code]

    def option(self, code: str, lang: str) -> str:
        """How the area picker shows an area: indented by level, name · code."""
        return self.options["bg" if lang == "bg" else "en"][code]

    def ancestors(self, code: str) -> list[str]:
        """The area itself, then its parent, grandparent … up to the country."""
        chain = [code]
        while chain[-1] in self.parent:
            chain.append(self.parent[chain[-1]])
        return chain

    def country(self, code: str) -> str:
        return self.ancestors(code)[-1]

    def at_level(self, code: str, level: int) -> str | None:
        """The area itself or the area above it at ``level`` (None when the area is above that level)."""
        return next((c for c in self.ancestors(code) if self.level[c] == level), None)


def _depth_first(regions: pd.DataFrame) -> tuple[str, ...]:
    tree = regions[~regions["is_benchmark"]]
    children: dict[str, list[str]] = {}
    for code, parent in zip(tree["code"], tree["parent_code"]):
        children.setdefault(parent if isinstance(parent, str) else "", []).append(code)
    ordered: list[str] = []
    stack = sorted(children.get("", []), reverse=True)
    while stack:
        code = stack.pop()
        ordered.append(code)
        stack.extend(sorted(children.get(code, []), reverse=True))
    return tuple(ordered)


@st.cache_resource(max_entries=4, show_spinner=False)
def areas(release: int) -> Areas:
    """Region lookups for a release (a shared read-only object: not copied on every call like cache_data)."""
    frame = regions(release)
    level = {c: int(v) for c, v in zip(frame["code"], frame["level"])}
    names = {lang: dict(zip(frame["code"], frame[f"name_{lang}"].astype(str))) for lang in ("en", "bg")}
    return Areas(
        order=_depth_first(frame),
        level=level,
        parent={c: p for c, p in zip(frame["code"], frame["parent_code"]) if isinstance(p, str) and p},
        names=names,
        options={
            lang: {c: "\u2003" * level[c] + f"{name} · {c}" for c, name in by_code.items()}
            for lang, by_code in names.items()
        },
    )


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def year_bounds(release: int) -> tuple[int, int]:
    row = queries.run(connection(), "year_bounds").iloc[0]
    return int(row["first_year"]), int(row["last_year"])


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def data_span(release: int) -> tuple[int, int]:
    """The years the observations cover: the period a visitor starts with (projects may reach further)."""
    row = queries.run(connection(), "year_bounds").iloc[0]
    if pd.isna(row["data_first_year"]):
        return int(row["first_year"]), int(row["last_year"])
    return int(row["data_first_year"]), int(row["data_last_year"])


@st.cache_data(ttl=TTL, max_entries=256, show_spinner=False)
def home_kpis(release: int, region: str, year_from: int, year_to: int) -> kpis.HomeKpis:
    # every query through the cache: the country's and the EU's rows, the programme totals and the country's
    # targets are read once per release, not again for each area; the area's own queries run at the same time
    return kpis.home_kpis(
        lambda calls: query_all(release, *calls), region, year_from, year_to, areas(release).ancestors(region)
    )


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def programme_tables(release: int, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The programme table, formatted and raw (funding.programme_tables): the same for every area."""
    return funding.programme_tables(query(release, "funding_programme_table"), lang)


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def indicators(release: int) -> pd.DataFrame:
    return queries.run(connection(), "indicators")


@st.cache_data(ttl=TTL, max_entries=512, show_spinner=False)
def query(release: int, name: str, **params: Any) -> pd.DataFrame:
    """Any named query (si_metrics/queries/<name>.sql) with bound parameters; results are aggregates."""
    return queries.run(connection(), name, **params)


_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="si-query")


def query_all(release: int, *calls: tuple[str, dict]) -> list[pd.DataFrame]:
    """Several named queries (``(name, params)`` each) at the same time, through the cache of ``query``; the results
    in the order asked, and any query's error raised here as ``query`` would raise it.

    Each runs on its own thread and cursor, and DuckDB works without holding Python's lock, so a page's independent
    queries overlap on the cores instead of waiting for each other."""
    futures = [_POOL.submit(query, release, name, **params) for name, params in calls]
    return [future.result() for future in futures]


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def boundaries(release: int) -> dict | None:
    """Imported region boundaries as a GeoJSON FeatureCollection, or None when there are none."""
    return geo.feature_collection(connection())


@st.cache_data(ttl=TTL, max_entries=32, show_spinner=False)
def targets(release: int, country: str) -> list[kpis.TargetProgress]:
    """The targets of a country and of the EU benchmark, with progress where the store allows."""
    return kpis.targets(connection(), [country, kpis.BENCHMARK])


@st.cache_data(ttl=TTL, max_entries=8, show_spinner=False)
def row_counts(release: int) -> dict[str, int]:
    return store.row_counts(connection())


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def release_changes(release: int, release_id: int, limit: int) -> releases.ReleaseChanges:
    """The first ``limit`` rows one release changed (old → new), added or removed, and how many there are."""
    return releases.release_changes(connection(), release_id, limit)


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def indicator_codes(release: int) -> list[str]:
    """Every catalogue indicator code, for the upload page's indicator choice."""
    return list(queries.run(connection(), "indicators")["code"])


def query_chunks(name: str, rows: int, **params: Any) -> Iterator[pd.DataFrame]:
    """A named query in parts of ``rows`` rows, not cached: for a streamed export of a list of any length."""
    yield from queries.chunks(connection(), name, rows, **params)
