"""Rebuild the source-derived CSVs in datasets/ from the raw public files in datasets/sources/.

    python scripts/build_datasets.py [--sources datasets/sources] [--out datasets]

The bundled CSVs are committed; this script is their provenance: it reads the untouched public files
(Eurostat, NSI, ISUN 2020 transcriptions; datasets/sources/MANIFEST.csv says where each came from) and writes our
tidy formats. NSI tables are read by the same reader staff uploads go through (si_metrics.ingest.nsi).
tests/test_bundled_data.py reruns it and requires byte-identical output. Hand-authored datasets
(indicators, indicator_eurostat, targets) and the synthetic projects (si_metrics/demo.py) are not
written here.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from pathlib import Path

import pandas as pd

from si_metrics.ingest import isun, nsi
from si_metrics.ingest.eurostat import read_sdmx_csv, read_tsv
from si_metrics.ingest.reading import Detected, ReadOptions
from si_metrics.ingest.resolve import Context

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
# The NSI tables bundled, in the order their rows are added; a key Eurostat already gives keeps Eurostat's row.
NSI_TABLES = (
    "nsi1011_LFS_A_KB_sex_obl_statreg",
    "nsi319_PEPS01",
    "nsi176_ov_1a",
    "nsi202_SI_C6",
    "nsi169_ov_1",
    "nsi300_OV_2",
)
NSI_VINTAGE = "2026-02"

# Tile-grid positions (row, column), north at the top, so that neighbours stay neighbours.
NUTS2_TILES = {"BG31": (0, 0), "BG32": (0, 1), "BG33": (0, 2), "BG41": (1, 0), "BG42": (1, 1), "BG34": (1, 2)}
NUTS3_TILES = {
    "BG311": (0, 0),
    "BG312": (0, 1),
    "BG313": (0, 2),
    "BG314": (0, 3),
    "BG323": (0, 4),
    "BG324": (0, 5),
    "BG325": (0, 6),
    "BG332": (0, 7),
    "BG414": (1, 0),
    "BG411": (1, 1),
    "BG412": (1, 2),
    "BG315": (1, 3),
    "BG321": (1, 4),
    "BG334": (1, 5),
    "BG333": (1, 6),
    "BG331": (1, 7),
    "BG415": (2, 0),
    "BG423": (2, 1),
    "BG421": (2, 2),
    "BG322": (2, 3),
    "BG344": (2, 4),
    "BG342": (2, 5),
    "BG343": (2, 6),
    "BG341": (2, 7),
    "BG413": (3, 0),
    "BG424": (3, 1),
    "BG425": (3, 2),
    "BG422": (3, 3),
}
EU = {
    "code": "EU27_2020",
    "name_en": "European Union (27 countries, from 2020)",
    "name_bg": "Европейски съюз (27 държави, от 2020 г.)",
}


def fmt(value: float) -> str:
    """Shortest exact text for a number: 52.5, 1295931."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def build_regions(ref: Path) -> list[list]:
    geo = json.loads((ref / "NUTS_RG_20M_2021_4326_BG_levels0-3.geojson").read_text(encoding="utf-8"))
    props = {f["properties"]["NUTS_ID"]: f["properties"] for f in geo["features"]}
    with (ref / "bg_nuts2021_names_iso3166-2.csv").open(encoding="utf-8") as fh:
        districts = {r["nuts3_code"]: r for r in csv.DictReader(fh)}
    area = read_tsv(ref / "estat_reg_area3_BG.tsv")
    area_year = int(area["year"].max())
    latest_area = area[area["year"] == area_year].set_index("geo")["value"]
    rows = []
    for code, p in sorted(props.items(), key=lambda kv: (kv[1]["LEVL_CODE"], kv[0])):
        level = int(p["LEVL_CODE"])
        parent = "" if level == 0 else code[:-1]
        d = districts.get(code)
        name_en = d["nuts3_name_latn"] if d else p["NAME_LATN"].strip()
        name_bg = d["nuts3_name_bg"] if d else p["NUTS_NAME"].strip()
        tile = NUTS2_TILES.get(code) or NUTS3_TILES.get(code) or ("", "")
        rows.append(
            [
                code,
                level,
                parent,
                "BG",
                name_en,
                name_bg,
                d["iso_3166_2"] if d else "",
                fmt(latest_area[code]),
                area_year,
                *tile,
                "false",
            ]
        )
    rows.append([EU["code"], 0, "", "EU", EU["name_en"], EU["name_bg"], "", "", "", "", "", "true"])
    return rows


