"""Translations: both languages have every key, every key used in code exists, locale formats."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from helpers import ROOT
from si_metrics import i18n
from si_metrics.ingest.eurostat import FLAGS

KEY_USE = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""")
PLACEHOLDER = re.compile(r"{(\w+)}")


def code_files():
    return [ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]


def test_both_languages_have_the_same_keys_and_placeholders():
    en, bg = i18n.messages("en"), i18n.messages("bg")
    assert set(en) == set(bg), f"only en: {set(en) - set(bg)}; only bg: {set(bg) - set(en)}"
    for key in en:
        assert set(PLACEHOLDER.findall(en[key])) == set(PLACEHOLDER.findall(bg[key])), key
        assert bg[key].strip() and en[key].strip(), key


def test_every_key_used_in_code_exists():
    used = {key for path in code_files() for key in KEY_USE.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 20
    assert used - set(i18n.messages("en")) == set()


def test_every_eurostat_flag_has_a_translation():
    for flag in FLAGS:
        assert f"flag_{flag}" in i18n.messages("en")


@pytest.mark.parametrize(
    "lang, value, decimals, expected",
    [
        ("en", 1234.5, 1, "1,234.5"),
        ("bg", 1234.5, 1, "1\u00a0234,5"),
        ("en", 1295931, 0, "1,295,931"),
        ("bg", 1295931, 0, "1\u00a0295\u00a0931"),
        ("bg", -0.9, 1, "-0,9"),
        ("en", None, 1, "–"),
        ("en", float("nan"), 1, "–"),
    ],
)
def test_number_formats(lang, value, decimals, expected):
    assert i18n.format_number(value, lang, decimals) == expected


def test_percent_money_and_dates():
    assert i18n.format_percent(20.1, "en") == "20.1%"
    assert i18n.format_percent(20.1, "bg") == "20,1\u00a0%"
    assert i18n.format_money(2407693246.7, "en") == "EUR 2.41 bn"
    assert i18n.format_money(2407693246.7, "bg") == "2,41 млрд. евро"
    assert i18n.format_money(274083475.69, "en") == "EUR 274.08 m"
    assert i18n.format_money(3885.39, "bg", compact=False) == "3\u00a0885 евро"
    assert i18n.format_date(dt.date(2026, 8, 24), "en") == "24 Aug 2026"
    assert i18n.format_date(dt.date(2026, 8, 24), "bg") == "24.08.2026 г."


def test_translate_fills_placeholders_and_language_codes_normalise():
    assert i18n.translate("bg", "kpi_population", year=2025) == "Население към 1 януари 2025 г."
    assert i18n.translate("en", "kpi_population", year=2025) == "Population, 1 January 2025"
    assert [i18n.normalise_language(v) for v in ("bg-BG", "BG", "en_GB", "de", "", None)] == [
        "bg",
        "bg",
        "en",
        None,
        None,
        None,
    ]


# ---- Bulgarian throughout: numbers, axis ticks, source fields, upload problem kinds ---------------------------


def test_a_large_amount_in_bulgarian_has_space_thousands_and_a_decimal_comma():
    assert i18n.format_number(162384605.07, "bg", 2) == "162\u00a0384\u00a0605,07"
    assert i18n.format_number(162384605.07, "en", 2) == "162,384,605.07"


def test_axis_ticks_in_bulgarian_say_million_and_billion_not_m_and_b():
    from si_metrics.chart_export import compact_number

    assert compact_number(50e6, "bg", 10e6) == "50 млн."
    assert compact_number(2.5e9, "bg", 0.5e9) == "2,5 млрд."
    assert compact_number(1.5e6, "bg", 0.5e6) == "1,5 млн."
    assert compact_number(50e6, "en", 10e6) == "50M"


def test_every_source_field_of_the_metadata_reads_in_bulgarian():
    from si_metrics.catalog import catalog

    same = {"NUTS 2021", "LGPL-2.1-or-later", "4.15.0"}  # codes and versions: the same in every language
    for meta in catalog().values():
        for src in meta.sources:
            for text in (src.producer, src.licence, src.vintage):
                if text not in same:
                    assert i18n.source_text(text, "bg") != text, text
                    assert i18n.source_text(text, "en") == text
    assert i18n.source_text("National Statistical Institute of Bulgaria (NSI)", "bg") == (
        "Национален статистически институт (НСИ)"
    )


def test_every_upload_problem_kind_has_a_name_and_a_sentence_in_both_languages():
    from si_metrics.ingest.problems import KINDS

    for kind in KINDS:
        for lang in i18n.LANGUAGES:
            assert f"kind_{kind}" in i18n.messages(lang) and f"kind_{kind}_expected" in i18n.messages(lang), kind
    assert i18n.kind_label("out_of_range", "bg") == "Извън обхвата"
    assert i18n.kind_label("out_of_range", "en") == "Out of range"
    assert i18n.kind_label("a_kind_added_later", "bg") == "Друг проблем"  # never the bare code
