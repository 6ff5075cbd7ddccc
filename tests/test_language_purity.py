"""One language at a time: every page rendered in Bulgarian shows no English UI text, and in English no Cyrillic
one, apart from codes, proper names, units and the data themselves (names of areas, projects, organisations).

Text is read from what the app sends (every element's label, body, help and options, every table's headers and
cells, every chart's title, axis titles, legend, hover text, annotations and tick labels), through AppTest: no
browser needed."""

from __future__ import annotations

import json
import re
from functools import cache

import numpy as np
import pytest

from helpers import open_page, show_charts, show_tables
from si_metrics import auth
from si_metrics.chart_export import values

PAGES = [
    "pages/explore/overview.py",
    "pages/explore/poverty.py",
    "pages/explore/funding.py",
    "pages/explore/projects.py",
    "pages/explore/regions.py",
    "pages/explore/need_vs_funding.py",
    "pages/about/data_methods.py",
    "pages/staff/upload.py",
]
PERIOD = {"from": "2006", "to": "2025"}
TEXT_FIELDS = {"body", "label", "help", "options", "content", "placeholder"}  # what a reader reads of an element
# Names that are the same in both languages: producers, programmes, formats, units, software, acronyms.
PROPER = {
    "Eurostat", "NUTS", "ESF", "ESIF", "SI", "PLUS", "FUSE", "ISUN", "Kohesio", "GISCO", "SDMX", "CSV", "TSV",
    "PDF", "HTML", "ZIP", "PNG", "SVG", "UTF", "Windows", "Excel", "LibreOffice", "EUR", "PPS", "BGN", "Debian",
    "MIT", "EuroGeographics", "atanasster", "electionsbg", "SILC", "LFS", "AROPE", "NEET", "YEI", "SDG", "SDGs",
    "NSI", "OIDC", "gz", "tsv", "csv", "zip", "txt", "CC", "BY", "CC0", "LGPL", "or", "later", "iso", "codes",
    "auto", "tab", "utf", "cp", "Europe", "EU", "Open", "Data", "commit", "GitHub", "Kohesio's", "ESF+", "Observatory",
    "Focus", "BTA", "S80", "S20", "cohesiondata", "roll", "up", "json", "byProgram", "index", "muni", "map", "data",
    "funds", "projects", "English",
}  # fmt: skip
TOKEN = re.compile(r"[\w'’./@+\-]+")
LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z'’]{2,}$")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
CODE_LIKE = re.compile(r"^(?:[A-Z0-9_\-]+|[a-z0-9]+(?:_[a-z0-9]+)+|[a-z]+\d+\w*)$")  # AROPE, BG311, lead_org, tgs00107


@cache
def data_texts() -> frozenset[str]:
    """Texts that are data, not interface: metadata source titles (publication titles are proper names), area,
    indicator, programme, organisation and project names in the language they are given in."""
    import pandas as pd

    from helpers import ROOT
    from si_metrics.catalog import catalog

    texts: set[str] = set()
    for meta in catalog().values():
        for src in meta.sources:
            texts |= {src.title, src.notes}
        # Known gap: the metadata sidecars' prose (description, grain, caveats, column notes) exists in English
        # only; the Data and methods page says so in Bulgarian above it (dm_metadata_english).
        texts |= {meta.description, meta.grain, *meta.caveats, *(c.description for c in meta.columns)}
    for name, cols in (
        ("projects", ["lead_org", "title_en", "title_bg"]),
        ("regions", ["name_en", "name_bg"]),
        ("funding_programmes", ["name_en", "name_bg"]),
        ("kohesio_beneficiaries", None),
        ("observations", ["source", "vintage"]),  # each figure's source as its publisher names it
    ):
        frame = pd.read_csv(ROOT / "datasets" / f"{name}.csv", dtype=str, keep_default_na=False)
        for col in cols or [c for c in frame.columns if frame[c].dtype == object]:
            texts |= set(frame[col])
    return frozenset(t for t in texts if t)


def _strings(message, out: list[str]) -> None:
    from google.protobuf.message import Message

    for field, value in message.ListFields():
        items = value if hasattr(value, "__len__") and not isinstance(value, (str, bytes, Message)) else [value]
        for item in items:
            if isinstance(item, Message):
                _strings(item, out)
            elif isinstance(item, str) and field.name in TEXT_FIELDS:
                out.append(item)


