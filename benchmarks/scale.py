"""Scale data for the benchmark: SYNTHETIC datasets in our CSV formats, and a store built from them.

``python -m benchmarks.scale --scale small|medium|eu`` writes ``benchmarks/data/<scale>/csv/<dataset>.csv``
(every dataset of the catalogue, in the bundled format), builds a DuckDB store from them in
``benchmarks/data/<scale>/store/`` (its own SI_DATA_DIR, never ``var/``) with ``si_metrics.store`` functions,
and writes the observations upload file used by the validate/publish benchmark.

Everything is invented except: Bulgaria's regions, the indicator catalogue, the EU benchmark area and the
programme structure (copied from ``datasets/``), and the number of NUTS 1/2/3 regions of each member state
(NUTS 2021). Seeds are fixed, so a scale always produces the same files.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from si_metrics import demo, store
from si_metrics.catalog import DatasetMeta, catalog

ROOT = Path(__file__).resolve().parent.parent
DATA_ROOT = ROOT / "benchmarks" / "data"  # git-ignored
GENERATOR_VERSION = 2  # bump when the generated data change shape, so old scale folders are regenerated
SNAPSHOT = "2026-08-24"  # the ISUN snapshot date of the bundled funding data
YEARS = range(2006, 2026)
SOURCE = "Synthetic benchmark data (benchmarks/scale.py)"

# (code, English, Bulgarian, number of NUTS 1, NUTS 2, NUTS 3 regions in NUTS 2021)
COUNTRIES = [
    ("AT", "Austria", "Австрия", 3, 9, 35),
    ("BE", "Belgium", "Белгия", 3, 11, 44),
    ("BG", "Bulgaria", "България", 2, 6, 28),
    ("HR", "Croatia", "Хърватия", 1, 4, 21),
    ("CY", "Cyprus", "Кипър", 1, 1, 1),
    ("CZ", "Czechia", "Чехия", 1, 8, 14),
    ("DK", "Denmark", "Дания", 1, 5, 11),
    ("EE", "Estonia", "Естония", 1, 1, 5),
    ("FI", "Finland", "Финландия", 2, 5, 19),
    ("FR", "France", "Франция", 14, 27, 101),
    ("DE", "Germany", "Германия", 16, 38, 401),
    ("EL", "Greece", "Гърция", 4, 13, 52),
    ("HU", "Hungary", "Унгария", 3, 8, 20),
    ("IE", "Ireland", "Ирландия", 1, 3, 8),
    ("IT", "Italy", "Италия", 5, 21, 107),
    ("LV", "Latvia", "Латвия", 1, 1, 6),
    ("LT", "Lithuania", "Литва", 1, 2, 10),
    ("LU", "Luxembourg", "Люксембург", 1, 1, 1),
    ("MT", "Malta", "Малта", 1, 1, 2),
    ("NL", "Netherlands", "Нидерландия", 4, 12, 40),
    ("PL", "Poland", "Полша", 7, 17, 73),
    ("PT", "Portugal", "Португалия", 3, 7, 25),
    ("RO", "Romania", "Румъния", 4, 8, 42),
    ("SK", "Slovakia", "Словакия", 1, 4, 8),
    ("SI", "Slovenia", "Словения", 1, 2, 12),
    ("ES", "Spain", "Испания", 7, 19, 59),
    ("SE", "Sweden", "Швеция", 3, 8, 21),
]


@dataclass(frozen=True)
class Scale:
    name: str
    countries: tuple[str, ...]
    projects: int
    observations: int
    upload_rows: int  # rows of the observations file that validate/publish are timed on
    municipalities_per_district: float = 9.0  # Bulgaria: 265 municipalities in 28 districts
    seed: int = 20240501


SCALES = {
    "tiny": Scale("tiny", ("BG",), 2_000, 20_000, 5_000),  # for the test of the harness: seconds
    "small": Scale("small", ("BG", "RO", "EL"), 20_000, 100_000, 50_000),  # the smoke test: under 2 minutes in all
    "medium": Scale("medium", ("BG", "RO", "EL", "HU", "HR", "SK", "SI", "CZ", "AT"), 200_000, 1_000_000, 1_000_000),
    "eu": Scale("eu", tuple(c[0] for c in COUNTRIES), 1_000_000, 5_000_000, 1_000_000),
}


def scale_dir(name: str, root: Path = DATA_ROOT) -> Path:
    return Path(root) / name


def csv_dir(folder: Path) -> Path:
    return Path(folder) / "csv"


def data_dir(folder: Path) -> Path:
    """The SI_DATA_DIR of a scale folder (holds the store, store/)."""
    return Path(folder) / "store"


def store_path(folder: Path) -> Path:
    return data_dir(folder) / "store"


def upload_path(folder: Path) -> Path:
    return Path(folder) / "upload" / "observations_upload.csv"


# --------------------------------------------------------------------------------------------------------
# regions
_SYLLABLES = [
    "ka",
    "lo",
    "ve",
    "ra",
    "mi",
    "to",
    "san",
    "bel",
    "dor",
    "na",
    "gra",
    "vi",
    "len",
    "mar",
    "sto",
    "po",
    "ri",
    "ze",
    "kol",
    "tan",
    "bur",
    "li",
    "mo",
    "ne",
    "ska",
    "dra",
    "vel",
    "gor",
    "ber",
    "tis",
]
_CYRILLIC = dict(zip("abdegiklmnoprstuvz", "абдегиклмнопрстувз"))
_DIGITS = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # NUTS numbering: 1-9, then letters


def _names(rng: np.random.Generator, n: int) -> tuple[list[str], list[str]]:
    """Invented place names in Latin and Cyrillic script (the syllables map letter by letter)."""
    en, bg = [], []
    for _ in range(n):
        words = 2 if rng.random() < 0.15 else 1
        parts = ["".join(rng.choice(_SYLLABLES, size=int(rng.integers(2, 4)))) for _ in range(words)]
        en.append(" ".join(p.capitalize() for p in parts))
        bg.append(" ".join("".join(_CYRILLIC[ch] for ch in p).capitalize() for p in parts))
    return en, bg


def _split(total: int, parts: int, rng: np.random.Generator) -> list[int]:
    """``total`` children over ``parts`` parents, as evenly as possible (each at least one)."""
    counts = np.full(parts, total // parts)
    counts[rng.choice(parts, size=total % parts, replace=False)] += 1
    return [int(c) for c in counts]


def _code(prefix: str, index: int, single: bool) -> str:
    return prefix + ("0" if single else _DIGITS[index])


def _tiles(codes: list[str]) -> dict[str, tuple[int, int]]:
    """A schematic tile grid (code order, about 3:2 wide) for one level of one country."""
    cols = max(1, math.ceil(math.sqrt(len(codes) * 1.5)))
    return {c: (i // cols, i % cols) for i, c in enumerate(sorted(codes))}


def _read_bundled(con: duckdb.DuckDBPyConnection, meta: DatasetMeta) -> pd.DataFrame:
    types = ", ".join(f"'{c.name}': '{c.type}'" for c in meta.columns)
    return con.execute(
        f"select * from read_csv(?, header = true, delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
        f"columns = {{{types}}})",
        [str(meta.csv_path)],
    ).df()


def make_regions(scale: Scale, bundled: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Bulgaria and the EU benchmark as bundled; other countries with NUTS 1/2/3 parents and tile positions."""
    rows = []
    for cc, en, bg, n1, n2, n3 in COUNTRIES:
        if cc not in scale.countries or cc == "BG":
            continue
        rows.append(dict(code=cc, level=0, parent_code=None, country_code=cc, name_en=en, name_bg=bg))
        n2_of = _split(n2, n1, rng)
        n3_of = iter(_split(n3, n2, rng))
        level2, level3 = [], []
        for i in range(n1):
            c1 = _code(cc, i, n1 == 1)
            names = _names(rng, 1 + n2_of[i])
            rows.append(
                dict(code=c1, level=1, parent_code=cc, country_code=cc, name_en=names[0][0], name_bg=names[1][0])
            )
            for j in range(n2_of[i]):
                c2 = _code(c1, j, n2 == 1)
                k3 = next(n3_of)
                rows.append(
                    dict(
                        code=c2,
                        level=2,
                        parent_code=c1,
                        country_code=cc,
                        name_en=names[0][j + 1],
                        name_bg=names[1][j + 1],
                    )
                )
                level2.append(c2)
                d_en, d_bg = _names(rng, k3)
                for k in range(k3):
                    c3 = _code(c2, k, n3 == 1)
                    rows.append(
                        dict(code=c3, level=3, parent_code=c2, country_code=cc, name_en=d_en[k], name_bg=d_bg[k])
                    )
                    level3.append(c3)
        tiles = {**_tiles(level2), **_tiles(level3)}
        for r in rows:
            if r["code"] in tiles:
                r["tile_row"], r["tile_col"] = tiles[r["code"]]
    made = pd.DataFrame(rows)
    if len(made):
        districts = made["level"] == 3
        made.loc[districts, "area_km2"] = np.round(rng.lognormal(np.log(2500), 0.6, districts.sum()))
        made["area_year"] = 2026
        made["iso_3166_2"] = None
        made["is_benchmark"] = False
        for level in (2, 1, 0):  # areas of parents are the sums of their children
            sums = made.groupby("parent_code")["area_km2"].sum()
            at = made["level"] == level
            made.loc[at, "area_km2"] = made.loc[at, "code"].map(sums).to_numpy()
    regions = pd.concat([bundled[bundled["country_code"].isin(["BG", "EU"])], made], ignore_index=True)
    return regions[[c.name for c in catalog()["regions"].columns]]


