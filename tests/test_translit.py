"""Bulgarian transliteration (Streamlined System, 2009 Act) and the search key shared by both scripts."""

from __future__ import annotations

import csv

import pytest

from helpers import ROOT
from si_metrics.projects import MAX_QUERY_WORDS, is_cross_sector, search_key, search_words, split_list, transliterate


@pytest.mark.parametrize(
    "cyrillic, latin",
    [
        ("Видин", "Vidin"),
        ("София", "Sofia"),  # "ия" at the end of a word → "ia"
        ("България", "Bulgaria"),
        ("Мария", "Maria"),
        ("Илияна", "Iliyana"),  # "ия" inside a word stays "iya"
        ("Щ", "Sht"),
        ("щ", "sht"),
        ("ЩИТ", "SHTIT"),
        ("Ю", "Yu"),
        ("юг", "yug"),
        ("Жълт", "Zhalt"),
        ("Цар Калоян", "Tsar Kaloyan"),
        ("Чепеларе", "Chepelare"),
        ("Шумен", "Shumen"),
        ("Търговище", "Targovishte"),
        ("Кърджали", "Kardzhali"),
        ("Йордан Ьо", "Yordan Yo"),
        ("Ямбол", "Yambol"),
        ("Хасково", "Haskovo"),
        ("абвгдежзийклмнопрстуфхцчшщъьюя", "abvgdezhziyklmnoprstufhtschshshtayyuya"),
        ("Sofia 2025 – „Нов път“", "Sofia 2025 – „Nov pat“"),  # Latin, digits and punctuation unchanged
    ],
)
def test_transliteration_follows_the_2009_act(cyrillic, latin):
    assert transliterate(cyrillic) == latin


def test_every_bulgarian_area_name_transliterates_to_its_official_latin_name():
    with open(ROOT / "datasets" / "regions.csv", encoding="utf-8") as fh:
        areas = [r for r in csv.DictReader(fh) if r["country_code"] == "BG"]
    assert len(areas) == 37
    for area in areas:
        # regions.csv capitalises some words differently ("Severna i Yugoiztochna Bulgaria")
        assert transliterate(area["name_bg"]).lower() == area["name_en"].lower(), area["code"]


@pytest.mark.parametrize(
    "a, b",
    [
        ("Vidin", "Видин"),
        ("Видин", "VIDIN"),
        ("sofia", "София"),
        ("Sofiya", "София"),  # a word-final "iya" folds to "ia" on both sides
        ("bulgaria", "България"),
        ("  Nov   pat ", "Нов път"),
        ("Plóvdiv", "Пловдив"),  # diacritics stripped
        ("nov pat vidin", "„Нов път – Видин“"),  # punctuation and dashes are spaces
    ],
)
def test_latin_and_cyrillic_reduce_to_the_same_key(a, b):
    assert search_key(a) == search_key(b)


def test_search_key_values():
    assert search_key("България") == "bulgaria"
    assert search_key("Фондация „Нов път – Видин“") == "fondatsia nov pat vidin"
    assert search_key("Щастие Юлия") == "shtastie yulia"
    assert search_key("") == ""
    assert "sofia" in search_key("Община София")


def test_search_words_are_normalised_deduplicated_and_bounded():
    assert search_words("  Vidin   ВИДИН  ") == ["vidin"]
    assert search_words("Видин бедност") == ["vidin", "bednost"]
    assert search_words(None) == [] and search_words("  – „ “ ") == []
    assert search_words("'; drop table projects; --") == ["drop", "table", "projects"]  # just words, bound later
    assert search_words("x" * 150) == ["x" * 100]  # at most 100 characters are read
    assert len(search_words(" ".join(f"w{i}" for i in range(30)))) == MAX_QUERY_WORDS


@pytest.mark.parametrize(
    "lead, partners, expected",
    [
        ("public", "", False),
        ("public", None, False),
        ("public", "public", False),
        ("public", "private", True),
        ("social", "private;public", True),
        ("social", "public;social", True),
        ("private", "private;public;social", True),
    ],
)
def test_cross_sector_counts_the_leads_own_sector(lead, partners, expected):
    assert is_cross_sector(lead, partners) is expected


def test_split_list():
    assert split_list("1;10") == ["1", "10"] and split_list("") == [] and split_list(float("nan")) == []
