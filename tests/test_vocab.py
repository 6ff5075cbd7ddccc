"""The vocabularies are written once (si_metrics/vocab.py) and everything that names a theme, a kind of body, a
sector, a status or a goal reads them from there: the row model, the demo data, the filters, the labels."""

from __future__ import annotations

import csv

import pytest
from pydantic import ValidationError

from helpers import ROOT
from si_metrics import demo, i18n, projects, schemas, vocab
from ui import state


def test_the_vocabularies_hold_what_the_observatory_measures():
    assert vocab.THEMES[:3] == ("esf_admin", "si_sustainable", "poverty_inclusion")  # the SI PLUS networks
    assert len(vocab.THEMES) == 8 and len(set(vocab.THEMES)) == 8
    assert len(vocab.TARGET_GROUPS) == 10 and vocab.TARGET_GROUPS[0] == "roma"
    assert len(vocab.ORG_TYPES) == 9
    assert vocab.SECTORS == ("public", "private", "social")
    assert vocab.STATUSES == ("planned", "ongoing", "completed", "cancelled")
    assert tuple(range(1, 18)) == vocab.SDGS


def test_every_kind_of_body_has_one_sector_and_every_theme_a_core_goal():
    assert set(vocab.SECTOR_OF_TYPE) == set(vocab.ORG_TYPES)
    assert set(vocab.SECTOR_OF_TYPE.values()) == set(vocab.SECTORS)
    assert list(vocab.SDG_CORE) == list(vocab.THEMES)
    assert vocab.SDG_CORE["poverty_inclusion"] == 1 and set(vocab.SDG_CORE.values()) <= set(vocab.SDGS)


def test_the_row_model_the_demo_and_the_filters_use_the_same_lists():
    fields = schemas.ProjectRow.model_fields
    assert fields["theme"].annotation is vocab.Theme
    assert fields["lead_org_type"].annotation is vocab.OrgType
    assert fields["lead_sector"].annotation is vocab.Sector
    assert fields["status"].annotation is vocab.Status
    assert demo.THEMES is vocab.THEMES and demo.ORG_TYPES is vocab.ORG_TYPES
    assert demo.SECTORS_SORTED == ["private", "public", "social"]  # partner_sectors is a sorted join
    assert state.THEMES is vocab.THEMES and projects.THEMES is vocab.THEMES


def test_the_row_model_refuses_a_theme_outside_the_vocabulary():
    with (ROOT / "datasets" / "projects.csv").open(encoding="utf-8") as fh:
        row = {k: (v or None) for k, v in next(csv.DictReader(fh)).items()}
    assert schemas.ProjectRow.model_validate(row).theme == row["theme"]
    with pytest.raises(ValidationError, match="theme"):
        schemas.ProjectRow.model_validate({**row, "theme": "sports"})


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_value_has_a_label_in_every_language(lang):
    messages = i18n.messages(lang)
    keys = [f"theme_{c}" for c in vocab.THEMES]
    keys += [f"projects_group_{c}" for c in vocab.TARGET_GROUPS]
    keys += [f"projects_org_{c}" for c in vocab.ORG_TYPES]
    keys += [f"projects_sector_{c}" for c in vocab.SECTORS]
    keys += [f"projects_status_{c}" for c in vocab.STATUSES]
    keys += [f"projects_sdg_{n}" for n in vocab.SDGS]
    assert [k for k in keys if not messages.get(k)] == []
