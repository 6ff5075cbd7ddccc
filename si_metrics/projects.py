"""Demo projects: Bulgarian transliteration, the search key, and the figures and tables the Projects page shows.

Search works on one Latin key for both scripts: lower-case, transliterated with the Streamlined System of the
Bulgarian Transliteration Act (2009), diacritics stripped, anything that is not a letter or digit turned into
one space. ``projects_list.sql`` / ``projects_summary.sql`` build the same key in DuckDB (``translate`` +
``replace``), so nothing is precomputed per row in Python and the query is always a bound parameter.
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np
import pandas as pd

from . import charts
from .demo import AS_OF
from .i18n import format_date, format_money, format_number, label_each, translate
from .vocab import SECTORS, STATUSES, THEMES

NO_PROGRAMME = "none"  # the programme filter's value for national or private-foundation funding
MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 10  # more words than this narrow nothing further and only cost time
SMALL_COUNT = 10  # a count axis up to this gets a tick per project
CROSS_SECTOR_MIN = 2  # cross-sector: {lead sector} ∪ partner sectors covers at least two of the three sectors

# Transliteration Act 2009 (Закон за транслитерацията), Streamlined System; ѝ is и with a stress mark.
CYRILLIC_TO_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sht",
    "ъ": "a",
    "ь": "y",
    "ю": "yu",
    "я": "ya",
    "ѝ": "i",
}
# The Act's exception: the country's name is written "Bulgaria", not "Balgaria".
COUNTRY_CYRILLIC, COUNTRY_LATIN = "българия", "Bulgaria"
_COUNTRY = re.compile(rf"(?<![^\W\d_]){COUNTRY_CYRILLIC}(?![^\W\d_])", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")  # the same as [^\p{L}\p{N}]+ in the SQL
_IYA_AT_WORD_END = re.compile(r"iya(?= |$)")


def _letter_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isalpha()


def _transliterate_letters(text: str) -> str:
    out = []
    for i, ch in enumerate(text):
        low = ch.lower()
        latin = CYRILLIC_TO_LATIN.get(low)
        if latin is None:
            out.append(ch)
            continue
        if low == "я" and i > 0 and text[i - 1].lower() == "и" and not _letter_at(text, i + 1):
            latin = "a"
        if ch != low:  # capital: "Щ" → "Sht" in a word, "SHT" in an all-capitals word
            nxt, prev = text[i + 1 : i + 2], text[i - 1 : i] if i else ""
            caps = nxt.isupper() or (not nxt.isalpha() and prev.isupper())
            latin = latin.upper() if caps else latin.capitalize()
        out.append(latin)
    return "".join(out)


def transliterate(text: str) -> str:
    """Bulgarian Cyrillic → Latin by the 2009 Act ("ия" at a word end → "ia", България → Bulgaria)."""
    parts, last = [], 0
    for m in _COUNTRY.finditer(text):
        word = m.group()
        parts += [
            _transliterate_letters(text[last : m.start()]),
            COUNTRY_LATIN.upper() if word.isupper() else COUNTRY_LATIN if word[0].isupper() else COUNTRY_LATIN.lower(),
        ]
        last = m.end()
    return "".join(parts) + _transliterate_letters(text[last:])


def search_key(text: str) -> str:
    """The Latin key both a query and the searched text are reduced to: 'Видин' and 'VIDIN ' → 'vidin'."""
    lowered = unicodedata.normalize("NFC", str(text)).lower().replace(COUNTRY_CYRILLIC, COUNTRY_LATIN.lower())
    latin = "".join(CYRILLIC_TO_LATIN.get(c, c) for c in lowered)
    plain = "".join(c for c in unicodedata.normalize("NFD", latin) if not unicodedata.combining(c))
    words = _NOT_WORD.sub(" ", plain).strip()
    # the Act writes a final "ия" as "ia"; folding "iya" at a word end also lets "Sofiya" find "София"
    return _IYA_AT_WORD_END.sub("ia", words)


def search_words(query: str | None) -> list[str]:
    """The query's distinct key words (at most MAX_QUERY_WORDS of the first MAX_QUERY_CHARS characters)."""
    words = search_key((query or "")[:MAX_QUERY_CHARS]).split()
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]


def split_list(value: object) -> list[str]:
    """'a;b' → ['a', 'b']; empty or missing → []."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return [v for v in str(value).split(";") if v]


def is_cross_sector(lead_sector: str, partner_sectors: object) -> bool:
    """Partners from at least two of public/private/social, counting the lead's own sector."""
    return len({lead_sector, *split_list(partner_sectors)}) >= CROSS_SECTOR_MIN


def reach_pct(reached: float, target: float) -> float | None:
    return reached / target * 100 if target else None


def cost_per_beneficiary(budget: float, reached: float) -> float | None:
    """Budget ÷ people reached; None while nobody has been reached."""
    return budget / reached if reached else None


# ---- what the Projects page shows (pure: frames and strings in the requested language) -------------------

