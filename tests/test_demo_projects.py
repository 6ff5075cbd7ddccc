"""The synthetic demo projects: the committed CSV is reproducible, coherent, and the generator scales."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from si_metrics import vocab
from si_metrics.catalog import load_meta
from si_metrics.demo import AS_OF, COLUMNS, DEFAULT_N, generate_projects, load_regions, write_projects_csv

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT / "datasets" / "projects.csv"
META = ROOT / "datasets" / "projects.meta.toml"
REGIONS = ROOT / "datasets" / "regions.csv"

ALLOWED_PROGRAMMES = {
    "2021BG05SFPR002": "ESF+",
    "2021BG05SFPR001": "ESF+",
    "2021BG05SFPR003": "ESF+",
    "2014BG05M9OP001": "ESF",
    "2014BG05M2OP001": "ESF",
}
THEMES, GROUPS = set(vocab.THEMES), set(vocab.TARGET_GROUPS)


@pytest.fixture(scope="module")
def regions() -> pd.DataFrame:
    return load_regions(REGIONS)


@pytest.fixture(scope="module")
def committed() -> pd.DataFrame:
    df = pd.read_csv(CSV, dtype=str, keep_default_na=False, encoding="utf-8")
    return _typed(df)


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """CSV text -> the generator's types, failing loudly on anything unparsable."""
    out = df.copy()
    for col in ("start_date", "end_date"):
        out[col] = pd.to_datetime(out[col], format="%Y-%m-%d")
    for col in ("budget_eur", "eu_contribution_eur", "paid_eur"):
        out[col] = out[col].astype(float)
    for col in ("partner_count", "beneficiaries_target", "beneficiaries_reached"):
        out[col] = out[col].astype(int)
    assert set(out["is_synthetic"]) <= {"true", "false"}
    out["is_synthetic"] = out["is_synthetic"] == "true"
    return out


def _split(s: str) -> list[str]:
    return [x for x in s.split(";") if x]


def _is_cross_sector(df: pd.DataFrame) -> pd.Series:
    return pd.Series(
        [any(p != lead for p in _split(ps)) for ps, lead in zip(df["partner_sectors"], df["lead_sector"])],
        index=df.index,
    )


def _check_invariants(df: pd.DataFrame, regions: pd.DataFrame) -> None:
    """Every rule the explorer relies on, row by row."""
    assert list(df.columns) == COLUMNS
    assert df["project_id"].is_unique
    assert df["project_id"].str.fullmatch(r"DEMO-\d{6,}").all()

    placeable = set(regions.loc[(regions["country_code"] == "BG") & (regions["code"] != "EU27_2020"), "code"])
    assert set(df["region_code"]) <= placeable
    assert "EU27_2020" not in set(df["region_code"])

    assert (df["lead_org_type"].map(vocab.SECTOR_OF_TYPE) == df["lead_sector"]).all()
    assert df["lead_org"].str.len().min() > 3
    assert set(df["theme"]) <= THEMES

    partners = df["partner_sectors"].map(_split)
    assert partners.map(lambda p: set(p) <= {"public", "private", "social"} and p == sorted(set(p))).all()
    assert ((df["partner_count"] == 0) == (partners.map(len) == 0)).all()
    assert (df["partner_count"] >= partners.map(len)).all()

    groups = df["target_groups"].map(_split)
    assert groups.map(lambda g: 1 <= len(g) <= 3 and set(g) <= GROUPS and g == sorted(set(g))).all()
    sdgs = df["sdgs"].map(lambda s: [int(x) for x in _split(s)])
    assert sdgs.map(lambda g: 1 <= len(g) <= 3 and all(1 <= x <= 17 for x in g) and g == sorted(set(g))).all()
    core = {"poverty_inclusion": 1, "employment": 8, "education": 4, "health_care": 3}
    for theme, goal in core.items():
        assert sdgs[df["theme"] == theme].map(lambda g, goal=goal: goal in g).all(), theme

    eu = df["programme_code"] != ""
    assert set(df.loc[eu, "programme_code"]) <= set(ALLOWED_PROGRAMMES)
    assert (df.loc[eu, "fund"] == df.loc[eu, "programme_code"].map(ALLOWED_PROGRAMMES)).all()
    assert set(df.loc[~eu, "fund"]) <= {"national", "private_foundation"}
    start_year = df["start_date"].dt.year
    old = df["programme_code"].str.startswith("2014")
    new = df["programme_code"].str.startswith("2021")
    assert start_year[old].between(2015, 2021).all()
    assert start_year[new].between(2022, 2026).all()

    days = (df["end_date"] - df["start_date"]).dt.days + 1
    assert (days >= 6 * 30).all() and (days <= 48 * 31).all()
    as_of = pd.Timestamp(AS_OF)
    expected = np.where(df["start_date"] > as_of, "planned", np.where(df["end_date"] < as_of, "completed", "ongoing"))
    live = df["status"] != "cancelled"
    assert (df.loc[live, "status"] == expected[live.to_numpy()]).all()
    assert set(df["status"]) <= {"planned", "ongoing", "completed", "cancelled"}

    assert (df["budget_eur"] > 0).all()
    assert (df["eu_contribution_eur"] <= df["budget_eur"]).all()
    assert (df.loc[~eu, "eu_contribution_eur"] == 0).all()
    assert (df.loc[eu, "eu_contribution_eur"] > 0).all()
    assert (df["paid_eur"] >= 0).all() and (df["paid_eur"] <= df["budget_eur"]).all()
    assert (df.loc[eu, "paid_eur"] <= df.loc[eu, "eu_contribution_eur"]).all()
    planned = df["status"] == "planned"
    assert (df.loc[planned, "paid_eur"] == 0).all()
    assert (df.loc[planned, "beneficiaries_reached"] == 0).all()
    assert (df["beneficiaries_target"] > 0).all() and (df["beneficiaries_reached"] >= 0).all()
    done = df[df["status"] == "completed"]
    ratio = done["beneficiaries_reached"] / done["beneficiaries_target"]
    assert ratio.between(0.6, 1.2).all()
    assert df["is_synthetic"].all()


