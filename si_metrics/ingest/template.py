"""Upload templates: a CSV with the header and one example row, and a text explaining each column in English
and Bulgarian."""

from __future__ import annotations

import csv
from pathlib import Path

from ..catalog import dataset
from . import isun
from .reading import OBSERVATION_HEADERS, OBSERVATION_REQUIRED, PROJECT_OPTIONAL

# What `template` writes: one file per table; "funding" is both funding tables.
TEMPLATES = {
    "observations": ("observations",),
    "projects": ("projects",),
    "funding": (isun.PROGRAMMES, isun.MUNICIPALITIES),
    isun.PROGRAMMES: (isun.PROGRAMMES,),
    isun.MUNICIPALITIES: (isun.MUNICIPALITIES,),
}

# The example rows: an observation and funding rows exactly as bundled (publishing them changes nothing: uploads
# merge by key) and an obviously fictional project whose EXAMPLE- id validation refuses, so the example row is
# never published by mistake.
EXAMPLES = {
    "observations": {
        "indicator_code": "UNEMP",
        "region_code": "BG31",
        "year": "2024",
        "value": "9.7",
        "flag": "b",
        "sex": "T",
        "age": "TOTAL",
        "source": "Eurostat tgs00010 (SDMX-CSV 2.0)",
        "vintage": "2026-02",
    },
    "projects": {
        "project_id": "EXAMPLE-0001",
        "title_en": "Example: replace this row",
        "title_bg": "Пример: заменете този ред",
        "lead_org": "Община Видин",
        "lead_org_type": "municipality",
        "lead_sector": "public",
        "partner_sectors": "social",
        "partner_count": "2",
        "region_code": "BG311",
        "theme": "poverty_inclusion",
        "target_groups": "children;roma",
        "programme_code": "2021BG05SFPR002",
        "fund": "ESF+",
        "start_date": "2024-03-01",
        "end_date": "2026-02-28",
        "status": "ongoing",
        "budget_eur": "250000",
        "eu_contribution_eur": "212500",
        "paid_eur": "80000",
        "beneficiaries_target": "120",
        "beneficiaries_reached": "45",
        "sdgs": "1;10",
        "is_synthetic": "false",
    },
    isun.PROGRAMMES: {
        "programme_code": "2021BG05SFPR002",
        "name_bg": 'Програма "Развитие на човешките ресурси" 2021-2027',
        "name_en": "Human Resources Development 2021-2027",
        "period": "2021-27",
        "fund": "ESF+",
        "contracted_eur": "1389386943.62",
        "paid_eur": "779782599.16",
        "contract_count": "2032",
        "grant_eur": "1381357590.51",
        "beneficiary_count": "1454",
        "snapshot": "2026-08-24",
    },
    isun.MUNICIPALITIES: {
        "municipality_code": "BGS04",
        "source_district_code": "BGS",
        "region_code": "BG341",
        "contract_count": "2232",
        "contracted_eur": "688753812.39",
        "paid_eur": "364494555.6",
        "population": "196582",
        "snapshot": "2026-08-24",
    },
}
# Bulgarian explanations of each column (the English ones come from the dataset's sidecar or below).
BG = {
    "indicator_code": "Код на показателя от каталога (AROPE, UNEMP, POP …) или името му",
    "region_code": "Район: код по NUTS (BG311), код по ISO 3166-2 (BG-05) или име на български или английски (Видин)",
    "year": "Година (четири цифри)",
    "value": "Стойност; десетичен знак точка или запетая, интервалите между хилядите се пропускат",
    "flag": "Флаг на Евростат (b, e, p, u, z …), празно ако няма",
    "sex": "Пол: T общо, M мъже, F жени (празно = T)",
    "age": "Възрастова група: TOTAL или код на Евростат (Y15-64 …) (празно = TOTAL)",
    "source": "Източник на данните (празно = името на файла)",
    "vintage": "Актуалност: кога са публикувани или изтеглени данните (празно = датата на качване)",
    "project_id": "Идентификатор на проекта (напр. от ИСУН или Kohesio); DEMO- и EXAMPLE- не са позволени",
    "title_en": "Наименование на английски",
    "title_bg": "Наименование на български",
    "lead_org": "Водеща организация",
    "lead_org_type": "Вид: municipality, state_agency, ngo, social_enterprise, sme, large_company, university, "
    "school, community_centre",
    "lead_sector": "Сектор: public, private или social (празно = според вида)",
    "partner_sectors": "Сектори на партньорите, разделени с ; (private;public;social), празно ако няма",
    "partner_count": "Брой партньори (празно = 0)",
    "theme": "Тема: esf_admin, si_sustainable, poverty_inclusion, employment, education, health_care, community, "
    "digital_inclusion",
    "target_groups": "Целеви групи, разделени с ; (roma, children, elderly …)",
    "programme_code": "CCI код на програмата (2021BG05SFPR002 …), празно за национално финансиране",
    "fund": "Фонд: ESF+, ESF, national, private_foundation …",
    "start_date": "Начална дата (2024-03-01, 01/03/2024 или 01.03.2024)",
    "end_date": "Крайна дата (като началната)",
    "status": "Състояние: planned, ongoing, completed, cancelled (празно = по датите)",
    "budget_eur": "Общ бюджет в евро",
    "eu_contribution_eur": "Принос на ЕС в евро",
    "paid_eur": "Изплатено в евро (празно ако не е известно)",
    "beneficiaries_target": "Планиран брой участници (празно ако не е известно)",
    "beneficiaries_reached": "Достигнат брой участници (празно ако не е известно)",
    "sdgs": "Цели за устойчиво развитие (1-17), разделени с ; (празно = основната цел на темата)",
    "is_synthetic": "Винаги false за публикувани данни",
    "name_bg": "Наименование на програмата, както е в ИСУН",
    "name_en": "Наименование на английски (празно = нашият превод за известна програма)",
    "period": "Програмен период: 2014-20 или 2021-27",
    "contracted_eur": "Обща стойност на договорите в евро",
    "contract_count": "Брой договори",
    "grant_eur": "Безвъзмездна част от стойността на договорите в евро",
    "beneficiary_count": "Брой бенефициенти",
    "snapshot": "Дата на извлечението от ИСУН (2026-08-24); празно = датата, дадена при качването",
    "municipality_code": "Код на общината в ИСУН (буквите на областта и две цифри, напр. BGS04 Бургас)",
    "source_district_code": "Код на областта в ИСУН (BGS …; S22 за София-град); празно = по кода на общината",
    "population": "Население според източника",
}
# Funding columns an upload may leave empty, in English (the sidecar's text does not say how they are filled).
EN_FUNDING = {
    "name_en": "Programme name in English (empty = our translation, for a known programme)",
    "fund": "ESF+ for 2021-27, ESF for 2014-20 (empty = by the period)",
    "source_district_code": "The source's district code (BGS, VID, …; S22 for Sofia city); empty = from "
    "the municipality code",
    "region_code": "NUTS 3 district of the municipality; empty = from the municipality code",
    "snapshot": "Date of the register snapshot (2026-08-24); empty = the date given at upload "
    "(--snapshot, or a date in the file name)",
}
# Funding columns whose Bulgarian explanation differs from the projects column of the same name.
BG_FUNDING = {
    "region_code": "Област (NUTS 3) на общината; празно = по кода на общината",
    "fund": "Фонд: ESF+ за 2021-27, ESF за 2014-20 (празно = по периода)",
    "paid_eur": "Изплатено в евро",
}
EN_OBSERVATIONS = {
    "indicator_code": "Catalogue indicator code (AROPE, UNEMP, POP, …) or its name",
    "region_code": "Area: NUTS code (BG311), ISO 3166-2 code (BG-05) or name in Bulgarian or English (Vidin)",
    "value": "The value; decimal point or comma, spaces between thousands are ignored",
    "sex": "T total, M males, F females (empty = T)",
    "age": "TOTAL or a Eurostat age group such as Y15-64 (empty = TOTAL)",
    "source": "Where the figures come from (empty = the file name)",
    "vintage": "When they were published or downloaded (empty = the upload date)",
}


