"""Every bundled dataset has a valid sidecar, documents every column, and every row validates."""

from __future__ import annotations

import csv

import pytest

from si_metrics.catalog import DATASETS_DIR, catalog
from si_metrics.schemas import ROW_MODELS

REQUIRED_INDICATORS = {
    "AROPE",
    "AROPE_EU2020",
    "AROP",
    "SMD",
    "SMSD",
    "LWI",
    "UNEMP",
    "EMP_15_64",
    "EMP_20_64",
    "NEET",
    "ELET",
    "POP",
}


def read_rows(name: str) -> tuple[list[str], list[dict]]:
    with (DATASETS_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def test_every_csv_has_a_sidecar_and_every_sidecar_a_csv():
    csvs = {p.stem for p in DATASETS_DIR.glob("*.csv")}
    sidecars = {p.name.removesuffix(".meta.toml") for p in DATASETS_DIR.glob("*.meta.toml")}
    assert csvs == sidecars
    assert set(catalog()) == csvs
    assert set(ROW_MODELS) == csvs


@pytest.mark.parametrize("name", sorted(ROW_MODELS))
def test_columns_are_exactly_the_documented_ones(name):
    header, _ = read_rows(name)
    meta = catalog()[name]
    assert header == meta.column_names, f"{name}.csv header differs from its sidecar"
    assert list(ROW_MODELS[name].model_fields) == meta.column_names


@pytest.mark.parametrize("name", sorted(ROW_MODELS))
def test_every_bundled_row_validates(name):
    _, rows = read_rows(name)
    model, meta = ROW_MODELS[name], catalog()[name]
    assert rows, f"{name}.csv is empty"
    keys = set()
    for line, row in enumerate(rows, start=2):
        clean = {k: (v if v != "" else None) for k, v in row.items()}
        clean = {k: v for k, v in clean.items() if v is not None or not meta.column(k).required}
        model.model_validate(clean)
        key = tuple(row[k] for k in meta.primary_key)
        assert key not in keys, f"{name}.csv line {line}: duplicate key {key}"
        keys.add(key)


def test_required_columns_are_never_empty():
    for name, meta in catalog().items():
        _, rows = read_rows(name)
        required = [c.name for c in meta.columns if c.required]
        for line, row in enumerate(rows, start=2):
            empty = [c for c in required if row[c] == ""]
            assert not empty, f"{name}.csv line {line}: required column(s) {empty} empty"


def test_indicator_catalogue_is_complete_and_referenced_codes_exist():
    _, indicators = read_rows("indicators")
    codes = {r["code"] for r in indicators}
    assert codes >= REQUIRED_INDICATORS
    _, mapping = read_rows("indicator_eurostat")
    assert {r["indicator_code"] for r in mapping} == REQUIRED_INDICATORS
    assert {r["eurostat_dataset"] for r in mapping if r["indicator_code"] == "LWI"} == {"ilc_lvhl21", "ilc_lvhl21n"}
    _, regions = read_rows("regions")
    region_codes = {r["code"] for r in regions}
    for name in ("observations", "targets"):
        _, rows = read_rows(name)
        assert {r["indicator_code"] for r in rows} <= codes
        assert {r["region_code"] for r in rows} <= region_codes


def test_region_hierarchy():
    _, regions = read_rows("regions")
    by_code = {r["code"]: r for r in regions}
    levels = [r["level"] for r in regions if r["country_code"] == "BG"]
    assert (levels.count("0"), levels.count("1"), levels.count("2"), levels.count("3")) == (1, 2, 6, 28)
    assert by_code["EU27_2020"]["is_benchmark"] == "true"
    for r in regions:
        if r["parent_code"]:
            assert int(by_code[r["parent_code"]]["level"]) == int(r["level"]) - 1
    assert (by_code["BG311"]["name_bg"], by_code["BG311"]["iso_3166_2"], by_code["BG311"]["parent_code"]) == (
        "Видин",
        "BG-05",
        "BG31",
    )
    assert by_code["BG411"]["area_km2"] == "1342"


def test_tile_grids_are_unique_and_keep_neighbours_together():
    _, regions = read_rows("regions")
    pos = {r["code"]: (int(r["tile_row"]), int(r["tile_col"])) for r in regions if r["tile_row"]}
    for level in ("2", "3"):
        cells = [pos[r["code"]] for r in regions if r["level"] == level and r["country_code"] == "BG"]
        assert len(cells) == len(set(cells)) == (6 if level == "2" else 28)

    def adjacent(a, b):
        (r1, c1), (r2, c2) = pos[a], pos[b]
        return max(abs(r1 - r2), abs(c1 - c2)) == 1

    # real neighbours: Vidin–Montana, Sofia city–Sofia district, Plovdiv–Pazardzhik, Varna–Dobrich, Burgas–Yambol
    for a, b in [
        ("BG311", "BG312"),
        ("BG411", "BG412"),
        ("BG421", "BG423"),
        ("BG331", "BG332"),
        ("BG341", "BG343"),
        ("BG31", "BG32"),
        ("BG41", "BG42"),
    ]:
        assert adjacent(a, b), (a, b)
    assert not adjacent("BG311", "BG331")  # Vidin is nowhere near Varna


def test_only_the_demo_projects_are_synthetic():
    assert [n for n, m in catalog().items() if m.synthetic] == ["projects"]