def _figure_texts(spec: dict) -> list[str]:
    layout = spec.get("layout", {})
    texts = [layout.get("title", {}).get("text", "")]
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")):
            texts.append((axis.get("title") or {}).get("text", ""))
            texts += [str(x) for x in axis.get("ticktext", [])]
    texts += [a.get("text", "") for a in layout.get("annotations", [])]
    for trace in spec.get("data", []):
        texts += [str(trace.get("name", "")), re.sub(r"%\{[^}]*\}", " ", trace.get("hovertemplate", ""))]
        if trace.get("type") == "sankey":
            texts += [str(x) for x in trace.get("node", {}).get("label", [])]
    return texts


def _si_letters(spec: dict) -> list[str]:
    """Value axes on which Plotly would write its SI letters (50M, 2B, 20k): an English abbreviation."""
    layout = spec.get("layout", {})
    axes = {k for k in layout if k.startswith(("xaxis", "yaxis"))}
    if not any(t.get("type", "scatter") in ("scatter", "bar") for t in spec.get("data", [])):
        return []
    wrong = []
    for key in sorted(axes | {"xaxis", "yaxis"}):
        axis = layout.get(key, {})
        if axis.get("type") in ("category", "date") or axis.get("tickmode") == "array" or axis.get("tickformat"):
            continue
        letter, suffix = key[0], key[5:]
        numbers = [
            values(t.get(letter)) for t in spec.get("data", []) if (t.get(f"{letter}axis") or letter) == letter + suffix
        ]
        if not any(np.isfinite(v).any() for v in numbers):
            continue  # an axis of categories (area names, themes): no numbers to abbreviate
        if axis.get("exponentformat") != "none":
            wrong.append(f"{key} of '{layout.get('title', {}).get('text', '')[:40]}'")
    return wrong


def page_texts(at, lang: str = "en") -> list[str]:
    """Everything a reader of the page reads: element texts, table headers and cells, chart texts."""
    texts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            _strings(proto, texts)
            spec = getattr(proto, "spec", "")
            if isinstance(spec, str) and spec.startswith("{"):
                figure = json.loads(spec)
                texts.extend(_figure_texts(figure))
                if lang == "bg":
                    texts.extend(f"SI letters on {axis}" for axis in _si_letters(figure))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    for table in at.dataframe:
        frame = table.value
        texts += [str(c) for c in frame.columns]
        for col in frame.columns:
            if frame[col].dtype == object:
                texts += [v for v in frame[col].unique() if isinstance(v, str)]
    return texts


def _cleaned(text: str) -> str:
    """The text without what is never a word of either language: links, code spans, icons, markup, escapes."""
    text = re.sub(r"\]\([^)]*\)", "]", text)  # markdown link targets
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)  # commands and file names in code spans
    text = re.sub(r":material/[a-z_]+:|:[a-z]+-badge\[", " ", text)
    # the page frame's fixed script and stylesheet (ui/frame.py) are code the reader never sees
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.DOTALL | re.IGNORECASE)
    text = re.sub(r"<[^>]+>", " ", text)  # <br>, <extra></extra>
    return text.replace("\\", "")


def _latin_words(text: str) -> list[str]:
    words = []
    for token in TOKEN.findall(text):
        if token.startswith("-") or any(c.isdigit() or c in "_/.@" for c in token.strip(".")) or CODE_LIKE.match(token):
            continue  # codes, file and domain names: tgs00107, ilc_peps11n, si_metrics/demo.py, eufunds.bg
        for word in re.split(r"[-+]", token.strip("'’.")):
            known = word in PROPER or word.lower() in PROPER or CODE_LIKE.match(word)
            if LATIN_WORD.match(word) and not known:
                words.append(word)
    return words


@cache
def _data_by_length() -> tuple[str, ...]:
    """The data texts of three letters or more, longest first (so a title is removed before a name inside it)."""
    return tuple(sorted((t for t in data_texts() if len(t) >= 3), key=len, reverse=True))


