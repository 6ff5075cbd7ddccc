"""Row models of every dataset: each bundled or published row must validate against its model."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from .vocab import SECTORS, OrgType, Sector, Status, Theme

Code = Field(pattern=r"^[A-Z]{2}[A-Z0-9_]*$")
Semis = Field(default="", pattern=r"^([a-z0-9_]+(;[a-z0-9_]+)*)?$")


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegionRow(_Row):
    code: str = Code
    level: int = Field(ge=0, le=3)
    parent_code: str | None = None
    country_code: str = Field(pattern=r"^[A-Z]{2}$")
    name_en: str = Field(min_length=1)
    name_bg: str = Field(min_length=1)
    iso_3166_2: str | None = Field(default=None, pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
    area_km2: float | None = Field(default=None, gt=0)
    area_year: int | None = Field(default=None, ge=1990, le=2100)
    tile_row: int | None = Field(default=None, ge=0)
    tile_col: int | None = Field(default=None, ge=0)
    is_benchmark: bool


class IndicatorRow(_Row):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name_en: str
    name_bg: str
    definition_en: str
    definition_bg: str
    unit: Literal["PC_POP", "PC", "NR", "THS_PER", "EUR", "EUR_HAB", "BGN", "PPS", "RT"]
    decimals: int = Field(ge=0, le=4)
    higher_is_better: bool
    theme: str
    notes_en: str | None = None
    notes_bg: str | None = None


class IndicatorNsiRow(_Row):
    indicator_code: str
    nsi_table: str = Field(pattern=r"^\d+$")
    title_en: str = Field(min_length=1)
    dimensions: str = Field(pattern=r"^NUTS(;[A-Za-z][A-Za-z0-9_]*)*$")
    dimension_filters: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_]+=[A-Za-z0-9_]+(;[A-Za-z0-9_]+=[A-Za-z0-9_]+)*$"
    )
    note: str | None = None


class IndicatorEurostatRow(_Row):
    indicator_code: str
    eurostat_dataset: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    dimension_filters: str = Field(pattern=r"^[a-z0-9_]+=[A-Za-z0-9_\-]+(;[a-z0-9_]+=[A-Za-z0-9_\-]+)*$")
    note: str | None = None


# Eurostat flags (one or more letters); see si_metrics.ingest.eurostat.FLAGS.
FLAG_PATTERN = r"^[bcdefnprsuz]*$"


def _finite(v: float) -> float:
    if not math.isfinite(v):
        raise ValueError("value must be a finite number")
    return v


# Every rule of ObservationRow looks at one field (no validator methods), so an upload checks each distinct value
# of a field once instead of every row (si_metrics/ingest/validate.py, field_by_field).
class ObservationRow(_Row):
    indicator_code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    region_code: str = Code
    year: int = Field(ge=1990, le=2100)
    value: Annotated[float, AfterValidator(_finite)]
    flag: str | None = Field(default=None, pattern=FLAG_PATTERN)
    sex: Literal["T", "M", "F"] = "T"
    age: str = Field(default="TOTAL", pattern=r"^(TOTAL|UNK|Y[A-Z0-9_\-]+)$")
    source: str = Field(min_length=1)
    vintage: str = Field(min_length=1)


class TargetRow(_Row):
    indicator_code: str
    region_code: str = Code
    title_en: str
    title_bg: str
    baseline_year: int = Field(ge=1990, le=2100)
    target_year: int = Field(ge=1990, le=2100)
    target_kind: Literal["change_in_people", "rate"]
    target_value: float
    unit: str
    source: str
    url: str = Field(pattern=r"^https?://")


class FundingProgrammeRow(_Row):
    programme_code: str = Field(pattern=r"^\d{4}BG[0-9A-Z]+$")
    name_bg: str
    name_en: str
    period: Literal["2014-20", "2021-27"]
    fund: str
    contracted_eur: float = Field(ge=0)
    paid_eur: float = Field(ge=0)
    contract_count: int = Field(ge=0)
    grant_eur: float = Field(ge=0)
    beneficiary_count: int = Field(ge=0)
    snapshot: dt.date


class FundingMunicipalityRow(_Row):
    municipality_code: str = Field(pattern=r"^[A-Z]{3}\d{2}$")
    source_district_code: str
    region_code: str = Code
    contract_count: int = Field(ge=0)
    contracted_eur: float = Field(ge=0)
    paid_eur: float = Field(ge=0)
    population: int = Field(gt=0)
    snapshot: dt.date


class ProjectRow(_Row):
    # DEMO-nnnnnn for the synthetic rows only; published projects keep their source's id (KOHESIO-Q7361953, …)
    project_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/\-]{0,99}$")
    title_en: str = Field(min_length=3)
    title_bg: str = Field(min_length=3)
    lead_org: str = Field(min_length=2)
    lead_org_type: OrgType
    lead_sector: Sector
    partner_sectors: str | None = Field(default=None, pattern=rf"^(({'|'.join(SECTORS)})(;({'|'.join(SECTORS)}))*)?$")
    partner_count: int = Field(ge=0)
    region_code: str = Code
    theme: Theme
    target_groups: str = Semis
    programme_code: str | None = None
    fund: str
    start_date: dt.date
    end_date: dt.date
    status: Status
    budget_eur: float = Field(gt=0)
    eu_contribution_eur: float = Field(ge=0)
    paid_eur: float | None = Field(default=None, ge=0)  # None: not reported (Kohesio gives no payments)
    beneficiaries_target: int | None = Field(default=None, gt=0)
    beneficiaries_reached: int | None = Field(default=None, ge=0)
    sdgs: str = Field(pattern=r"^\d{1,2}(;\d{1,2})*$")
    is_synthetic: bool

    @model_validator(mode="after")
    def _demo_ids_only_for_synthetic_rows(self) -> ProjectRow:
        demo = re.fullmatch(r"DEMO-\d{6,}", self.project_id) is not None
        if self.is_synthetic != demo:
            raise ValueError("DEMO-nnnnnn identifiers are for the synthetic demo projects, and only for them")
        return self


class FundingPlannedRow(_Row):
    source_line: int = Field(ge=2)
    programme_code: str = Field(pattern=r"^\d{4}[A-Z]{2}[A-Z0-9]+$")
    programme_title: str = Field(min_length=1)
    fund: Literal["ERDF", "CF", "ESF", "YEI", "EAFRD", "EMFF"]
    priority: str | None = None
    thematic_objective_code: str | None = None
    thematic_objective: str | None = None
    category_of_region: str | None = None
    eafrd_measure: str | None = None
    eafrd_focus_area: str | None = None
    eu_amount_eur: float = Field(ge=0)
    national_amount_eur: float = Field(ge=0)
    total_amount_eur: float = Field(ge=0)
    vintage: str = Field(min_length=1)


class KohesioBeneficiaryRow(_Row):
    source_line: int = Field(ge=2)
    region_code: str = Code
    beneficiary_name: str = Field(min_length=1)
    beneficiary_name_latin: str | None = None
    total_budget_eur: float | None = Field(default=None, ge=0)
    eu_contribution_eur: float | None = Field(default=None, ge=0)
    projects: int = Field(ge=0)
    snapshot: str = Field(min_length=1)


ROW_MODELS: dict[str, type[_Row]] = {
    "regions": RegionRow,
    "indicators": IndicatorRow,
    "indicator_eurostat": IndicatorEurostatRow,
    "indicator_nsi": IndicatorNsiRow,
    "observations": ObservationRow,
    "targets": TargetRow,
    "funding_programmes": FundingProgrammeRow,
    "funding_municipalities": FundingMunicipalityRow,
    "funding_planned": FundingPlannedRow,
    "kohesio_beneficiaries": KohesioBeneficiaryRow,
    "projects": ProjectRow,
}