FUND_KEYS = {"ESF+": "esf_plus", "ESF": "esf", "national": "national", "private_foundation": "private_foundation"}


def _missing(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def label(lang: str, kind: str, code: object) -> str:
    """Translated label of a coded value; kind is theme, status, sector, org, group, sdg or fund."""
    if _missing(code):
        return "–"
    if kind == "theme":
        return translate(lang, f"theme_{code}")
    if kind == "fund":
        return translate(lang, f"projects_fund_{FUND_KEYS[code]}") if code in FUND_KEYS else str(code)
    return translate(lang, f"projects_{kind}_{code}")


def programme_label(lang: str, code: str | None, name_en: object = None, name_bg: object = None) -> str:
    """'Education 2021-2027 (2021BG05SFPR001)'; the bare code when the register has no name for it."""
    if _missing(code) or code == NO_PROGRAMME:
        return translate(lang, "projects_programme_none")
    name = name_bg if lang == "bg" else name_en
    return str(code) if _missing(name) else f"{name} ({code})"


def headline(summary: pd.DataFrame) -> dict[str, float | int | None]:
    """KPI figures from ``projects_summary`` rows; only projects running during the period count."""
    running = summary[summary["in_period"].astype(bool)]
    projects = int(running["projects"].sum())
    cross = int(running["cross_sector_projects"].sum())
    return {
        "projects": projects,
        "eu_contribution_eur": float(running["eu_contribution_eur"].sum()),
        "beneficiaries_reached": int(running["beneficiaries_reached"].sum()),
        "cross_sector_projects": cross,
        "cross_sector_share_pct": cross / projects * 100 if projects else None,
        "starting_after_period": int(summary.loc[summary["starts_after"].astype(bool), "projects"].sum()),
    }


def _totals(records: list[dict], keys: tuple[str, ...], value: str, orders: tuple) -> list[tuple]:
    """Sums of ``value`` by ``keys`` over summary records, as (*key values, total) in the given code orders (the
    last key first; unknown codes last, alphabetically). The summary has about 100 rows: plain Python is
    several times faster here than pandas groupby and sort."""
    sums: dict[tuple, float] = {}
    for r in records:
        k = tuple(r[key] for key in keys)
        sums[k] = sums.get(k, 0) + r[value]
    ranks = [{c: i for i, c in enumerate(order)} for order in orders]

    def rank(k: tuple) -> tuple:
        return (*(ranks[i].get(k[i], math.inf) for i in reversed(range(len(keys)))), *k)

    return [(*k, sums[k]) for k in sorted(sums, key=rank)]


def chart_frames(summary: pd.DataFrame, lang: str, area: str, year_from: int, year_to: int) -> list[tuple]:
    """(figure, plotted table, key) per chart: projects by theme and status, by status, EU money by lead sector."""
    running = summary[summary["in_period"].astype(bool)].to_dict("records")
    period = f"{year_from}–{year_to}"
    c_theme, c_status, c_sector, c_n, c_eu = (
        translate(lang, f"projects_col_{k}") for k in ("theme", "status", "sector", "projects", "eu_eur")
    )
    by_theme = _totals(running, ("theme", "status"), "projects", (THEMES, STATUSES))  # stack order = status order
    theme_table = pd.DataFrame(
        {
            c_theme: [label(lang, "theme", t) for t, _, _ in by_theme],
            c_status: [label(lang, "status", s) for _, s, _ in by_theme],
            c_n: np.array([n for _, _, n in by_theme], dtype="int64"),
        }
    )
    by_status = _totals(running, ("status",), "projects", (STATUSES,))
    status_table = pd.DataFrame(
        {
            c_status: [label(lang, "status", s) for s, _ in by_status],
            c_n: np.array([n for _, n in by_status], dtype="int64"),
        }
    )
    by_sector = _totals(running, ("lead_sector",), "eu_contribution_eur", (SECTORS,))
    sector_table = pd.DataFrame(
        {
            c_sector: [label(lang, "sector", s) for s, _ in by_sector],
            c_eu: np.array([v for _, v in by_sector], dtype="float64").round(2),
        }
    )

    def title(key: str) -> str:
        return translate(lang, f"projects_chart_{key}", area=area, period=period)

    def whole_ticks(most: float) -> dict:  # counts are whole numbers: no 0.5 ticks on a short axis
        return dict(xaxis=dict(dtick=1)) if most <= SMALL_COUNT else {}

    per_theme: dict[str, float] = {}
    for t, _, n in by_theme:
        per_theme[t] = per_theme.get(t, 0) + n
    # keep the themes in their usual order whichever status comes first; the legend below the axis title
    theme_layout = dict(
        yaxis=dict(categoryorder="array", categoryarray=[label(lang, "theme", c) for c in THEMES]),
        legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", traceorder="normal"),
        margin=dict(b=40),
        height=190 + 28 * len(per_theme),
        **whole_ticks(max(per_theme.values(), default=math.inf)),
    )
    theme_fig = charts.bars(
        theme_table,
        x=c_theme,
        y=c_n,
        colour=c_status,
        lang=lang,
        value_label=c_n,
        title=title("theme"),
        layout=theme_layout,
    )
    status_fig = charts.bars(
        status_table,
        x=c_status,
        y=c_n,
        lang=lang,
        value_label=c_n,
        title=title("status"),
        layout=whole_ticks(max((n for _, n in by_status), default=math.inf)),
    )
    return [
        (theme_fig, theme_table, "theme"),
        (status_fig, status_table, "status"),
        (
            charts.bars(sector_table, x=c_sector, y=c_eu, lang=lang, value_label=c_eu, title=title("sector")),
            sector_table,
            "sector",
        ),
    ]


def project_choices(frames: list[pd.DataFrame], lang: str, none: str) -> dict[str, str]:
    """Options of the project picker: '' (none) then 'ID · title' for every project in the given frames."""
    choices = {"": none}
    for frame in frames:
        choices.update({i: f"{i} · {title}" for i, title in zip(frame["project_id"], frame[f"title_{lang}"])})
    return choices


def partners_text(count: float | None, sectors: object, lang: str) -> str:
    """A project's partners as the data name them: how many organisations and from which sectors."""
    n = 0 if count is None or pd.isna(count) else int(count)
    if n == 0:
        return translate(lang, "projects_no_partners")
    named = ", ".join(label(lang, "sector", s) for s in split_list(sectors))
    return translate(lang, "projects_partners_cell", count=format_number(n, lang), sectors=named or "–")


def table_view(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The project list in the current language (title, area, labels) under translated headers; ID first."""
    bg = lang == "bg"
    reach = [reach_pct(r, t) for r, t in zip(rows["beneficiaries_reached"], rows["beneficiaries_target"])]
    columns = {
        "id": rows["project_id"],
        "title": rows["title_bg" if bg else "title_en"],
        "lead": rows["lead_org"],
        "partners": [partners_text(n, s, lang) for n, s in zip(rows["partner_count"], rows["partner_sectors"])],
        "area": rows["region_bg" if bg else "region_en"],
        "theme": label_each(rows["theme"], lambda c: label(lang, "theme", c)),
        "status": label_each(rows["status"], lambda c: label(lang, "status", c)),
        "eu_eur": rows["eu_contribution_eur"],
        "reached": rows["beneficiaries_reached"],
        "target": rows["beneficiaries_target"],
        "reach_pct": pd.Series(reach, index=rows.index, dtype="float64"),
    }
    return pd.DataFrame({translate(lang, f"projects_col_{k}"): v for k, v in columns.items()}, index=rows.index)


def detail_fields(p: dict, lang: str) -> pd.DataFrame:
    """Every field of one project (a ``projects_detail`` row) as translated label → value shown."""
    bg = lang == "bg"
    as_of = format_date(AS_OF, lang)
    partners = ", ".join(label(lang, "sector", s) for s in split_list(p.get("partner_sectors")))
    cross = is_cross_sector(p["lead_sector"], p.get("partner_sectors"))
    fields = [
        ("id", p["project_id"]),
        ("title_en", p["title_en"]),
        ("title_bg", p["title_bg"]),
        ("lead", p["lead_org"]),
        ("org_type", label(lang, "org", p["lead_org_type"])),
        ("lead_sector", label(lang, "sector", p["lead_sector"])),
        ("partner_sectors", partners or translate(lang, "projects_no_partners")),
        ("partner_count", format_number(p["partner_count"], lang)),
        ("cross_sector", translate(lang, "projects_yes" if cross else "projects_no")),
        ("area", f"{p['region_bg' if bg else 'region_en']} ({p['region_code']})"),
        ("theme", label(lang, "theme", p["theme"])),
        ("target_groups", ", ".join(label(lang, "group", g) for g in split_list(p["target_groups"]))),
        ("programme", programme_label(lang, p.get("programme_code"), p.get("programme_en"), p.get("programme_bg"))),
        ("fund", label(lang, "fund", p["fund"])),
        ("start", format_date(pd.Timestamp(p["start_date"]).date(), lang)),
        ("end", format_date(pd.Timestamp(p["end_date"]).date(), lang)),
        ("status", label(lang, "status", p["status"])),
        ("budget", format_money(p["budget_eur"], lang, compact=False)),
        ("eu_contribution", format_money(p["eu_contribution_eur"], lang, compact=False)),
        ("paid", format_money(p["paid_eur"], lang, compact=False)),
        ("target", format_number(p["beneficiaries_target"], lang)),
        ("reached", format_number(p["beneficiaries_reached"], lang)),
        ("sdgs", "; ".join(f"{g} {label(lang, 'sdg', g)}" for g in split_list(p["sdgs"]))),
        ("synthetic", translate(lang, "projects_synthetic_value")),
    ]
    return pd.DataFrame(
        {
            translate(lang, "projects_col_field"): [
                translate(lang, f"projects_field_{k}", as_of=as_of) for k, _ in fields
            ],
            translate(lang, "projects_col_value"): [str(v) for _, v in fields],
        }
    )
