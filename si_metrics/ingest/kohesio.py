"""Kohesio's 2021-27 project export (kohesio.ec.europa.eu/en/data) mapped onto the projects columns.

Choices (README.md, "Publishing data"):
- project_id: ``KOHESIO-Q…`` from the linkedopendata.eu entity in Operation_Unique_Identifier (else the value).
- titles: Operation_Name_English and Operation_Name_Programme_Language (Bulgarian), each falling back to the other.
- lead_org: Beneficiary_Name; lead_org_type from the Bulgarian legal form or kind of body in the name
  (Община → municipality, Сдружение/Фондация → ngo, ЕООД/ООД/АД/ЕТ → sme, …); companies are all "sme" because
  the export does not give their size. lead_sector follows the type; no partners are listed.
- region_code: NUTS3_Code, else NUTS2_Code, NUTS1_Code, Country; several codes → their lowest common area.
- theme: from Category_Label / Specific_Objective / Policy_Objective_Label keywords; sdgs: the theme's core goal.
- programme_code: Programme_CCI / CCI, else the CCI code Operation_Local_Identifier starts with.
- fund: Fund_Code. budget_eur: Total_Eligible_Expenditure_amount; eu_contribution_eur: Project_EU_Budget
  (amounts not in EUR are refused). Dates: dd/mm/yyyy. status: from the dates and the publishing day.
- paid_eur and beneficiaries are not in the export and stay empty; target_groups stay empty.
- Any projects column present in the file under its own name (theme, lead_org_type, …) overrides the mapping.
"""

from __future__ import annotations

import re

import pandas as pd

from ..catalog import dataset
from ..vocab import ORG_TYPES, THEMES
from .problems import Problem
from .resolve import Context
from .table import Table, header_key

PROJECT_COLUMNS = dataset("projects").column_names
AMOUNT_COLUMNS = ("Total_Eligible_Expenditure_amount", "Project_EU_Budget")
SOURCES = {
    "project_id": ("Operation_Unique_Identifier",),
    "title_en": ("Operation_Name_English", "Operation_Name_Programme_Language"),
    "title_bg": ("Operation_Name_Programme_Language", "Operation_Name_English"),
    "lead_org": ("Beneficiary_Name", "Beneficiary_Name_English"),
    "region_code": ("NUTS3_Code", "NUTS2_Code", "NUTS1_Code", "Country"),
    "programme_code": ("Programme_CCI", "CCI"),
    "fund": ("Fund_Code",),
    "start_date": ("Operation_Start_Date",),
    "end_date": ("Operation_End_Date",),
    "budget_eur": ("Total_Eligible_Expenditure_amount",),
    "eu_contribution_eur": ("Project_EU_Budget",),
}
THEME_SOURCES = ("Category_Label", "Specific_Objective", "Specific_Objective_Label", "Policy_Objective_Label")
# First match wins; English as Kohesio labels are, Bulgarian for files staff translated.
THEME_RULES = (
    ("esf_admin", r"technical assistance|administrative capacity|техническа помощ|административен капацитет"),
    ("si_sustainable", r"social innovation|social economy|social enterprise|социални иновации|социална икономика"),
    ("health_care", r"health|long-term care|здрав|дългосрочни грижи"),
    ("digital_inclusion", r"digital|цифров|дигитал"),
    ("employment", r"employ|labour market|labor market|\bjobs?\b|заетост|пазара на труда"),
    ("education", r"educat|training|school|skills|childhood|образован|обучени|училищ|умения"),
    (
        "poverty_inclusion",
        r"poverty|social inclusion|deprivation|marginali[sz]|roma|homeless|food|integration|"
        r"бедност|социално включване|лишения|маргинализ|роми|бездом|храни|интеграция",
    ),
    ("community", r"communit|local development|civil society|общност|местно развитие|гражданско общество"),
)
# The kind of body from its name; Bulgarian legal forms and their Latin spellings.
ORG_RULES = (
    ("municipality", r"\bобщина\b|\bobshtina\b|municipality"),
    ("community_centre", r"читалище|chitalishte|community cent"),
    ("university", r"университет|university|академия|academy|висше училище"),
    ("school", r"училище|гимназия|детска градина|school|kindergarten|gymnasium"),
    (
        "state_agency",
        r"министерство|агенция|дирекция|администрация|инспекция|ministry|agency|directorate|"
        r"administration|държавн",
    ),
    ("ngo", r"сдружение|фондация|асоциация|association|foundation|\bngo\b"),
    ("sme", r"\bе?оод\b|\bе?ад\b|\bет\b|\bкд\b|\bltd\b|\bjsc\b|\bplc\b|\be?ood\b|\be?ad\b"),
)
_ENTITY = re.compile(r"/entity/(Q\d+)\s*$")
_CCI = re.compile(r"^(\d{4}[A-Z]{2}\d{2}[A-Z0-9]{2,6}\d{3})")


def _column(table: Table, name: str) -> pd.Series | None:
    """A column of the file by its Kohesio name (case-insensitive), or None."""
    index = {header_key(h): i for i, h in enumerate(table.header)}.get(header_key(name))
    return None if index is None else pd.Series(table.cells[index], dtype=object).str.strip()


