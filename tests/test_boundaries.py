"""Boundaries: import from GeoJSON (only known areas kept, geometry checked) and the real choropleth offer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st

from helpers import open_page
from si_metrics import geo, store


def square(lon: float, lat: float, size: float = 1.0) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def write(tmp_path: Path, features: list[dict]) -> Path:
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def nuts2_features() -> list[dict]:
    cells = {"BG31": (22, 43), "BG32": (24, 43), "BG33": (26, 43), "BG41": (22, 41), "BG42": (24, 41), "BG34": (26, 41)}
    return [{"type": "Feature", "properties": {"NUTS_ID": c}, "geometry": square(*xy, 2)} for c, xy in cells.items()]


def test_import_keeps_known_areas_and_records_a_release(fresh_store, tmp_path):
    features = [
        *nuts2_features(),
        {"type": "Feature", "properties": {"NUTS_ID": "RO11"}, "geometry": square(23, 47)},  # another country
        {"type": "Feature", "id": "BG311", "properties": {}, "geometry": square(22.5, 43.5, 0.5)},  # id only
    ]
    result = geo.import_geojson(fresh_store, write(tmp_path, features), user="tester", note="test")
    assert result.problems == [] and result.unknown == 1
    assert result.kept == ["BG31", "BG311", "BG32", "BG33", "BG34", "BG41", "BG42"]
    history = store.release_history(fresh_store).iloc[-1]
    assert (history["dataset"], history["user_name"], history["rows_added"]) == ("boundaries", "tester", 7)
    fc = geo.feature_collection(fresh_store)
    assert [f["properties"]["NUTS_ID"] for f in fc["features"]][:2] == ["BG31", "BG311"]


@pytest.mark.parametrize(
    "geometry, problem",
    [
        ({"type": "Point", "coordinates": [23, 42]}, "geometry type 'Point'"),
        ({"type": "Polygon", "coordinates": [[[23, 42], [24, 42], [23, 42]]]}, "at least 4 positions"),
        ({"type": "Polygon", "coordinates": [[[23, 42], [24, 42], [24, 43], [23, 43]]]}, "not closed"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[523000, 4200000], [524000, 4200000], [524000, 4300000], [523000, 4200000]]],
            },
            "is it WGS84",
        ),
    ],
)
def test_bad_geometry_is_reported_and_nothing_is_imported(fresh_store, tmp_path, geometry, problem):
    features = nuts2_features()
    features[0]["geometry"] = geometry
    before = store.latest_release(fresh_store)
    result = geo.import_geojson(fresh_store, write(tmp_path, features), user="t")
    assert len(result.problems) == 1
    number, code, message = result.problems[0]
    assert (number, code) == (1, "BG31") and problem in message
    assert store.latest_release(fresh_store) == before and geo.feature_collection(fresh_store) is None


def test_not_geojson_is_one_clear_error(fresh_store, tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text("<html>not json</html>", encoding="utf-8")
    with pytest.raises(geo.BoundaryError, match="not UTF-8 JSON"):
        geo.import_geojson(fresh_store, path, user="t")
    path.write_text('{"type": "Feature"}', encoding="utf-8")
    with pytest.raises(geo.BoundaryError, match="not a GeoJSON FeatureCollection"):
        geo.import_geojson(fresh_store, path, user="t")


def test_with_boundaries_the_map_offers_a_real_choropleth(con, tmp_path):
    geo.import_geojson(con, write(tmp_path, nuts2_features()), user="tester")
    try:
        at = open_page("pages/explore/poverty.py", indicator="AROPE", region="BG", map="boundaries")
        assert at.radio(key="p_poverty_map").value == "boundaries"
        figure = json.loads(at.get("plotly_chart")[0].proto.spec)
        trace = figure["data"][0]
        assert trace["type"] == "choroplethmap" and figure["layout"]["map"]["style"] == "white-bg"
        assert trace["locations"] == ["BG31", "BG32", "BG33", "BG34", "BG41", "BG42"]
        assert [f["properties"]["NUTS_ID"] for f in trace["geojson"]["features"]] == sorted(trace["locations"])
    finally:  # the session store is shared: leave it without boundaries for the other tests
        con.cursor().execute("delete from lake.boundaries")
        st.cache_data.clear()