def _populations(regions: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Population (2015) of every area: districts drawn, parents summed, the EU benchmark the total."""
    pop = pd.Series(0.0, index=regions["code"])
    districts = regions["level"] == 3
    pop[regions.loc[districts, "code"]] = np.round(rng.lognormal(np.log(250_000), 0.7, districts.sum()))
    parent = dict(zip(regions["code"], regions["parent_code"]))
    for level in (3, 2, 1):
        for code in regions.loc[regions["level"] == level, "code"]:
            if isinstance(parent.get(code), str):
                pop[parent[code]] += pop[code]
    bench = regions.loc[regions["is_benchmark"], "code"]
    pop[bench] = pop[regions.loc[(regions["level"] == 0) & ~regions["is_benchmark"], "code"]].sum()
    return pop


# --------------------------------------------------------------------------------------------------------
# observations
_RATE_LEVELS = {  # indicator: (mean, spread between areas, yearly trend), per cent
    "AROPE": (22.0, 7.0, -0.3),
    "AROPE_EU2020": (24.0, 8.0, -0.4),
    "AROP": (17.0, 5.0, -0.1),
    "SMD": (10.0, 8.0, -0.6),
    "SMSD": (6.0, 5.0, -0.3),
    "LWI": (8.0, 4.0, -0.2),
    "UNEMP": (7.0, 4.0, -0.2),
    "EMP_15_64": (65.0, 8.0, 0.4),
    "EMP_20_64": (72.0, 7.0, 0.4),
    "NEET": (12.0, 5.0, -0.2),
    "ELET": (9.0, 4.0, -0.2),
}
SEXES, AGES = ["T", "M", "F"], ["TOTAL", "Y_LT15", "Y15-64", "Y_GE65", "UNK"]
_SEX_SHARE, _AGE_SHARE = np.array([1.0, 0.49, 0.51]), np.array([1.0, 0.15, 0.64, 0.2095, 0.0005])
_SEX_SHIFT, _AGE_SHIFT = np.array([0.0, -1.0, 1.0]), np.array([0.0, 3.0, -1.0, 2.0, 0.5])


def make_observations(
    scale: Scale, regions: pd.DataFrame, indicators: pd.DataFrame, pop: pd.Series, rng: np.random.Generator
) -> pd.DataFrame:
    """Every indicator for every area and year (totals always), plus sex × age breakdowns up to the target."""
    codes = regions["code"].to_numpy(dtype=object)
    inds = indicators["code"].to_numpy(dtype=object)
    counts = indicators["unit"].eq("NR").to_numpy()
    n_a, n_i, n_y, n_c = len(codes), len(inds), len(YEARS), len(SEXES) * len(AGES)
    totals = n_i * n_a * n_y
    if scale.observations <= totals:
        flat = np.sort(rng.choice(totals, size=scale.observations, replace=False)) * n_c
    else:
        extra = rng.choice(totals * (n_c - 1), size=scale.observations - totals, replace=False)
        extra = (extra // (n_c - 1)) * n_c + extra % (n_c - 1) + 1  # skip combination 0 (the total)
        flat = np.sort(np.concatenate([np.arange(totals) * n_c, extra]))
    rest, combo = np.divmod(flat, n_c)
    rest, y = np.divmod(rest, n_y)
    i, a = np.divmod(rest, n_a)
    s, g = np.divmod(combo, len(AGES))

    country_idx = pd.factorize(regions["country_code"])[0]
    mean = np.array([_RATE_LEVELS.get(c, (20.0, 6.0, 0.0))[0] for c in inds])
    spread = np.array([_RATE_LEVELS.get(c, (20.0, 6.0, 0.0))[1] for c in inds])
    trend = np.array([_RATE_LEVELS.get(c, (20.0, 6.0, 0.0))[2] for c in inds])
    country_eff = rng.normal(0, 1, (n_i, country_idx.max() + 1)) * spread[:, None] * 0.7
    area_eff = rng.normal(0, 1, (n_i, n_a)) * spread[:, None] * 0.5
    year = np.asarray(YEARS)[y]
    rate = (
        mean[i]
        + country_eff[i, country_idx[a]]
        + area_eff[i, a]
        + trend[i] * (year - 2015)
        + _SEX_SHIFT[s]
        + _AGE_SHIFT[g]
        + rng.normal(0, 0.6, len(flat))
    )
    growth = rng.normal(0, 0.004, country_idx.max() + 1)[country_idx]
    people = pop.reindex(codes).to_numpy()[a] * (1 + growth[a] * (year - 2015)) * _SEX_SHARE[s] * _AGE_SHARE[g]
    value = np.where(counts[i], np.round(people), np.round(np.clip(rate, 0.3, 98.0), 1))
    u = rng.random(len(flat))
    flag = np.select([u < 0.02, u < 0.035, u < 0.045], ["b", "e", "p"], "")
    return pd.DataFrame(
        {
            "indicator_code": pd.Categorical.from_codes(i, categories=inds),
            "region_code": pd.Categorical.from_codes(a, categories=codes),
            "year": year.astype(np.int32),
            "value": value,
            "flag": pd.Series(flag).replace("", None),
            "sex": pd.Categorical.from_codes(s, categories=SEXES),
            "age": pd.Categorical.from_codes(g, categories=AGES),
            "source": SOURCE,
            "vintage": "2026",
        }
    )


# --------------------------------------------------------------------------------------------------------
# projects, funding, targets
def make_projects(scale: Scale, regions: pd.DataFrame, pop: pd.Series) -> pd.DataFrame:
    """The demo generator per country (projects in proportion to its districts), programme codes per country."""
    placed = regions.assign(population=regions["code"].map(pop))
    districts = regions[regions["level"] == 3].groupby("country_code").size()
    countries = [c for c in scale.countries if c in districts.index]
    share = districts[countries] / districts[countries].sum()
    n = np.floor(share * scale.projects).astype(int)
    n.iloc[: scale.projects - n.sum()] += 1
    frames = []
    for k, cc in enumerate(countries):
        df = demo.generate_projects(placed, n=int(n[cc]), seed=scale.seed + k, country=cc)
        if cc != "BG":  # the programme structure of each country mirrors Bulgaria's, with its own CCI codes
            df["programme_code"] = df["programme_code"].str.replace("BG", cc, n=1)
        frames.append(df)
    projects = pd.concat(frames, ignore_index=True)
    width = max(6, len(str(len(projects))))
    projects["project_id"] = "DEMO-" + pd.Series(np.arange(1, len(projects) + 1)).astype(str).str.zfill(width)
    return projects


def make_funding(
    scale: Scale,
    regions: pd.DataFrame,
    bundled_programmes: pd.DataFrame,
    bundled_municipalities: pd.DataFrame,
    pop: pd.Series,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    districts = regions[(regions["level"] == 3)]
    size = districts.groupby("country_code").size()
    progs, munis = [bundled_programmes], [bundled_municipalities]
    for cc in scale.countries:
        if cc == "BG":
            continue
        p = bundled_programmes.copy()
        factor = size[cc] / 28 * rng.uniform(0.6, 1.4, len(p))
        p["programme_code"] = p["programme_code"].str.replace("BG", cc, n=1)
        p["name_en"] = p["name_en"] + f" ({cc})"
        p["name_bg"] = p["name_bg"] + f" ({cc})"
        for col in ("contracted_eur", "paid_eur", "grant_eur"):
            p[col] = np.round(p[col] * factor, 2)
        for col in ("contract_count", "beneficiary_count"):
            p[col] = np.round(p[col] * factor).astype(int)
        progs.append(p)
        own = districts[districts["country_code"] == cc]
        k = np.maximum(1, rng.poisson(scale.municipalities_per_district, len(own)))
        district = np.repeat(own["code"].to_numpy(dtype=object), k)
        number = np.concatenate([np.arange(1, m + 1) for m in k])
        shares = rng.dirichlet(np.ones(k.max()), len(own))  # population split among a district's municipalities
        people = np.concatenate([shares[r, :m] / shares[r, :m].sum() for r, m in enumerate(k)])
        people = np.maximum(500, np.round(people * np.repeat(pop.reindex(own["code"]).to_numpy(), k)))
        contracted = np.round(people * rng.lognormal(np.log(1500), 0.5, len(people)), 2)
        munis.append(
            pd.DataFrame(
                {
                    "municipality_code": [f"{d}-{j:03d}" for d, j in zip(district, number)],
                    "source_district_code": district,
                    "region_code": district,
                    "contract_count": rng.poisson(150, len(people)) + 1,
                    "contracted_eur": contracted,
                    "paid_eur": np.round(contracted * rng.uniform(0.4, 0.9, len(people)), 2),
                    "population": people.astype(int),
                    "snapshot": pd.Timestamp(SNAPSHOT),
                }
            )
        )
    return pd.concat(progs, ignore_index=True), pd.concat(munis, ignore_index=True)


def make_targets(scale: Scale, bundled: pd.DataFrame, pop: pd.Series) -> pd.DataFrame:
    rows = [bundled]
    for cc, en, bg, *_ in COUNTRIES:
        if cc in scale.countries and cc != "BG":
            rows.append(
                pd.DataFrame(
                    [
                        dict(
                            indicator_code="AROPE",
                            region_code=cc,
                            title_en=f"National 2030 target of {en} (synthetic)",
                            title_bg=f"Национална цел за 2030 г. на {bg} (синтетична)",
                            baseline_year=2019,
                            target_year=2030,
                            target_kind="change_in_people",
                            target_value=-round(float(pop[cc]) * 0.012, -3),
                            unit="persons",
                            source=SOURCE,
                            url="https://ec.europa.eu/eurostat",
                        )
                    ]
                )
            )
    return pd.concat(rows, ignore_index=True)


# --------------------------------------------------------------------------------------------------------
def _write(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, meta: DatasetMeta, path: Path) -> int:
    """Write ``frame`` as a CSV in the dataset's format (typed by the sidecar, ISO dates, true/false)."""
    con.register("_frame", frame)
    cols = ", ".join(f'cast("{c.name}" as {c.type}) as "{c.name}"' for c in meta.columns)
    target = str(path).replace("'", "''")
    con.execute(f"copy (select {cols} from _frame) to '{target}' (header, delimiter ',', quote '\"')")
    con.unregister("_frame")
    return len(frame)


def generate(scale: Scale, folder: Path) -> dict:
    """Write every dataset of the catalogue for ``scale`` into ``folder``/csv; returns counts and timings."""
    started = time.perf_counter()
    out = csv_dir(folder)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = np.random.default_rng(scale.seed)
    con = duckdb.connect()
    metas = catalog()
    bundled = {name: _read_bundled(con, meta) for name, meta in metas.items()}
    regions = make_regions(scale, bundled["regions"], rng)
    pop = _populations(regions, rng)
    frames = {
        "regions": regions,
        "indicators": bundled["indicators"],
        "indicator_eurostat": bundled["indicator_eurostat"],
        "indicator_nsi": bundled["indicator_nsi"],
        "funding_planned": bundled["funding_planned"],
        "kohesio_beneficiaries": bundled["kohesio_beneficiaries"],
        "observations": make_observations(scale, regions, bundled["indicators"], pop, rng),
        "projects": make_projects(scale, regions, pop),
        "targets": make_targets(scale, bundled["targets"], pop),
    }
    frames["funding_programmes"], frames["funding_municipalities"] = make_funding(
        scale,
        regions,
        bundled["funding_programmes"],
        bundled["funding_municipalities"][bundled["funding_municipalities"]["region_code"].isin(regions["code"])],
        pop,
        rng,
    )
    missing = set(metas) - set(frames)
    if missing:
        raise RuntimeError(f"the scale generator does not make {sorted(missing)}")
    rows = {name: _write(con, frames[name], meta, out / f"{name}.csv") for name, meta in metas.items()}
    make_upload(folder, scale.upload_rows, con)
    con.close()
    levels = regions[~regions["is_benchmark"]].groupby("level").size()
    manifest = {
        "scale": asdict(scale),
        "generator_version": GENERATOR_VERSION,
        "rows": rows,
        "areas_by_level": {str(int(k)): int(v) for k, v in levels.items()},
        "countries": int(levels.get(0, 0)),
        "seconds": round(time.perf_counter() - started, 1),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def make_upload(folder: Path, rows: int, con: duckdb.DuckDBPyConnection | None = None) -> Path:
    """A new vintage of the observations: ``rows`` rows, 10 % with changed values, some of 2026 (new)."""
    meta = catalog()["observations"]
    path = upload_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    types = ", ".join(f"'{c.name}': '{c.type}'" for c in meta.columns)
    con = con or duckdb.connect()
    source = str(csv_dir(folder) / "observations.csv")
    target = str(path).replace("'", "''")
    con.execute(
        f"""copy (
            with base as (
                select *, row_number() over () as n
                from read_csv(?, header = true, auto_detect = false, columns = {{{types}}})
                limit {int(rows)}
            )
            select indicator_code, region_code,
                   case when year = 2025 and n % 4 = 0 then 2026 else year end as year,
                   case when n % 10 = 1 then round(value + 0.1, 1) else value end as value,
                   flag, sex, age, source, case when n % 10 = 1 then '2027' else vintage end as vintage
            from base order by n
        ) to '{target}' (header, delimiter ',', quote '"')""",
        [source],
    )
    return path


def ensure_data(name: str, root: Path = DATA_ROOT, *, regenerate: bool = False) -> tuple[Path, dict]:
    """The scale folder, generated unless a complete one of the same scale and generator version exists."""
    scale = SCALES[name]
    folder = scale_dir(name, root)
    manifest_file = folder / "manifest.json"
    if not regenerate and manifest_file.exists():
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        complete = all((csv_dir(folder) / f"{m}.csv").exists() for m in catalog()) and upload_path(folder).exists()
        if complete and manifest.get("generator_version") == GENERATOR_VERSION and manifest["scale"] == asdict(scale):
            return folder, {**manifest, "reused": True}
    folder.mkdir(parents=True, exist_ok=True)
    return folder, {**generate(scale, folder), "reused": False}


def build_store(folder: Path, path: Path | store.Location | None = None) -> dict:
    """Build a store from ``folder``/csv: the bundled store (``store.open_store``), then every dataset of the
    scale folder staged (``store.stage_csv``) and published replacing the bundled rows (``store.publish``).

    ``store.build`` reads ``datasets/`` only, so this is the same work over another folder."""
    where = path if isinstance(path, store.Location) else store.embedded(Path(path or store_path(folder)))
    if where.folder is not None and where.folder.parent.exists():
        shutil.rmtree(where.folder.parent)
    t0 = time.perf_counter()
    con = store.open_store(where)
    steps = [
        {
            "step": "open_store (schema + bundled datasets)",
            "rows": None,
            "stage_s": None,
            "publish_s": round(time.perf_counter() - t0, 3),
        }
    ]
    for meta in catalog().values():
        csv = csv_dir(folder) / f"{meta.name}.csv"
        t1 = time.perf_counter()
        staged = store.stage_csv(con, meta, csv)
        t2 = time.perf_counter()
        release = store.publish(
            con,
            meta,
            staged,
            user="benchmark",
            note=f"benchmark scale data {folder.name}",
            file_name=csv.name,
            sha256=store.file_sha256(csv),
            replace=True,
        )
        t3 = time.perf_counter()
        steps.append(
            {
                "step": meta.name,
                "rows": release.rows_added + release.rows_changed + release.rows_unchanged,
                "stage_s": round(t2 - t1, 3),
                "publish_s": round(t3 - t2, 3),
            }
        )
    con.close()
    return {
        "seconds": round(time.perf_counter() - t0, 3),
        "steps": steps,
        "store_mb": round(sum(f.stat().st_size for f in Path(where.data_path).rglob("*") if f.is_file()) / 2**20, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate SYNTHETIC scale data and build a store from it.")
    parser.add_argument("--scale", choices=list(SCALES), default="small")
    parser.add_argument("--root", type=Path, default=DATA_ROOT, help="where scale folders go (git-ignored)")
    parser.add_argument("--regenerate", action="store_true", help="regenerate even if a complete folder exists")
    parser.add_argument("--no-store", action="store_true", help="write the CSVs only")
    parser.add_argument(
        "--into-configured-store", action="store_true", help="build into the store SI_STORE names (PostgreSQL)"
    )
    args = parser.parse_args(argv)
    folder, manifest = ensure_data(args.scale, args.root, regenerate=args.regenerate)
    print(json.dumps({k: v for k, v in manifest.items() if k != "scale"}))
    if not args.no_store:
        print(json.dumps(build_store(folder, store.location() if args.into_configured_store else None)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