def build_observations(ref: Path) -> list[list]:
    out: list[list] = []

    def add(code, frame, source, vintage, sex="T", age="TOTAL"):
        for r in frame.itertuples(index=False):
            if r.value == r.value:  # skip NaN (":" missing in the source)
                out.append(
                    [
                        code,
                        r.geo,
                        r.year,
                        fmt(r.value),
                        r.flag,
                        getattr(r, "sex", sex),
                        getattr(r, "age", age),
                        source,
                        vintage,
                    ]
                )

    tgs = read_tsv(ref / "estat_tgs00107_vintage2018_BG.tsv").rename(columns={"geo\\time": "geo"})
    add("AROPE_EU2020", tgs, "Eurostat tgs00107", "2018")
    peps = read_tsv(ref / "estat_ilc_peps11_vintage2017.tsv")
    peps = peps[peps["geo"].str.startswith("BG") & (peps["unit"] == "PC_POP")]
    # tgs00107 covers 2007-2017 and equals ilc_peps11 where both exist; ilc_peps11 adds 2006.
    add("AROPE_EU2020", peps[peps["year"] < tgs["year"].min()], "Eurostat ilc_peps11", "2017")
    smd = read_tsv(ref / "estat_ilc_mddd21_vintage2017.tsv")
    add("SMD", smd[smd["geo"].str.startswith("BG") & (smd["unit"] == "PC_POP")], "Eurostat ilc_mddd21", "2017")
    unemp = read_sdmx_csv(ref / "estat_tgs00010_unemployment_rate_nuts2_BG.csv")
    add("UNEMP", unemp.drop(columns=["sex", "age"]), "Eurostat tgs00010 (SDMX-CSV 2.0)", "2026-02")
    pop = read_tsv(ref / "estat_demo_r_pjanaggr3_BG.tsv").rename(columns={"geo\\TIME_PERIOD": "geo"})
    add("POP", pop[pop["unit"] == "NR"], "Eurostat demo_r_pjanaggr3", "2026-04")
    with (ref / "eurostat_2024_nuts2_press_reported.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out.append(
                [
                    r["indicator"],
                    r["geo"],
                    int(r["year"]),
                    r["value"],
                    "",
                    "T",
                    "TOTAL",
                    f"Eurostat {r['eurostat_dataset']} as reported: {r['source']}",
                    "2025",
                ]
            )
    out += nsi_observations(ref, {(r[0], r[1], r[2], r[5], r[6]): r[3] for r in out})
    out.sort(key=lambda r: (r[0], r[1], r[5], r[6], r[2]))
    return out


def nsi_context() -> Context:
    """The catalogue the NSI reader maps tables with: the bundled indicators and indicator_nsi."""
    text = {"dtype": str, "keep_default_na": False}
    indicators = pd.read_csv(DATASETS / "indicators.csv", **text)
    mapping = pd.read_csv(DATASETS / "indicator_nsi.csv", **text)
    return Context(pd.DataFrame(columns=["code"]), indicators, pd.DataFrame(), mapping)


def nsi_observations(ref: Path, known: dict[tuple, str]) -> list[list]:
    """The bundled NSI tables as observation rows, each value exactly as NSI gives it (flag u for values in
    parentheses). A key a Eurostat file already gives keeps Eurostat's row (its own vintage and flags): the two
    differ only where one of them was revised, and the build says how often."""
    ctx, rows, differ = nsi_context(), [], Counter()
    for stem in NSI_TABLES:
        folder = ref / "nsi"
        companions = {p: (folder / f"{stem}-{p}.csv").read_bytes() for p in nsi.PARTS[1:]}
        detected = Detected()
        reading = nsi.read_nsi(
            (folder / f"{stem}-data.csv").read_bytes(),
            f"{stem}-data.csv",
            companions,
            ctx,
            ReadOptions(snapshot=NSI_VINTAGE),
            detected,
            10**7,
        )
        if reading.problems:
            raise ValueError(f"{stem}: {reading.problems[0]}")
        for r in reading.frame.itertuples(index=False):
            key = (r.indicator_code, r.region_code, int(r.year), r.sex, r.age)
            value = fmt(float(r.value))
            if key in known:
                differ[(key[0], float(known[key]) == float(value))] += 1
                continue
            known[key] = value
            rows.append([*key[:3], value, r.flag, r.sex, r.age, r.source, NSI_VINTAGE])
    for (code, same), n in sorted(differ.items()):
        print(f"{code}: {n} NSI values {'equal' if same else 'differ from'} Eurostat's; Eurostat's kept")
    return rows


def build_funding(ref: Path) -> tuple[list[list], list[list]]:
    """The two ИСУН extracts as funding_programmes and funding_municipalities rows (the mapping uploads use too)."""
    with (ref / "isun_programme_totals.csv").open(encoding="utf-8") as fh:
        programmes = [list(isun.programme_row(r, isun.ISUN_SNAPSHOT).values()) for r in csv.DictReader(fh)]
    with (ref / "isun_eu_funds_by_municipality.csv").open(encoding="utf-8") as fh:
        munis = [list(isun.municipality_row(r, isun.ISUN_SNAPSHOT).values()) for r in csv.DictReader(fh)]
    return programmes, sorted(munis)


