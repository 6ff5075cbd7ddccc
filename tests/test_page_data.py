"""Data and methods page: the catalogue from metadata, release history, definitions, in both languages."""

from __future__ import annotations

import csv

from helpers import ROOT, open_page

PAGE = "pages/about/data_methods.py"


def rows(name: str) -> int:
    with (ROOT / "datasets" / f"{name}.csv").open(encoding="utf-8") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def test_catalogue_release_history_and_citation_in_english(con):
    at = open_page(PAGE)
    labels = [e.label for e in at.expander]
    assert f"Indicator observations — {rows('observations'):,} rows" in labels
    assert f"Regions (NUTS 2021) — {rows('regions')} rows" in labels
    assert any(label.startswith("Social-innovation projects") and label.endswith("2,000 rows") for label in labels)
    indicators = at.dataframe[len(labels)].value.set_index("Code")  # one column table per dataset, then indicators
    assert indicators.loc["AROPE_EU2020", "Years"] == "2006–2017"
    assert indicators.loc["NEET", "Years"] == "no data yet"
    assert "ilc_lvhl21 [unit=PC_Y_LT60]" in indicators.loc["LWI", "Eurostat datasets"]
    history = at.dataframe[-1].value
    assert list(history["Release"]) == sorted(history["Release"], reverse=True)  # newest first
    initial = history[history["Kind"] == "initial load"]  # the kind in words, not its code
    assert sorted(initial["Release"]) == list(range(1, len(labels) + 1))  # one initial load per dataset
    assert set(initial["By"]) == {"system"}
    assert at.code[0].value.startswith("SI Observatory (")


def test_in_bulgarian(con):
    at = open_page(PAGE, lang="bg")
    assert at.title[0].value == "Данни и методи"
    assert f"Стойности на показателите — {rows('observations'):,} реда".replace(",", "\u00a0") in [
        e.label for e in at.expander
    ]
    assert at.code[0].value.startswith("Обсерватория за социални иновации (")