def _without_data(text: str) -> str:
    for known in _data_by_length():
        if known in text:
            text = text.replace(known, " ")
    return text


def english_in(text: str) -> list[str]:
    """Latin-script words in a Bulgarian text that are neither codes, proper names nor data."""
    text = _cleaned(text)
    if text in data_texts() or not (words := set(_latin_words(text))):
        return []
    # what is left once the data are taken out; a fragment of a code cut by the removal is no word of the text
    return [w for w in _latin_words(_without_data(text)) if w in words]


# English texts that show Cyrillic on purpose: the other language's own name, and search examples in both scripts
CYRILLIC_ON_PURPOSE = ("Български", "Видин", "читалище")


def cyrillic_in(text: str) -> bool:
    """Cyrillic in an English text that is not data (a name, a source title) or shown on purpose."""
    text = _cleaned(text)
    if text in data_texts() or not CYRILLIC.search(text):
        return False
    text = _without_data(text)
    for phrase in CYRILLIC_ON_PURPOSE:
        text = text.replace(phrase, " ")
    return bool(CYRILLIC.search(text))


def _rendered(page: str, lang: str, monkeypatch, region: str = "BG") -> list:
    """The page as a visitor first sees it and with every Table tab open; the staff page as signed-in staff see it
    (signed in before the first run, as the sign-in form leaves it)."""
    from streamlit.testing.v1 import AppTest

    from helpers import ROOT
    from ui.auth import LOCAL_USER_KEY

    if not page.endswith("upload.py"):
        params = dict(lang=lang, region=region, **PERIOD)
        return [show_charts(open_page(page, **params)), show_tables(open_page(page, **params))]
    monkeypatch.setenv("SI_STAFF_ACCOUNTS", "maria:" + auth.hash_password("s3cret-Pass"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = lang
    at.query_params["region"] = region
    at.session_state[LOCAL_USER_KEY] = "maria"
    at.run()
    for key in [
        k for k in at.query_params if k not in ("lang", "region")
    ]:  # the Overview's own settings, as navigation drops them
        del at.query_params[key]
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return [at]


def _leaks(page: str, lang: str, monkeypatch, region: str = "BG") -> dict[str, list[str]]:
    from si_metrics import store
    from ui import data

    history = store.release_history(data.connection())
    # who published and why are typed by staff (or the loader): data, in whatever language they were written
    typed = {"maria"} | {str(v) for v in [*history["user_name"], *history["note"]] if isinstance(v, str) and v}
    found: dict[str, list[str]] = {}
    for at in _rendered(page, lang, monkeypatch, region):
        for shown in page_texts(at, lang):
            text = shown
            for value in sorted(typed, key=len, reverse=True):  # a note before a shorter one inside it
                text = text.replace(value, " ")
            if lang == "bg" and (words := english_in(text)):
                found.setdefault(text[:160], words)
            if lang == "en" and cyrillic_in(text):
                found.setdefault(text[:160], [])
    return found


@pytest.mark.parametrize("region", ["BG", "BG311"])  # the country, and a district (other figures and charts)
@pytest.mark.parametrize("page", PAGES)
def test_bulgarian_pages_show_no_english(con, monkeypatch, page, region):
    assert _leaks(page, "bg", monkeypatch, region) == {}


@pytest.mark.parametrize("page", PAGES)
def test_english_pages_show_no_cyrillic(con, monkeypatch, page):
    assert _leaks(page, "en", monkeypatch) == {}


def test_the_checker_catches_english_in_bulgarian_and_cyrillic_in_english():
    """The checks above can fail: an English sentence, an internal code as a word and a Bulgarian phrase are found."""
    assert english_in("Извън обхвата: a value outside its allowed range") == [
        "value",
        "outside",
        "its",
        "allowed",
        "range",
    ]
    assert english_in("Източник: Евростат · NUTS 2 · AROPE_EU2020 · BG311") == []
    assert english_in("50M") == [] and english_in("Download CSV") == ["Download"]
    assert cyrillic_in("Poverty in the district (област)") and not cyrillic_in("Vidin · BG311")
    assert not cyrillic_in("Фондация „Социален хоризонт – Кюстендил“")  # an organisation's name is data
