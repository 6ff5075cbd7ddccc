"""The project vocabularies, each written once: themes, target groups, organisation types, sectors, statuses and
SDGs. The row models (``schemas``), the demo generator, the upload checks, the pages' filters and the tests all
read them from here; their labels in each language are in ``locales/<lang>/*.json``."""

from __future__ import annotations

from typing import Literal, get_args

# The first three are the themes of the SI PLUS networks; the others are the wider fields of social innovation.
Theme = Literal[
    "esf_admin",
    "si_sustainable",
    "poverty_inclusion",
    "employment",
    "education",
    "health_care",
    "community",
    "digital_inclusion",
]
THEMES: tuple[Theme, ...] = get_args(Theme)

TargetGroup = Literal[
    "roma",
    "long_term_unemployed",
    "youth_neet",
    "elderly",
    "people_with_disabilities",
    "children",
    "low_income_households",
    "single_parents",
    "homeless",
    "migrants",
]
TARGET_GROUPS: tuple[TargetGroup, ...] = get_args(TargetGroup)

# The kind of body that leads a project.
OrgType = Literal[
    "municipality",
    "state_agency",
    "ngo",
    "social_enterprise",
    "sme",
    "large_company",
    "university",
    "school",
    "community_centre",
]
ORG_TYPES: tuple[OrgType, ...] = get_args(OrgType)

# The three sectors whose collaboration social innovation is about, in the order pages show them.
Sector = Literal["public", "private", "social"]
SECTORS: tuple[Sector, ...] = get_args(Sector)

SECTOR_OF_TYPE: dict[OrgType, Sector] = {
    "municipality": "public",
    "state_agency": "public",
    "university": "public",
    "school": "public",
    "sme": "private",
    "large_company": "private",
    "ngo": "social",
    "social_enterprise": "social",
    "community_centre": "social",
}

# In time order: a project is planned, then ongoing, then completed (or cancelled on the way).
Status = Literal["planned", "ongoing", "completed", "cancelled"]
STATUSES: tuple[Status, ...] = get_args(Status)

# The 17 UN Sustainable Development Goals, by number.
SDGS: tuple[int, ...] = tuple(range(1, 18))

# Each theme's core goal: always among a project's goals, and the goal an upload gets when its `sdgs` is empty.
SDG_CORE: dict[Theme, int] = {
    "esf_admin": 17,
    "si_sustainable": 11,
    "poverty_inclusion": 1,
    "employment": 8,
    "education": 4,
    "health_care": 3,
    "community": 11,
    "digital_inclusion": 4,
}