def test_committed_csv_is_reproduced_byte_for_byte(regions: pd.DataFrame, tmp_path: Path) -> None:
    out = write_projects_csv(generate_projects(regions), tmp_path / "projects.csv")
    assert out.read_bytes() == CSV.read_bytes()


def test_committed_csv_format() -> None:
    raw = CSV.read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    header, first = raw.decode("utf-8").split("\n")[:2]
    assert header.split(",") == COLUMNS
    assert first.startswith("DEMO-000001,") and first.endswith(",true")
    # money always with exactly two decimals (3 money columns per row)
    money = pd.read_csv(CSV, dtype=str, keep_default_na=False)[["budget_eur", "eu_contribution_eur", "paid_eur"]]
    assert money.apply(lambda c: c.str.fullmatch(r"\d+\.\d{2}")).all().all()


def test_committed_csv_invariants(committed: pd.DataFrame, regions: pd.DataFrame) -> None:
    assert len(committed) == DEFAULT_N == 2000
    _check_invariants(committed, regions)
    assert committed["project_id"].iloc[0] == "DEMO-000001"
    assert committed["project_id"].iloc[-1] == "DEMO-002000"


def test_committed_csv_distribution(committed: pd.DataFrame, regions: pd.DataFrame) -> None:
    themes = committed["theme"].value_counts()
    assert list(themes.index[:2]) == ["poverty_inclusion", "employment"]
    assert set(themes.index) == THEMES
    level = committed["region_code"].map(regions.set_index("code")["level"].astype(int))
    assert 0.80 < (level == 3).mean() < 0.90
    assert 0.07 < (level == 2).mean() < 0.13
    assert 0.03 < (level == 0).mean() < 0.07
    assert 0.35 < _is_cross_sector(committed).mean() < 0.45
    assert 0.07 < (committed["programme_code"] == "").mean() < 0.13
    assert 0.015 < (committed["status"] == "cancelled").mean() < 0.045
    assert set(committed["status"]) == {"planned", "ongoing", "completed", "cancelled"}
    assert set(committed["programme_code"]) - {""} == set(ALLOWED_PROGRAMMES)
    eu = committed[committed["programme_code"] != ""]
    assert (eu["eu_contribution_eur"] / eu["budget_eur"]).median() == pytest.approx(0.85, abs=0.005)


