"""Generator of SYNTHETIC demo social-innovation projects (datasets/projects.csv); plausible, never real.

Every project, organisation, title and figure made here is invented. Only the programme CCI codes and fund
names are real (ISUN 2020 register). Run ``python -m si_metrics.demo --out datasets/projects.csv``.

The generator is vectorised: every random column is drawn for all rows at once from one
``numpy.random.default_rng(seed)``, and text columns are rendered once per distinct combination of their
parts (theme template × target group × region, …) and then indexed, so a million rows take seconds.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .vocab import ORG_TYPES, SDG_CORE, SECTOR_OF_TYPE, SECTORS, TARGET_GROUPS, THEMES

# The ISUN snapshot date behind datasets/funding_*.csv; statuses are relative to it, never to today.
AS_OF = date(2026, 8, 24)
DEFAULT_N = 2000
DEFAULT_SEED = 20231115
DEFAULT_REGIONS = Path(__file__).resolve().parent.parent / "datasets" / "regions.csv"
BENCHMARK_CODES = frozenset({"EU27_2020"})

COLUMNS = [
    "project_id",
    "title_en",
    "title_bg",
    "lead_org",
    "lead_org_type",
    "lead_sector",
    "partner_sectors",
    "partner_count",
    "region_code",
    "theme",
    "target_groups",
    "programme_code",
    "fund",
    "start_date",
    "end_date",
    "status",
    "budget_eur",
    "eu_contribution_eur",
    "paid_eur",
    "beneficiaries_target",
    "beneficiaries_reached",
    "sdgs",
    "is_synthetic",
]
MONEY_COLUMNS = ["budget_eur", "eu_contribution_eur", "paid_eur"]
DATE_COLUMNS = ["start_date", "end_date"]

# Share of projects placed on districts / NUTS 2 regions / the whole country.
LEVEL_SHARES = {3: 0.85, 2: 0.10, 0: 0.05}
CANCELLED_SHARE = 0.03

# ---------------------------------------------------------------------------------------------------------
# How the themes (vocab.THEMES) shape everything else.
THEME_WEIGHTS = np.array([0.05, 0.07, 0.26, 0.22, 0.13, 0.10, 0.09, 0.08])
# Poverty projects are more frequent in the North-West (BG31), the poorest NUTS 2 region of the EU.
POVERTY_BOOST_BY_NUTS2 = {"BG31": 1.7, "BG32": 1.2, "BG34": 1.2}

# theme × target group weights (rows in THEMES order, columns in TARGET_GROUPS order)
GROUP_WEIGHTS = np.array(
    [
        [2.0, 2.0, 2.0, 1.5, 2.0, 1.5, 2.0, 1.0, 1.0, 1.0],  # esf_admin
        [1.5, 3.0, 3.0, 1.5, 1.5, 1.0, 4.0, 1.0, 0.5, 0.5],  # si_sustainable
        [5.0, 2.0, 1.0, 3.0, 2.0, 3.0, 5.0, 3.0, 2.0, 1.0],  # poverty_inclusion
        [3.0, 6.0, 5.0, 0.5, 3.0, 0.0, 2.0, 2.0, 0.5, 1.5],  # employment
        [4.0, 0.5, 4.0, 0.2, 2.0, 6.0, 2.0, 1.0, 0.1, 1.5],  # education
        [2.0, 0.3, 0.2, 6.0, 5.0, 2.0, 2.0, 0.5, 1.5, 0.5],  # health_care
        [3.0, 1.0, 2.0, 3.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.5],  # community
        [2.0, 2.0, 3.0, 5.0, 3.0, 2.0, 2.0, 1.0, 0.2, 1.0],  # digital_inclusion
    ]
)
GROUP_COUNT_PROBS = [0.40, 0.40, 0.20]  # 1, 2 or 3 target groups
GROUP_PHRASES = {  # (English, Bulgarian); Bulgarian phrases follow a preposition, so no article agreement
    "roma": ("Roma families", "ромски семейства"),
    "long_term_unemployed": ("long-term unemployed people", "продължително безработни лица"),
    "youth_neet": ("young people not in work or education", "младежи извън заетост и образование"),
    "elderly": ("older people", "възрастни хора"),
    "people_with_disabilities": ("people with disabilities", "хора с увреждания"),
    "children": ("children at risk", "деца в риск"),
    "low_income_households": ("low-income households", "домакинства с ниски доходи"),
    "single_parents": ("single parents", "самотни родители"),
    "homeless": ("homeless people", "бездомни хора"),
    "migrants": ("migrants and refugees", "мигранти и бежанци"),
}

# Title templates per theme: {g}/{g_bg} = main target group, {p}/{p_bg} = "in Vidin" / "във Видин".
TITLES: dict[str, list[tuple[str, str]]] = {
    "esf_admin": [
        (
            "Capacity building for social innovation in ESF+ administration {p}",
            "Изграждане на капацитет за социални иновации в администрацията на ЕСФ+ {p_bg}",
        ),
        (
            "Scaling up tested social innovations for {g} {p}",
            "Мащабиране на изпитани социални иновации за {g_bg} {p_bg}",
        ),
        ("Social innovation competence network {p}", "Мрежа за компетентност в социалните иновации {p_bg}"),
        ("Evaluation of social innovation pilots for {g} {p}", "Оценка на пилотни социални иновации за {g_bg} {p_bg}"),
    ],
    "si_sustainable": [
        ("Green jobs and circular economy for {g} {p}", "Зелени работни места и кръгова икономика за {g_bg} {p_bg}"),
        (
            "Community energy against energy poverty of {g} {p}",
            "Общностна енергия срещу енергийната бедност на {g_bg} {p_bg}",
        ),
        (
            "Social innovation lab for sustainable development {p}",
            "Лаборатория за социални иновации за устойчиво развитие {p_bg}",
        ),
        ("Urban gardens and local food for {g} {p}", "Градски градини и местни храни за {g_bg} {p_bg}"),
    ],
    "poverty_inclusion": [
        ("Social inclusion of {g} {p}", "Социално включване на {g_bg} {p_bg}"),
        ("Community support centre for {g} {p}", "Общностен център за подкрепа на {g_bg} {p_bg}"),
        ("Integrated social and health services for {g} {p}", "Интегрирани социални и здравни услуги за {g_bg} {p_bg}"),
        (
            "Breaking the cycle of poverty: integrated support for {g} {p}",
            "Прекъсване на цикъла на бедността: интегрирана подкрепа за {g_bg} {p_bg}",
        ),
        ("A way out of poverty for {g} {p}", "Изход от бедността за {g_bg} {p_bg}"),
    ],
    "employment": [
        ("Back to work: supported employment for {g} {p}", "Обратно на работа: подкрепена заетост за {g_bg} {p_bg}"),
        ("Skills and jobs for {g} {p}", "Умения и работни места за {g_bg} {p_bg}"),
        ("Social workshop employing {g} {p}", "Социална работилница за заетост на {g_bg} {p_bg}"),
        ("Mentoring and job placement for {g} {p}", "Наставничество и намиране на работа за {g_bg} {p_bg}"),
    ],
    "education": [
        (
            "Learning together: inclusive education for {g} {p}",
            "Да учим заедно: приобщаващо образование за {g_bg} {p_bg}",
        ),
        (
            "After-school support and tutoring for {g} {p}",
            "Занимания след училище и допълнително обучение за {g_bg} {p_bg}",
        ),
        ("Second-chance education for {g} {p}", "Образование с втори шанс за {g_bg} {p_bg}"),
        (
            "Preventing early school leaving among {g} {p}",
            "Превенция на ранното напускане на училище сред {g_bg} {p_bg}",
        ),
    ],
    "health_care": [
        ("Home care and patronage services for {g} {p}", "Патронажна грижа и услуги в домашна среда за {g_bg} {p_bg}"),
        ("Mobile health and social care team for {g} {p}", "Мобилен екип за здравни и социални грижи за {g_bg} {p_bg}"),
        ("Day-care centre for {g} {p}", "Дневен център за {g_bg} {p_bg}"),
        ("Better access to health services for {g} {p}", "По-добър достъп до здравни услуги за {g_bg} {p_bg}"),
    ],
    "community": [
        ("Neighbourhood community hub for {g} {p}", "Квартален общностен център за {g_bg} {p_bg}"),
        ("Volunteer network supporting {g} {p}", "Доброволческа мрежа в подкрепа на {g_bg} {p_bg}"),
        ("Participatory community development with {g} {p}", "Общностно развитие с участието на {g_bg} {p_bg}"),
        ("Culture and community-centre activities for {g} {p}", "Читалищни и културни дейности за {g_bg} {p_bg}"),
    ],
    "digital_inclusion": [
        ("Digital skills for {g} {p}", "Дигитални умения за {g_bg} {p_bg}"),
        ("Bridging the digital divide for {g} {p}", "Преодоляване на дигиталното разделение за {g_bg} {p_bg}"),
        ("Online access to public services for {g} {p}", "Онлайн достъп до обществени услуги за {g_bg} {p_bg}"),
    ],
}

# SDGs: the theme's core goal is always listed, plus 0-2 more drawn by weight.
SDG_EXTRA: dict[str, dict[int, float]] = {
    "esf_admin": {16: 4, 10: 2, 8: 1, 1: 1},
    "si_sustainable": {12: 4, 13: 4, 7: 2, 8: 1},
    "poverty_inclusion": {10: 5, 2: 2, 3: 1, 8: 1, 5: 1},
    "employment": {1: 3, 10: 3, 4: 1, 5: 1},
    "education": {10: 3, 1: 1, 5: 1},
    "health_care": {10: 3, 1: 1, 5: 0.5},
    "community": {10: 4, 16: 2, 17: 1},
    "digital_inclusion": {9: 4, 10: 3, 8: 1},
}
SDG_EXTRA_COUNT_PROBS = [0.30, 0.45, 0.25]  # 0, 1 or 2 goals besides the core one

# ---------------------------------------------------------------------------------------------------------
# Lead organisations.
SECTORS_SORTED = sorted(SECTORS)  # alphabetical, so partner_sectors is a sorted join
ORG_WEIGHTS = np.array(
    [
        # muni agency ngo  se   sme  large univ school cc
        [1.0, 5.0, 1.0, 0.2, 0.2, 0.0, 2.0, 0.0, 0.0],  # esf_admin
        [2.5, 0.3, 3.0, 2.0, 1.5, 1.0, 1.0, 0.3, 0.5],  # si_sustainable
        [5.0, 1.5, 5.0, 1.5, 0.5, 0.2, 0.3, 0.3, 1.0],  # poverty_inclusion
        [2.0, 1.5, 3.0, 3.0, 3.0, 0.8, 0.3, 0.2, 0.3],  # employment
        [2.0, 0.5, 2.5, 0.3, 0.3, 0.1, 1.5, 5.0, 1.0],  # education
        [4.0, 1.0, 3.5, 1.0, 0.5, 0.1, 0.5, 0.1, 0.3],  # health_care
        [3.0, 0.2, 4.0, 1.0, 0.3, 0.2, 0.2, 0.5, 3.0],  # community
        [1.5, 0.5, 3.0, 1.0, 2.0, 0.6, 1.0, 1.5, 2.0],  # digital_inclusion
    ]
)
LOCAL_ONLY_TYPES = {"municipality", "school", "community_centre"}  # cannot lead a NUTS 2 or national project

_Q = "„{}“"  # Bulgarian quotation marks, as the registers write organisation names
_NGO_NAMES = [
    "Нов път",
    "Равни шансове",
    "Общност и развитие",
    "Заедно за децата",
    "Солидарност и грижа",
    "Мост към бъдещето",
    "Подкрепа за всеки",
    "Граждани за промяна",
    "Стъпка напред",
    "Отворени врати",
    "Нова възможност",
    "Светъл дом",
    "Достойни старини",
    "Знание за всички",
    "Зелена долина",
    "Надежда и грижа",
    "Социален хоризонт",
    "Усмивка за всяко дете",
    "Дигитален шанс",
    "Местни инициативи",
]
_NGO_FORMS = ["Сдружение", "Фондация"]
_SE_NAMES = [
    ("Кооперация", "Труд и грижа", ""),
    ("", "Работилница Надежда", " ЕООД"),
    ("", "Социална пекарна", " ЕООД"),
    ("", "Зелен занаят", " ООД"),
    ("", "Шанс за работа", " ЕООД"),
    ("", "Добра кухня", " ЕООД"),
    ("Кооперация", "Наша земя", ""),
    ("", "Ръце с умения", " ЕООД"),
]
_SME_NAMES = [
    ("Иновативни социални решения", " ЕООД"),
    ("Дигитални мостове", " ООД"),
    ("Агро Био Вита", " ЕООД"),
    ("Еко Строй Консулт", " ООД"),
    ("Дунавски иновации", " ООД"),
    ("Родопски вкусове", " ЕООД"),
    ("Балкански софтуерни решения", " ООД"),
    ("Зелена енергия за общността", " ЕООД"),
    ("Грижа у дома", " ЕООД"),
    ("Тракийски занаяти", " ЕООД"),
]
_LARGE_NAMES = [
    "Балканска индустриална група",
    "Национални логистични системи",
    "Тракийска хранителна компания",
    "Обединени енергийни мрежи",
    "Северна текстилна група",
    "Дунавска машиностроителна компания",
]
_SCHOOLS = [
    "Средно училище „Христо Ботев“",
    "Основно училище „Васил Левски“",
    "Средно училище „Св. св. Кирил и Методий“",
    "Основно училище „Иван Вазов“",
    "Професионална гимназия по туризъм и услуги",
    "Средно училище „Отец Паисий“",
    "Основно училище „Любен Каравелов“",
    "Професионална гимназия по икономика",
]
_CHITALISHTA = ["Просвета", "Светлина", "Съгласие", "Напредък", "Пробуда", "Развитие", "Искра"]
_LOCAL_AGENCIES = [
    "Дирекция „Бюро по труда“ – {area}",
    "Дирекция „Социално подпомагане“ – {area}",
    "Регионално управление на образованието – {area}",
    "Регионална здравна инспекция – {area}",
    "Областна администрация – {area}",
]
_NATIONAL_AGENCIES = [
    "Агенция по заетостта",
    "Агенция за социално подпомагане",
    "Министерство на труда и социалната политика",
    "Агенция за хората с увреждания",
    "Държавна агенция за закрила на детето",
    "Министерство на образованието и науката",
]
_UNIVERSITIES_GENERAL = [
    "Университет за социални иновации",
    "Висше училище по обществено здраве и грижи",
    "Университет за обществени науки и технологии",
]
_UNIVERSITIES_LOCAL = ["Колеж по социални дейности – {town}", "Университет за социални иновации – филиал {town}"]

# (templates usable on a district, templates usable elsewhere); {town}/{area} are filled per district.
ORG_TEMPLATES: dict[str, tuple[list[str], list[str]]] = {
    "municipality": (["{municipality}"], []),
    "state_agency": (_LOCAL_AGENCIES, _NATIONAL_AGENCIES),
    "ngo": (
        [f"{f} {_Q.format(n)}" for f in _NGO_FORMS for n in _NGO_NAMES]
        + [f"{f} {_Q.format(n + ' – {area}')}" for f in _NGO_FORMS for n in _NGO_NAMES],
        [f"{f} {_Q.format(n)}" for f in _NGO_FORMS for n in _NGO_NAMES],
    ),
    "social_enterprise": (
        [f"{p} {_Q.format(n)}{s}".strip() for p, n, s in _SE_NAMES],
        [f"{p} {_Q.format(n)}{s}".strip() for p, n, s in _SE_NAMES],
    ),
    "sme": ([f"{_Q.format(n)}{s}" for n, s in _SME_NAMES], [f"{_Q.format(n)}{s}" for n, s in _SME_NAMES]),
    "large_company": ([f"{_Q.format(n)} АД" for n in _LARGE_NAMES], [f"{_Q.format(n)} АД" for n in _LARGE_NAMES]),
    "university": (_UNIVERSITIES_GENERAL + _UNIVERSITIES_LOCAL, _UNIVERSITIES_GENERAL),
    "school": ([f"{s}, гр. {{town}}" for s in _SCHOOLS], []),
    "community_centre": ([f"Народно читалище {_Q.format(c)}, гр. {{town}}" for c in _CHITALISHTA], []),
}

# Districts whose name is not the name of their seat or whose municipality has a special name.
_TOWN_OVERRIDES = {"BG411": "София", "BG412": "Самоков"}  # Sofia district has no seat of its own name
_AREA_OVERRIDES = {"BG411": "София", "BG412": "Софийска област"}
_AREA_EN_OVERRIDES = {"BG411": "Sofia", "BG412": "Sofia Province"}
_MUNICIPALITY_OVERRIDES = {"BG411": "Столична община", "BG332": "Община град Добрич"}

# ---------------------------------------------------------------------------------------------------------
# Funding: real CCI programme codes (ISUN 2020 register); everything else is invented.
PROGRAMMES = [  # (programme_code, fund, first start year, last start year)
    ("2021BG05SFPR002", "ESF+", 2022, 2026),  # Human Resources Development 2021-27
    ("2021BG05SFPR001", "ESF+", 2022, 2026),  # Education 2021-27
    ("2021BG05SFPR003", "ESF+", 2022, 2026),  # Food and basic material assistance 2021-27
    ("2014BG05M9OP001", "ESF", 2015, 2021),  # Human Resources Development 2014-20
    ("2014BG05M2OP001", "ESF", 2015, 2021),  # Science and Education for Smart Growth 2014-20
    ("", "national", 2015, 2026),
    ("", "private_foundation", 2015, 2026),
]
PROGRAMME_FUND = {code: fund for code, fund, _, _ in PROGRAMMES if code}
NON_EU_FUNDS = ("national", "private_foundation")
# 2014-20 operations had to end by the eligibility deadline (Art. 65(2) of Regulation (EU) 1303/2013).
ELIGIBILITY_END_2014_20 = np.datetime64("2023-12-31")
PROGRAMME_WEIGHTS = np.array(
    [
        # SFPR002 SFPR001 SFPR003 M9OP001 M2OP001 national private
        [0.55, 0.00, 0.00, 0.40, 0.00, 0.05, 0.00],  # esf_admin
        [0.42, 0.04, 0.00, 0.32, 0.04, 0.06, 0.12],  # si_sustainable
        [0.40, 0.02, 0.12, 0.37, 0.02, 0.04, 0.03],  # poverty_inclusion
        [0.46, 0.02, 0.00, 0.44, 0.00, 0.05, 0.03],  # employment
        [0.07, 0.39, 0.00, 0.07, 0.38, 0.05, 0.04],  # education
        [0.44, 0.00, 0.00, 0.43, 0.00, 0.08, 0.05],  # health_care
        [0.40, 0.04, 0.04, 0.36, 0.02, 0.06, 0.08],  # community
        [0.38, 0.12, 0.00, 0.30, 0.10, 0.04, 0.06],  # digital_inclusion
    ]
)
# EU co-financing rates of an operation (ESF+/ESF in Bulgaria: mostly 85 %).
EU_RATES = np.array([0.85, 0.80, 0.90])
EU_RATE_PROBS = [0.80, 0.10, 0.10]

BUDGET_MEDIAN_EUR = 120_000.0
BUDGET_SIGMA = 0.85
BUDGET_MIN_EUR, BUDGET_MAX_EUR = 15_000.0, 4_000_000.0
BUDGET_FACTOR_THEME = {"esf_admin": 1.6, "si_sustainable": 1.2}
BUDGET_FACTOR_ORG = {
    "large_company": 1.5,
    "university": 1.3,
    "state_agency": 1.8,
    "school": 0.6,
    "community_centre": 0.4,
}
BUDGET_FACTOR_PROGRAMME = {"2021BG05SFPR003": 3.0}
COST_PER_BENEFICIARY_MEDIAN_EUR = 1_500.0


# ---------------------------------------------------------------------------------------------------------
def _lookup(key: np.ndarray, render: Callable[[int], str]) -> np.ndarray:
    """Render a text once per distinct integer key and spread it over the rows."""
    uniq, inverse = np.unique(key, return_inverse=True)
    table = np.array([render(int(k)) for k in uniq], dtype=object)
    return table[inverse.reshape(-1)]


def _choose_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category per row from a row-wise probability matrix (rows need not be normalised)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return np.minimum((u[:, None] >= cum).sum(axis=1), probs.shape[1] - 1)


def _top_k_mask(rng: np.random.Generator, weights: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, a mask of k[row] categories drawn without replacement by weight (Gumbel top-k), and the first."""
    with np.errstate(divide="ignore"):
        keys = np.log(weights) + rng.gumbel(size=weights.shape)
    order = np.argsort(-keys, axis=1, kind="stable")
    mask = np.zeros(weights.shape, dtype=bool)
    np.put_along_axis(mask, order, np.arange(weights.shape[1])[None, :] < k[:, None], axis=1)
    return mask & np.isfinite(keys), order[:, 0]


