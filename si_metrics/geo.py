"""Region boundaries: import from GeoJSON (any NUTS file, even whole-Europe) and serve them to maps."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import store

MAX_BYTES = 200 * 1024 * 1024  # a whole-Europe 1:1M NUTS file is about 100 MB
CODE_PROPERTIES = ("NUTS_ID", "nuts_id", "NUTS_CODE", "nuts_code", "code", "CODE", "id", "ID")
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


class BoundaryError(ValueError):
    """The file cannot be imported at all (not JSON, not a FeatureCollection, nothing usable)."""


@dataclass
class BoundaryImport:
    kept: list[str] = field(default_factory=list)
    unknown: int = 0  # features of areas outside the region list: skipped, not errors
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (feature number, code, what is wrong)
    release: int | None = None


def _code(feature: dict) -> str | None:
    props = feature.get("properties") or {}
    for key in CODE_PROPERTIES:
        if isinstance(props.get(key), str) and props[key].strip():
            return props[key].strip().upper()
    return str(feature["id"]).strip().upper() if isinstance(feature.get("id"), str) else None


def _ring_problem(ring: object) -> str | None:
    if not isinstance(ring, list) or len(ring) < 4:
        return "a ring needs at least 4 positions"
    for pos in ring:
        if not (isinstance(pos, list) and len(pos) >= 2 and all(isinstance(v, (int, float)) for v in pos[:2])):
            return f"position {pos!r} is not [longitude, latitude]"
        lon, lat = pos[0], pos[1]
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            return f"position {pos!r} is outside longitude -180..180 / latitude -90..90 (is it WGS84?)"
    if ring[0][:2] != ring[-1][:2]:
        return "a ring is not closed (first and last positions differ)"
    return None


def geometry_problem(geometry: object) -> str | None:
    """Why a GeoJSON geometry cannot be drawn as an area, or None."""
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        return f"geometry type {kind!r}; expected Polygon or MultiPolygon"
    polygons = geometry.get("coordinates")
    polygons = [polygons] if geometry["type"] == "Polygon" else polygons
    if not isinstance(polygons, list) or not polygons:
        return "no coordinates"
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return "an empty polygon"
        for ring in polygon:
            problem = _ring_problem(ring)
            if problem:
                return problem
    return None


def import_geojson(con: duckdb.DuckDBPyConnection, path: Path, *, user: str, note: str = "") -> BoundaryImport:
    """Import the boundaries of known regions from a GeoJSON file as one release; all or nothing."""
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        raise BoundaryError(f"{path.name} is larger than {MAX_BYTES // 2**20} MB")
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryError(f"{path.name} is not UTF-8 JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise BoundaryError(f"{path.name} is not a GeoJSON FeatureCollection")
    known = {r[0] for r in con.cursor().execute("select code from regions").fetchall()}
    result, rows = BoundaryImport(), {}
    for number, feature in enumerate(doc["features"], start=1):
        code = _code(feature) if isinstance(feature, dict) else None
        if code is None:
            result.problems.append((number, "", "no NUTS code in NUTS_ID, id or code"))
        elif code not in known:
            result.unknown += 1
        elif (problem := geometry_problem(feature.get("geometry"))) is not None:
            result.problems.append((number, code, problem))
        else:
            rows[code] = json.dumps(feature["geometry"], separators=(",", ":"))
    if result.problems:
        return result
    if not rows:
        raise BoundaryError(f"{path.name} has no feature for any region in the store")
    result.kept = sorted(rows)
    result.release = store.replace_boundaries(
        con, rows, user=user, note=note, file_name=path.name, sha256=store.file_sha256(path)
    )
    return result


def feature_collection(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The current boundaries as a FeatureCollection with NUTS_ID properties, or None."""
    rows = con.cursor().execute("select region_code, geometry from boundaries order by region_code").fetchall()
    if not rows:
        return None
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": code, "properties": {"NUTS_ID": code}, "geometry": json.loads(geometry)}
            for code, geometry in rows
        ],
    }