def _first(table: Table, names: tuple[str, ...]) -> tuple[pd.Series, str]:
    """Per row, the first non-empty of the named columns, and the header of the first column present."""
    out = pd.Series("", index=range(table.rows), dtype=object)
    header = ""
    for name in names:
        col = _column(table, name)
        if col is not None:
            header = header or name
            out = out.where(out != "", col)
    return out, header


def _classify(text: pd.Series, rules: tuple[tuple[str, str], ...]) -> pd.Series:
    """The first rule whose pattern the text matches, '' when none does."""
    lowered = text.str.casefold()
    out = pd.Series("", index=text.index, dtype=object)
    for label, pattern in rules:
        out = out.where((out != "") | ~lowered.str.contains(pattern, regex=True), label)
    return out


def _project_id(raw: pd.Series) -> pd.Series:
    """``https://linkedopendata.eu/entity/Q7361953`` → ``KOHESIO-Q7361953``; other identifiers as they are."""
    entity = raw.str.extract(_ENTITY, expand=False)
    return ("KOHESIO-" + entity).where(entity.notna(), raw)


def _common_area(codes: list[str], parents: dict[str, str | None]) -> str:
    """The lowest area containing every listed area (``BG311;BG312`` → ``BG31``); unknown codes are left as written."""
    if len(codes) == 1 or any(c not in parents for c in codes):
        return ";".join(codes)
    chains = []
    for code in codes:
        chain = [code]
        while parent := parents.get(chain[-1]):
            chain.append(parent)
        chains.append(chain)
    shared = [c for c in chains[0] if all(c in chain for chain in chains[1:])]
    return shared[0] if shared else ";".join(codes)


def _regions(raw: pd.Series, ctx: Context) -> pd.Series:
    """One area per project: a lone code, or the common area of several (Kohesio lists every NUTS 3 touched)."""
    parents = dict(zip(ctx.regions["code"], ctx.regions["parent_code"].where(ctx.regions["parent_code"].notna(), None)))
    split = raw.map(lambda v: [c.strip() for c in re.split(r"[;,|]", v) if c.strip()])
    return split.map(lambda codes: _common_area(codes, parents) if codes else "")


def _override(table: Table, frame: pd.DataFrame, columns: dict[str, str]) -> None:
    """Projects columns present in the file under their own names replace the mapped values where not empty."""
    for name in PROJECT_COLUMNS:
        col = _column(table, name)
        if col is not None:
            frame[name] = col.where(col != "", frame[name])
            columns[name] = name


def _hint(field: str, what: str) -> str:
    """What to say when a required field could not be inferred."""
    allowed = ", ".join(THEMES if field == "theme" else ORG_TYPES)
    return f"cannot tell the {what}; add a {field} column ({allowed})"


HINTS = {
    "theme": _hint("theme", "theme from the category label"),
    "lead_org_type": _hint("lead_org_type", "kind of organisation from its name"),
}


def read(table: Table, ctx: Context) -> tuple[pd.DataFrame, dict[str, str], list[Problem]]:
    """Kohesio rows as projects text rows (with _from_theme / _from_lead_org_type: the text they were inferred
    from), the Kohesio column behind each field, and problems; HINTS says what to do when inference fails."""
    frame = pd.DataFrame(index=range(table.rows))
    columns: dict[str, str] = {}
    for target, names in SOURCES.items():
        frame[target], columns[target] = _first(table, names)
    frame["project_id"] = _project_id(frame["project_id"])
    frame["region_code"] = _regions(frame["region_code"], ctx)
    if not columns["programme_code"]:
        local, columns["programme_code"] = _first(table, ("Operation_Local_Identifier",))
        frame["programme_code"] = local.str.extract(_CCI, expand=False).fillna("")
    theme_text, columns["theme"] = _first(table, THEME_SOURCES)
    frame["theme"] = _classify(theme_text, THEME_RULES)
    frame["lead_org_type"] = _classify(frame["lead_org"], ORG_RULES)
    columns["lead_org_type"] = columns["lead_org"]
    for name, value in (
        ("partner_sectors", ""),
        ("partner_count", "0"),
        ("target_groups", ""),
        ("status", ""),
        ("paid_eur", ""),
        ("beneficiaries_target", ""),
        ("beneficiaries_reached", ""),
        ("is_synthetic", "false"),
        ("sdgs", ""),
        ("lead_sector", ""),
    ):
        frame[name] = value
    _override(table, frame, columns)  # lead_sector, sdgs and status are derived in validate when left empty
    lines = pd.Series(table.lines, dtype="int64")
    frame = frame[PROJECT_COLUMNS].assign(_from_theme=theme_text, _from_lead_org_type=frame["lead_org"], _line=lines)
    return frame, columns, _currency(table, lines)


def _currency(table: Table, lines: pd.Series) -> list[Problem]:
    """Amounts in another currency than EUR cannot be published as EUR."""
    currency = _column(table, "Total_Eligible_Expenditure_Currency")
    if currency is None:
        return []
    bad = currency.index[(currency != "") & (currency.str.upper() != "EUR")]
    return [
        Problem(
            int(lines[i]),
            "Total_Eligible_Expenditure_Currency",
            currency[i],
            "currency",
            "amounts must be in EUR; convert them first",
        )
        for i in bad
    ]