FUNDING_NOTE_EN = (
    "Rows are added or updated by code and snapshot; rows the file does not name stay. The dashboard "
    "shows the newest snapshot, so a new snapshot should hold every programme / municipality. ИСУН's "
    "extracts (isun_programme_totals.csv, isun_eu_funds_by_municipality.csv) are accepted as they "
    "are, with the snapshot date given at upload (--snapshot) or in the file name."
)
FUNDING_NOTE_BG = (
    "Редовете се добавят или обновяват по код и дата на извлечението; редовете, които файлът не "
    "съдържа, остават. Таблото показва най-новото извлечение, затова новото трябва да съдържа всички "
    "програми / общини. Извлеченията от ИСУН се приемат както са, с дата, дадена при качването "
    "(--snapshot) или в името на файла."
)


def _columns(name: str) -> list[str]:
    return list(OBSERVATION_HEADERS) if name == "observations" else dataset(name).column_names


def _required(name: str, column: str) -> bool:
    if name == "observations":
        return column in OBSERVATION_REQUIRED
    return column not in isun.OPTIONAL.get(name, PROJECT_OPTIONAL)


def _bg(name: str, column: str) -> str:
    return BG_FUNDING[column] if name in isun.COLUMNS and column in BG_FUNDING else BG[column]


def explanation(name: str) -> str:
    """The sidecar text: each column, whether required, and what it holds, in English and Bulgarian."""
    meta = dataset(name)
    lines = [
        f"{meta.title.en} / {meta.title.bg}: upload template / шаблон за качване",
        "",
        "One row per line; header as in the CSV. Encoding UTF-8 or Windows-1251; separator , ; or tab.",
        "Един ред на запис; заглавният ред е като в CSV файла. Кодировка UTF-8 или Windows-1251; разделител , ; "
        "или табулация.",
        "",
    ]
    if name in isun.COLUMNS:
        lines += [FUNDING_NOTE_EN, FUNDING_NOTE_BG, ""]
    for column in _columns(name):
        need = "required / задължителна" if _required(name, column) else "optional / незадължителна"
        english = (
            EN_OBSERVATIONS.get(column)
            if name == "observations"
            else EN_FUNDING.get(column)
            if name in isun.COLUMNS
            else None
        )
        lines += [
            f"{column} ({need})",
            f"  EN: {english or meta.column(column).description}",
            f"  BG: {_bg(name, column)}",
        ]
        if name == "observations" and len(OBSERVATION_HEADERS[column]) > 1:
            lines.append(f"  also accepted as header / приема се и като: {', '.join(OBSERVATION_HEADERS[column][1:])}")
    return "\n".join(lines) + "\n"


def write(name: str, out: Path) -> tuple[Path, Path]:
    """Write the template CSV (header + example row) and its explanation beside it; returns both paths."""
    if name not in EXAMPLES:
        raise ValueError(f"no upload template for {name!r}; use one of {', '.join(TEMPLATES)}")
    out = Path(out)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=_columns(name), lineterminator="\n")
        writer.writeheader()
        writer.writerow(EXAMPLES[name])
    text = out.with_name(out.stem + ".columns.txt")
    text.write_text(explanation(name), encoding="utf-8")
    return out, text