def test_vidin_has_cross_sector_poverty_projects(committed: pd.DataFrame) -> None:
    hits = committed[
        (committed["region_code"] == "BG311")
        & (committed["theme"] == "poverty_inclusion")
        & _is_cross_sector(committed)
    ]
    assert len(hits) >= 3
    assert hits["title_en"].str.contains("Vidin").all()
    assert hits["title_bg"].str.contains("във Видин").all()


def test_titles_use_region_names(committed: pd.DataFrame, regions: pd.DataFrame) -> None:
    names = regions.set_index("code")
    districts = committed[committed["region_code"].str.len() == 5]
    districts = districts[~districts["region_code"].isin(["BG411", "BG412"])]  # Sofia city/province are renamed
    name_bg = districts["region_code"].map(names["name_bg"])
    name_en = districts["region_code"].map(names["name_en"])
    assert all(b in t for b, t in zip(name_bg, districts["title_bg"]))
    assert all(e in t for e, t in zip(name_en, districts["title_en"]))
    national = committed[committed["region_code"] == "BG"]
    assert national["title_bg"].str.endswith(" в България").all()
    nw = committed[committed["region_code"] == "BG31"]
    assert len(nw) == 29 and nw["title_bg"].str.endswith(" в Северозападния район").all()  # seed 20231115


def test_sidecar_matches_csv() -> None:
    meta = load_meta(META)
    assert meta.name == "projects" and meta.synthetic is True
    assert meta.primary_key == ["project_id"]
    assert meta.column_names == COLUMNS
    assert "SYNTHETIC" in meta.description and "20231115" in meta.description
    optional = {c.name for c in meta.columns if not c.required}
    # paid and beneficiaries may be empty for published real projects (Kohesio does not report them)
    assert optional == {
        "partner_sectors",
        "programme_code",
        "paid_eur",
        "beneficiaries_target",
        "beneficiaries_reached",
    }


def test_csv_loads_into_duckdb_with_declared_types(committed: pd.DataFrame) -> None:
    meta = load_meta(META)
    types = {c.name: c.type for c in meta.columns}
    con = duckdb.connect()
    try:
        rel = con.read_csv(str(CSV), header=True, columns=types)  # noqa: F841 - the query below reads it by name
        n, n_true, first_start, total = con.execute(
            "select count(*), count(*) filter (where is_synthetic), min(start_date), sum(budget_eur) from rel"
        ).fetchone()
    finally:
        con.close()
    assert n == 2000 and n_true == 2000
    assert first_start == committed["start_date"].min().date()
    assert total == pytest.approx(committed["budget_eur"].sum(), abs=0.01)


def test_rows_validate_against_row_model(committed: pd.DataFrame) -> None:
    schemas = pytest.importorskip("si_metrics.schemas")
    rows = pd.read_csv(CSV, dtype=str, keep_default_na=False).head(300)
    for rec in rows.to_dict("records"):
        schemas.ProjectRow.model_validate({k: (v if v != "" else None) for k, v in rec.items()})


def test_generator_is_deterministic(regions: pd.DataFrame) -> None:
    a = generate_projects(regions, n=500, seed=7)
    b = generate_projects(regions, n=500, seed=7)
    pd.testing.assert_frame_equal(a, b)
    c = generate_projects(regions, n=500, seed=8)
    assert not a["title_en"].equals(c["title_en"])
    # row order of the regions input does not matter
    shuffled = regions.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(a, generate_projects(shuffled, n=500, seed=7))


def test_generator_ignores_other_countries_and_benchmarks(regions: pd.DataFrame) -> None:
    extra = pd.DataFrame(
        [
            {
                "code": "RO",
                "level": 0,
                "parent_code": "",
                "country_code": "RO",
                "name_en": "Romania",
                "name_bg": "Румъния",
            }
        ]
    )
    df = generate_projects(pd.concat([regions, extra], ignore_index=True), n=3000, seed=1)
    assert not df["region_code"].isin(["RO", "EU27_2020"]).any()
    assert (df["region_code"] == "BG").any()


def test_generator_scales_to_100k(regions: pd.DataFrame) -> None:
    df = generate_projects(regions, n=100_000)
    assert len(df) == 100_000
    assert df["project_id"].iloc[-1] == "DEMO-100000"
    assert df["project_id"].is_unique
    _check_invariants(df.sample(5_000, random_state=0).sort_index(), regions)
    assert df["status"].value_counts(normalize=True)["cancelled"] == pytest.approx(0.03, abs=0.005)
