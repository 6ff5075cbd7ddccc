"""The dataset catalogue: metadata sidecars (``datasets/<name>.meta.toml``) read into pydantic models."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

DATASETS_DIR = Path(__file__).resolve().parent.parent / "datasets"

# DuckDB column types a sidecar may declare; anything else is rejected so identifiers stay allow-listed.
ColumnType = Literal["VARCHAR", "INTEGER", "BIGINT", "DOUBLE", "BOOLEAN", "DATE"]


class Localized(BaseModel):
    """A text in English and Bulgarian."""

    model_config = ConfigDict(extra="forbid")
    en: str = Field(min_length=1)
    bg: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.bg if lang == "bg" else self.en


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: ColumnType
    unit: str = ""
    required: bool = True
    description: str = Field(min_length=3)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    producer: str
    title: str
    url: str | None = Field(default=None, pattern=r"^https?://")  # none for data made by this project
    licence: str
    vintage: str = Field(description="when the figures were extracted or published, as precise as known")
    notes: str = ""


class DatasetMeta(BaseModel):
    """Everything known about one bundled dataset."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: Localized
    description: str = Field(min_length=10)
    grain: str = Field(pattern=r"^[Oo]ne row per ")
    synthetic: bool
    primary_key: list[str] = Field(min_length=1)
    columns: list[Column] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    caveats: list[str] = []

    @model_validator(mode="after")
    def _key_columns_exist(self) -> DatasetMeta:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate column names in {self.name}")
        missing = [k for k in self.primary_key if k not in names]
        if missing:
            raise ValueError(f"primary key columns {missing} are not declared columns of {self.name}")
        return self

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def csv_path(self) -> Path:
        return DATASETS_DIR / f"{self.name}.csv"


def load_meta(path: Path) -> DatasetMeta:
    """Read and validate one sidecar."""
    with path.open("rb") as fh:
        return DatasetMeta.model_validate(tomllib.load(fh))


@lru_cache(maxsize=1)
def catalog() -> dict[str, DatasetMeta]:
    """All bundled datasets by name, in load order (regions first: others refer to it)."""
    metas = {m.name: m for m in (load_meta(p) for p in sorted(DATASETS_DIR.glob("*.meta.toml")))}
    order = ["regions", "indicators"]
    return {n: metas[n] for n in sorted(metas, key=lambda n: (order.index(n) if n in order else 99, n))}


def dataset(name: str) -> DatasetMeta:
    """One dataset's metadata; a KeyError names the known ones."""
    try:
        return catalog()[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(catalog())}") from None
