"""Progress towards the 2030 targets is computed from whatever the store holds; until it can be, the page says which
series is missing, for which years, and which Eurostat dataset staff publish to fill it."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import ROOT, open_page
from si_metrics import kpis, store
from si_metrics.ingest import pipeline

# AROPE (EU-2030) for Bulgaria in 2019 and 2024, in the tidy template: values chosen for the test
FIXTURE = (
    b"indicator_code,region_code,year,value,source,vintage\n"
    b"AROPE,BG,2019,32.5,Test fixture (not Eurostat),test\n"
    b"AROPE,BG,2024,30.3,Test fixture (not Eurostat),test\n"
)


def population(year: int) -> float:
    obs = pd.read_csv(ROOT / "datasets" / "observations.csv")
    rows = obs.query("indicator_code == 'POP' and region_code == 'BG' and sex == 'T' and age == 'TOTAL'")
    return float(rows.set_index("year").loc[year, "value"])


@pytest.fixture
def own_store(tmp_path):
    con = store.open_store(tmp_path / "store")
    yield con
    con.close()


def test_the_bundled_store_names_what_is_missing(own_store):
    (bulgaria,) = [t for t in kpis.targets(own_store, ["BG"]) if t.region == "BG"]
    assert bulgaria.change_so_far is None
    assert bulgaria.missing == (("AROPE", "2019"), ("AROPE", "2020-2030"))  # population 2019 is bundled


def test_publishing_the_series_gives_the_progress(own_store):
    prepared = pipeline.prepare(own_store, FIXTURE, "arope_bg.csv")
    assert prepared.ok, prepared.errors
    pipeline.publish(own_store, prepared, user="tester", note="AROPE fixture")
    (bulgaria,) = [t for t in kpis.targets(own_store, ["BG"]) if t.region == "BG"]
    before, now = 0.325 * population(2019), 0.303 * population(2024)
    assert bulgaria.missing == ()
    assert bulgaria.latest_year == 2024
    assert bulgaria.change_so_far == pytest.approx(now - before)
    assert round(bulgaria.change_so_far) == round(0.303 * 6445481 - 0.325 * 6664177) == -212877
    assert bulgaria.share_achieved_pct == pytest.approx((now - before) / -787000 * 100)


def test_the_page_says_which_series_and_which_eurostat_dataset(con):
    at = open_page(None, region="BG")
    target = next(i.value for i in at.info if "787,000" in i.value)
    assert "At risk of poverty or social exclusion (EU-2030) for 2019 (Eurostat ilc_peps11n)" in target
    assert "for 2020-2030 (Eurostat ilc_peps11n)" in target
    assert "python -m si_metrics publish FILE" in target
    bg = open_page(None, region="BG", lang="bg")
    target = next(i.value for i in bg.info if "787" in i.value)
    assert "за 2019 г. (Евростат ilc_peps11n)" in target