def _join_mask(mask: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """';'-join the labels ticked in each row of a boolean mask (labels in the given order)."""
    bits = (mask.astype(np.int64) << np.arange(mask.shape[1], dtype=np.int64)).sum(axis=1)
    return _lookup(bits, lambda b: ";".join(lab for i, lab in enumerate(labels) if b >> i & 1))


def _bg_in(place: str) -> str:
    """Bulgarian "in": "във" before в/ф, else "в"."""
    return ("във " if place[:1].lower() in ("в", "ф") else "в ") + place


def _bg_region_phrase(name_bg: str) -> str:
    """'в Северозападния район' from 'Северозападен' (the article goes on the first adjective)."""
    words = re.sub(r"\s+район$", "", name_bg.strip()).split()
    if words and words[0].endswith("ен"):
        words[0] = words[0][:-2] + "ния"
        return _bg_in(" ".join(words) + " район")
    return _bg_in("район " + _Q.format(name_bg.strip()))


def _strip_brackets(name: str) -> str:
    return re.sub(r"\s*\(.*?\)", "", str(name)).strip()


def _place_table(places: pd.DataFrame) -> list[dict[str, str]]:
    """Per eligible region: English/Bulgarian "in <place>" phrases and the names used in organisation names."""
    rows = []
    for r in places.itertuples(index=False):
        district = r.level == 3
        if district:
            en = _AREA_EN_OVERRIDES.get(r.code, _strip_brackets(r.name_en))
            area = _AREA_OVERRIDES.get(r.code, _strip_brackets(r.name_bg))
            town = _TOWN_OVERRIDES.get(r.code, _strip_brackets(r.name_bg))
            p_en, p_bg = f"in {en}", _bg_in(area)
        elif r.level == 2:
            en = _strip_brackets(r.name_en)
            p_en = f"in the {en}" + ("" if en.lower().endswith("region") else " region")
            p_bg = _bg_region_phrase(_strip_brackets(r.name_bg))
            area = town = ""
        else:
            p_en, p_bg = f"in {_strip_brackets(r.name_en)}", _bg_in(_strip_brackets(r.name_bg))
            area = town = ""
        rows.append(
            {
                "code": r.code,
                "level": r.level,
                "p_en": p_en,
                "p_bg": p_bg,
                "area": area,
                "town": town,
                "municipality": _MUNICIPALITY_OVERRIDES.get(r.code, f"Община {town}") if district else "",
            }
        )
    return rows


def _eligible_places(regions: pd.DataFrame, country: str) -> pd.DataFrame:
    need = {"code", "level", "parent_code", "country_code", "name_en", "name_bg"}
    missing = need - set(regions.columns)
    if missing:
        raise ValueError(f"regions lacks columns {sorted(missing)}")
    reg = regions.copy()
    reg["code"] = reg["code"].astype(str)
    reg["level"] = pd.to_numeric(reg["level"]).astype(int)
    reg = reg[
        (reg["country_code"].astype(str) == country)
        & ~reg["code"].isin(BENCHMARK_CODES)
        & reg["level"].isin(list(LEVEL_SHARES))
    ]
    if not (reg["level"] == 3).any():
        raise ValueError(f"regions has no level-3 districts for country {country!r}")
    return reg.sort_values(["level", "code"], ascending=[False, True]).reset_index(drop=True)


def _nuts2_of(places: pd.DataFrame) -> np.ndarray:
    parent = places["parent_code"].fillna("").astype(str)
    return np.where(places["level"] == 3, parent, np.where(places["level"] == 2, places["code"], "")).astype(object)


def generate_projects(
    regions: pd.DataFrame, n: int = DEFAULT_N, seed: int = DEFAULT_SEED, *, country: str = "BG"
) -> pd.DataFrame:
    """Synthetic demo projects placed on ``regions`` of ``country``; deterministic for (regions, n, seed)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = np.random.default_rng(seed)
    places = _eligible_places(regions, country)
    table = _place_table(places)
    levels = places["level"].to_numpy()

    # --- where ----------------------------------------------------------------------------------------
    shares = {lvl: s for lvl, s in LEVEL_SHARES.items() if (levels == lvl).any()}
    lvl_keys = np.array(list(shares))
    lvl_p = np.array(list(shares.values())) / sum(shares.values())
    row_level = lvl_keys[np.minimum(np.searchsorted(np.cumsum(lvl_p), rng.random(n), side="right"), len(lvl_keys) - 1)]
    if "population" in places.columns:
        # sqrt: bigger districts host more projects, but small poor ones are not drowned out
        pop = pd.to_numeric(places["population"], errors="coerce").fillna(0).clip(lower=0).to_numpy(float)
        w_place = np.where(pop > 0, np.sqrt(pop), 0.0)
        w_place = np.where(w_place.sum() > 0, w_place, 1.0)
    else:
        w_place = np.ones(len(places))
    u_place = rng.random(n)
    place_idx = np.empty(n, dtype=np.int64)
    for lvl in lvl_keys:
        idx = np.flatnonzero(levels == lvl)
        cum = np.cumsum(w_place[idx]) / w_place[idx].sum()
        rows = row_level == lvl
        place_idx[rows] = idx[np.minimum(np.searchsorted(cum, u_place[rows], side="right"), len(idx) - 1)]
    is_district = levels[place_idx] == 3

    # --- what -----------------------------------------------------------------------------------------
    boost = np.array([POVERTY_BOOST_BY_NUTS2.get(c, 1.0) for c in _nuts2_of(places)])
    theme_p = np.repeat(THEME_WEIGHTS[None, :], n, axis=0)
    theme_p[:, THEMES.index("poverty_inclusion")] *= boost[place_idx]
    theme = _choose_rows(rng, theme_p)

    n_groups = rng.choice(len(GROUP_COUNT_PROBS), size=n, p=GROUP_COUNT_PROBS) + 1
    group_mask, main_group = _top_k_mask(rng, GROUP_WEIGHTS[theme], n_groups)  # the title names the first drawn
    alpha = np.argsort(TARGET_GROUPS)
    target_groups = _join_mask(group_mask[:, alpha], [TARGET_GROUPS[i] for i in alpha])

    sdg_w = np.zeros((len(THEMES), 17))
    for t, extra in SDG_EXTRA.items():
        for goal, w in extra.items():
            sdg_w[THEMES.index(t), goal - 1] = w
    n_extra = rng.choice(len(SDG_EXTRA_COUNT_PROBS), size=n, p=SDG_EXTRA_COUNT_PROBS)
    sdg_mask, _ = _top_k_mask(rng, sdg_w[theme], n_extra)
    core = np.array([SDG_CORE[t] - 1 for t in THEMES])[theme]
    sdg_mask[np.arange(n), core] = True
    sdgs = _join_mask(sdg_mask, [str(g) for g in range(1, 18)])

    # --- who ------------------------------------------------------------------------------------------
    org_p = ORG_WEIGHTS[theme].copy()
    local_cols = [ORG_TYPES.index(t) for t in LOCAL_ONLY_TYPES]
    org_p[np.ix_(~is_district, local_cols)] = 0.0
    org_type = _choose_rows(rng, org_p)
    sector_of = np.array([SECTORS_SORTED.index(SECTOR_OF_TYPE[t]) for t in ORG_TYPES])
    lead_sector = sector_of[org_type]

    tpl_district = [ORG_TEMPLATES[t][0] for t in ORG_TYPES]
    tpl_general = [ORG_TEMPLATES[t][1] for t in ORG_TYPES]
    n_tpl = np.where(
        is_district,
        np.array([len(x) for x in tpl_district])[org_type],
        np.array([len(x) for x in tpl_general])[org_type],
    )
    tpl = np.floor(rng.random(n) * n_tpl).astype(np.int64)
    max_tpl = max(len(x) for x in tpl_district + tpl_general)
    n_places = len(places)
    org_key = ((org_type * max_tpl + tpl) * n_places + place_idx) * 2 + is_district

    def render_org(key: int) -> str:
        key, district = divmod(key, 2)
        key, p = divmod(key, n_places)
        t, i = divmod(key, max_tpl)
        template = (tpl_district if district else tpl_general)[t][i]
        return template.format(**table[p])

    lead_org = _lookup(org_key, render_org)

    # partners: ~35 % none, ~25 % only the lead's own sector, ~40 % at least one other sector
    u_part = rng.random(n)
    cross = u_part >= 0.60
    same_only = (u_part >= 0.35) & ~cross
    part_mask = np.zeros((n, 3), dtype=bool)
    rows = np.arange(n)
    part_mask[rows, lead_sector] = same_only | (cross & (rng.random(n) < 0.5))
    both_others = cross & (rng.random(n) < 0.25)
    pick = rng.integers(1, 3, size=n)  # which other sector: lead + 1 or lead + 2 (mod 3)
    part_mask[rows, (lead_sector + pick) % 3] |= cross
    part_mask[rows, (lead_sector + 3 - pick) % 3] |= both_others
    partner_sectors = _join_mask(part_mask, SECTORS_SORTED)
    n_part_sectors = part_mask.sum(axis=1)
    partner_count = np.where(n_part_sectors > 0, n_part_sectors + rng.poisson(1.3, size=n), 0)

    # --- money and time -------------------------------------------------------------------------------
    prog = _choose_rows(rng, PROGRAMME_WEIGHTS[theme])
    prog_code = np.array([p[0] for p in PROGRAMMES], dtype=object)[prog]
    fund = np.array([p[1] for p in PROGRAMMES], dtype=object)[prog]
    is_eu = prog_code != ""
    first = np.array([np.datetime64(f"{p[2]}-01-01") for p in PROGRAMMES])[prog]
    last = np.array([np.datetime64(f"{p[3]}-12-31") for p in PROGRAMMES])[prog]
    span = (last - first).astype(np.int64) + 1
    start = first + np.floor(rng.random(n) * span).astype(np.int64).astype("timedelta64[D]")
    months = rng.integers(6, 49, size=n)
    days = np.round(months * 30.4375).astype(np.int64)
    is_2014 = np.char.startswith(prog_code.astype(str), "2014")
    room = (ELIGIBILITY_END_2014_20 - start).astype(np.int64) + 1
    days = np.where(is_2014, np.minimum(days, room), days)
    end = start + (days - 1).astype("timedelta64[D]")

    as_of = np.datetime64(AS_OF.isoformat())
    status = np.where(start > as_of, "planned", np.where(end < as_of, "completed", "ongoing")).astype(object)
    cancelled = rng.random(n) < CANCELLED_SHARE
    status[cancelled] = "cancelled"
    elapsed = np.clip((as_of - start).astype(np.int64) / np.maximum(days, 1), 0.0, 1.0)

    factor = np.ones(n)
    for name, f in BUDGET_FACTOR_THEME.items():
        factor[theme == THEMES.index(name)] *= f
    for name, f in BUDGET_FACTOR_ORG.items():
        factor[org_type == ORG_TYPES.index(name)] *= f
    for code, f in BUDGET_FACTOR_PROGRAMME.items():
        factor[prog_code == code] *= f
    budget = rng.lognormal(np.log(BUDGET_MEDIAN_EUR), BUDGET_SIGMA, size=n) * factor
    budget_c = np.round(np.clip(budget, BUDGET_MIN_EUR, BUDGET_MAX_EUR) * 100).astype(np.int64)  # cents
    rate = EU_RATES[rng.choice(len(EU_RATES), size=n, p=EU_RATE_PROBS)]
    eu_c = np.where(is_eu, np.floor(budget_c * rate).astype(np.int64), 0)
    cap_c = np.where(is_eu, eu_c, budget_c)
    u_paid = rng.random(n)
    paid_share = np.select(
        [status == "planned", status == "completed", status == "cancelled"],
        [0.0, 0.85 + 0.15 * u_paid, elapsed * 0.5 * u_paid],
        default=elapsed * (0.6 + 0.4 * u_paid),  # payments lag the work
    )
    paid_c = np.minimum(np.floor(cap_c * np.clip(paid_share, 0.0, 1.0)).astype(np.int64), cap_c)

    cost = rng.lognormal(np.log(COST_PER_BENEFICIARY_MEDIAN_EUR), 0.6, size=n)
    target = np.maximum(5, np.round(budget_c / 100 / cost)).astype(np.int64)
    u_reach = rng.random(n)
    reach_share = np.select(
        [status == "planned", status == "completed", status == "cancelled"],
        [0.0, 0.6 + 0.6 * u_reach, elapsed * 0.4 * u_reach],
        default=elapsed * (0.5 + 0.6 * u_reach),
    )
    reached = np.round(target * reach_share).astype(np.int64)
    done = status == "completed"  # keep completed projects within 60-120 % of target despite rounding
    reached[done] = np.clip(reached[done], np.ceil(0.6 * target[done]), np.floor(1.2 * target[done]))

    # --- words ----------------------------------------------------------------------------------------
    tpl_offsets = np.cumsum([0] + [len(TITLES[t]) for t in THEMES])
    tpl_counts = np.diff(tpl_offsets)
    title_tpl = tpl_offsets[theme] + np.floor(rng.random(n) * tpl_counts[theme]).astype(np.int64)
    flat_titles = [tpl_pair for t in THEMES for tpl_pair in TITLES[t]]
    n_g = len(TARGET_GROUPS)
    title_key = (title_tpl * n_g + main_group) * n_places + place_idx

    def render_title(key: int, lang: int) -> str:
        key, p = divmod(key, n_places)
        t, g = divmod(key, n_g)
        g_en, g_bg = GROUP_PHRASES[TARGET_GROUPS[g]]
        return flat_titles[t][lang].format(g=g_en, g_bg=g_bg, p=table[p]["p_en"], p_bg=table[p]["p_bg"])

    title_en = _lookup(title_key, lambda k: render_title(k, 0))
    title_bg = _lookup(title_key, lambda k: render_title(k, 1))

    width = max(6, len(str(n)))
    project_id = ("DEMO-" + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width)).to_numpy(dtype=object)

    df = pd.DataFrame(
        {
            "project_id": project_id,
            "title_en": title_en,
            "title_bg": title_bg,
            "lead_org": lead_org,
            "lead_org_type": np.array(ORG_TYPES, dtype=object)[org_type],
            "lead_sector": np.array(SECTORS_SORTED, dtype=object)[lead_sector],
            "partner_sectors": partner_sectors,
            "partner_count": partner_count.astype(np.int64),
            "region_code": places["code"].to_numpy(dtype=object)[place_idx],
            "theme": np.array(THEMES, dtype=object)[theme],
            "target_groups": target_groups,
            "programme_code": prog_code,
            "fund": fund,
            "start_date": start.astype("datetime64[s]"),
            "end_date": end.astype("datetime64[s]"),
            "status": status,
            "budget_eur": budget_c / 100,
            "eu_contribution_eur": eu_c / 100,
            "paid_eur": paid_c / 100,
            "beneficiaries_target": target,
            "beneficiaries_reached": reached,
            "sdgs": sdgs,
            "is_synthetic": np.ones(n, dtype=bool),
        }
    )
    return df[COLUMNS]


def write_projects_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write projects as UTF-8 CSV: '\\n' line ends, ISO dates, money with 2 decimals, booleans as true/false."""
    out = df[COLUMNS].copy()
    for col in DATE_COLUMNS:
        out[col] = np.datetime_as_string(out[col].to_numpy().astype("datetime64[D]"), unit="D")
    out["is_synthetic"] = np.where(out["is_synthetic"].to_numpy(dtype=bool), "true", "false")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format="%.2f")
    return path


def load_regions(path: str | Path = DEFAULT_REGIONS) -> pd.DataFrame:
    """Read regions.csv with codes as text (so 'NA'-like codes are never turned into missing values)."""
    return pd.read_csv(
        path,
        dtype={"code": str, "parent_code": str, "country_code": str},
        keep_default_na=False,
        na_values={"level": [""]},
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate SYNTHETIC demo social-innovation projects.")
    parser.add_argument("--out", required=True, type=Path, help="CSV file to write")
    parser.add_argument("--n", type=int, default=DEFAULT_N, help=f"number of projects (default {DEFAULT_N})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--regions", type=Path, default=DEFAULT_REGIONS, help="regions.csv to place projects on")
    args = parser.parse_args(argv)
    df = generate_projects(load_regions(args.regions), n=args.n, seed=args.seed)
    write_projects_csv(df, args.out)
    print(f"wrote {len(df)} synthetic projects to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