PLANNED_COLUMNS = [
    "source_line",
    "programme_code",
    "programme_title",
    "fund",
    "priority",
    "thematic_objective_code",
    "thematic_objective",
    "category_of_region",
    "eafrd_measure",
    "eafrd_focus_area",
    "eu_amount_eur",
    "national_amount_eur",
    "total_amount_eur",
    "vintage",
]
BENEFICIARY_COLUMNS = [
    "source_line",
    "region_code",
    "beneficiary_name",
    "beneficiary_name_latin",
    "total_budget_eur",
    "eu_contribution_eur",
    "projects",
    "snapshot",
]
# Kohesio's district labels (partly English, partly Cyrillic, as its API returned them) → NUTS 3
KOHESIO_DISTRICTS = {
    "Blagoevgrad Province": "BG413",
    "Gabrovo Province": "BG322",
    "Kyustendil Province": "BG415",
    "Lovech Province": "BG315",
    "Montana Province": "BG312",
    "Pernik Province": "BG414",
    "Pleven Province": "BG314",
    "Plovdiv region": "BG421",
    "Razgrad Province": "BG324",
    "Ruse Province": "BG323",
    "Shumen Province": "BG333",
    "Silistra Province": "BG325",
    "Sliven Province": "BG342",
    "Smolyan Province": "BG424",
    "Sofia Province": "BG412",
    "Stara Zagora Province": "BG344",
    "Бургас": "BG341",
    "Варна": "BG331",
    "Велико Търново": "BG321",
    "Видин": "BG311",
    "Враца": "BG313",
    "Добрич": "BG332",
    "Кърджали": "BG425",
    "Пазарджик": "BG423",
    "София (столица)": "BG411",
    "Търговище": "BG334",
    "Хасково": "BG422",
    "Ямбол": "BG343",
}


def _void(text: str) -> str:
    """The platform writes VOID where a field does not apply (EAFRD fields of other funds)."""
    return "" if text.strip() == "VOID" else text.strip()


def build_planned(ref: Path) -> list[list]:
    """The ESIF 2014-2020 plan for Bulgaria (cohesiondata), one row per programme, fund, priority and objective."""
    rows = []
    with (ref / "cohesiondata_ESIF_2014-2020_planned_BG_2019-04-11.csv").open(encoding="utf-8", newline="") as fh:
        for number, r in enumerate(csv.DictReader(fh), start=2):  # the platform's rows have no key of their own
            rows.append(
                [
                    number,
                    r["CCI"],
                    " ".join(r["Programme Title"].split()),
                    r["Fund"],
                    r["Priority"],
                    _void(r["TO_code"]),
                    _void(r["To short"]),
                    _void(r["Category of region"]),
                    _void(r["EAFRD Measure code"]),
                    _void(r["EAFRD Focus Area code"]),
                    fmt(float(r["EU Amount"])),
                    fmt(float(r["National Amount"])),
                    fmt(float(r["Total Amount"])),
                    "2019-04-11",
                ]
            )
    return rows


def build_beneficiaries(ref: Path) -> list[list]:
    """Kohesio's beneficiaries by district, every row of the (partial) export with its line in the source file."""
    rows = []
    with (ref / "kohesio_beneficiaries_BG_2023-01_partial.tsv").open(encoding="utf-8", newline="") as fh:
        lines = fh.read().split("\n")
    header = lines[0].rstrip("\r").split("\t")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        r = dict(zip(header, line.rstrip("\r").split("\t")))  # names keep their own quotes: no CSV quoting here
        rows.append(
            [
                number,
                KOHESIO_DISTRICTS[r["Region"]],
                r["Beneficiary Name"].strip(),
                r["Transliterated Name"].strip(),
                fmt(float(r["Total Budget"])) if r["Total Budget"].strip() else "",  # 3 rows give no amounts
                fmt(float(r["EU Contribution"])) if r["EU Contribution"].strip() else "",
                int(r["Number of Projects"]),
                "2023-01-11",
            ]
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=Path, default=DATASETS / "sources", help="the raw public files")
    ap.add_argument("--out", type=Path, default=DATASETS)
    args = ap.parse_args(argv)
    ref, out = args.sources, args.out
    out.mkdir(parents=True, exist_ok=True)
    write_csv(
        out / "regions.csv",
        [
            "code",
            "level",
            "parent_code",
            "country_code",
            "name_en",
            "name_bg",
            "iso_3166_2",
            "area_km2",
            "area_year",
            "tile_row",
            "tile_col",
            "is_benchmark",
        ],
        build_regions(ref),
    )
    write_csv(
        out / "observations.csv",
        ["indicator_code", "region_code", "year", "value", "flag", "sex", "age", "source", "vintage"],
        build_observations(ref),
    )
    programmes, munis = build_funding(ref)
    write_csv(out / "funding_programmes.csv", list(isun.COLUMNS[isun.PROGRAMMES]), programmes)
    write_csv(out / "funding_municipalities.csv", list(isun.COLUMNS[isun.MUNICIPALITIES]), munis)
    write_csv(out / "funding_planned.csv", PLANNED_COLUMNS, build_planned(ref))
    write_csv(out / "kohesio_beneficiaries.csv", BENEFICIARY_COLUMNS, build_beneficiaries(ref))
    print(
        "wrote regions, observations, funding_programmes, funding_municipalities, funding_planned, "
        f"kohesio_beneficiaries to {out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
