"""Message catalogue (English, Bulgarian) and locale formats for numbers, money and dates."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

LANGUAGES = ("en", "bg")
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
# Bulgarian groups thousands with a (no-break) space and uses a decimal comma (БДС / CLDR bg).
_SEPARATORS = {"en": (",", "."), "bg": ("\u00a0", ",")}


@cache
def messages(lang: str) -> dict[str, str]:
    """All messages of one language: locales/<lang>/*.json merged (one file per page or part)."""
    merged: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        clash = set(part) & set(merged)
        if clash:
            raise ValueError(f"{path.name} repeats message keys defined elsewhere: {sorted(clash)}")
        merged.update(part)
    return merged


def normalise_language(value: str | None) -> str | None:
    """'bg', 'bg-BG', 'BG_bg' → 'bg'; None for anything not supported."""
    if not value:
        return None
    code = str(value).strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def label_each(codes: pd.Series, label: Callable[[Any], object]) -> pd.Series:
    """``label`` of every code of ``codes`` (a pandas Series), called once per distinct code: the frames hold up to
    thousands of rows of a few codes."""
    return codes.map({c: label(c) for c in codes.unique()})


def translate(lang: str, key: str, **values: object) -> str:
    """The message for ``key`` in ``lang`` with ``{placeholders}`` filled; English if missing."""
    text = messages(lang).get(key) or messages(DEFAULT_LANGUAGE)[key]
    return text.format(**values) if values else text


def format_number(value: float | int | None, lang: str, decimals: int = 0) -> str:
    """1234.5 → '1,234.5' (en) or '1 234,5' (bg, no-break space); None/NaN → '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    group, point = _SEPARATORS.get(lang, _SEPARATORS["en"])
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", point).replace("\0", group)


def format_percent(value: float | None, lang: str, decimals: int = 1) -> str:
    """20.1 → '20.1%' (en) or '20,1 %' (bg)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_number(value, lang, decimals) + ("\u00a0%" if lang == "bg" else "%")


def format_money(value: float | None, lang: str, compact: bool = True) -> str:
    """Euros: 2407693246.7 → 'EUR 2.41 bn' (en) or '2,41 млрд. евро' (bg); 4006.1 → 'EUR 4,006' not compact."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    for size, key in ((1e9, "money_bn"), (1e6, "money_m"), (1e3, "money_k")):
        if compact and abs(value) >= size:
            return translate(lang, key, amount=format_number(value / size, lang, 2))
    return translate(lang, "money_unit", amount=format_number(value, lang, 0))


def format_date(value: dt.date | None, lang: str) -> str:
    """2026-08-24 → '24 Aug 2026' (en) or '24.08.2026 г.' (bg)."""
    if value is None:
        return "–"
    if lang == "bg":
        return f"{value:%d.%m.%Y} г."
    return f"{value.day} {value:%b %Y}"


def age_label(code: str, lang: str) -> str:
    """An age group's name: the catalogue's own where it has one (age_<code>), else read from the Eurostat code
    (Y_LT18 → under 18, Y18-64 → 18–64, Y_GE65 → 65 and over), so a new NSI or Eurostat group still reads well."""
    known = messages(lang).get(f"age_{code}")
    if known:
        return known
    if m := re.fullmatch(r"Y_LT(\d+)", code):
        return translate(lang, "age_under", age=m.group(1))
    if m := re.fullmatch(r"Y_GE(\d+)", code):
        return translate(lang, "age_over", age=m.group(1))
    if m := re.fullmatch(r"Y(\d+)-(\d+)", code):
        return translate(lang, "age_between", first=m.group(1), last=m.group(2))
    return code


def source_key(text: str) -> str:
    """The catalogue key of a source field's text (producer, licence, vintage from a dataset's metadata)."""
    return "src_" + re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60]


def source_text(text: str, lang: str) -> str:
    """A metadata source field in ``lang``: the catalogue's translation (locales/*/sources.json), else as written
    (codes and names such as 'NUTS 2021' or 'LGPL-2.1-or-later' are the same in every language)."""
    return messages(lang).get(source_key(text)) or text


def kind_label(kind: str, lang: str) -> str:
    """The short name of an upload problem's kind (``out_of_range`` → 'Out of range' / 'Извън обхвата')."""
    return messages(lang).get(f"kind_{kind}") or translate(lang, "kind_other")


def kind_expected(kind: str, lang: str) -> str:
    """What a problem of ``kind`` means, in ``lang`` (the catalogue's sentence for the kind)."""
    return messages(lang).get(f"kind_{kind}_expected") or translate(lang, "kind_other_expected")


def problems_view(problems: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Upload problems (line, column, value, kind, problem) as a reader sees them: the kind by its translated
    name, never the internal code. In English the finding's own sentence says what was expected; in another
    language the catalogue's sentence for its kind does (the full English details are in the problem report)."""
    out = problems[["line", "column", "value"]].copy()
    out["kind"] = label_each(problems["kind"], lambda k: kind_label(str(k), lang))
    out["problem"] = (
        problems["problem"]
        if lang == DEFAULT_LANGUAGE
        else label_each(problems["kind"], lambda k: kind_expected(k, lang))
    )
    return out


def kinds_count(problems: pd.DataFrame, lang: str) -> pd.DataFrame:
    """How many problems of each kind, most frequent first, the kind by its translated name."""
    import pandas as pd

    counts = problems["kind"].value_counts()
    return pd.DataFrame({"kind": [kind_label(str(k), lang) for k in counts.index], "count": counts.to_numpy()})
