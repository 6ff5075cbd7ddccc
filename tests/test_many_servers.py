"""Two app processes on one PostgreSQL-catalogue store keep serving pages while a command-line publish lands, and
both show the new value on their next run (browser tier: the real servers, driven by Chromium)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest
from test_browser import CHROMIUM_ARGS, _serve, assert_healthy, load

from helpers import ROOT
from si_metrics.catalog import catalog

pytestmark = pytest.mark.browser

POPULATION = "[data-testid=stMetric]"
LABEL = "Population, 1 January 2025"


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory, pg_dsn):
    """The settings of one store in PostgreSQL with its files in a shared folder, built once from the CLI."""
    env = {
        "SI_STORE": pg_dsn,
        "SI_STORE_SCHEMA": "two_servers",
        "SI_STORE_DATA": str(tmp_path_factory.mktemp("shared_lake")) + "/",
    }
    built = subprocess.run(
        [sys.executable, "-m", "si_metrics", "init"],
        cwd=ROOT,
        env={**os.environ, **env, "SI_DATA_DIR": str(tmp_path_factory.mktemp("init"))},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    return env


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory, shared_store):
    first = _serve(tmp_path_factory, shared_store)
    second = _serve(tmp_path_factory, shared_store)
    urls = [next(first), next(second)]
    yield urls
    for server in (first, second):
        next(server, None)  # stops it


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


def population(page) -> str:
    kpi = page.locator(POPULATION).filter(has_text=LABEL)
    return kpi.locator("[data-testid=stMetricValue]").inner_text()


def test_two_servers_serve_pages_during_a_publish_and_both_show_the_new_value(
    two_servers,
    shared_store,
    chromium,
    tmp_path,
):
    context = chromium.new_context(viewport={"width": 1400, "height": 2000}, locale="en-GB")
    pages = [context.new_page() for _ in two_servers]
    for page in pages:
        page.external_requests = []
    try:
        for page, url in zip(pages, two_servers):
            load(page, f"{url}/?region=BG311&lang=en")
            assert population(page) == "70,542"
        upload = tmp_path / "population.csv"
        upload.write_text("indicator_code,region_code,year,value\nPOP,BG311,2025,71234\n", encoding="utf-8")
        publish = subprocess.Popen(
            [sys.executable, "-m", "si_metrics", "publish", str(upload), "--user", "cron", "--note", "nightly"],
            cwd=ROOT,
            env={**os.environ, **shared_store, "SI_DATA_DIR": str(tmp_path)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        served = 0
        deadline = time.monotonic() + 180
        while publish.poll() is None:  # pages keep answering while the publish runs
            for page, url in zip(pages, two_servers):
                load(page, f"{url}/?region=BG311&lang=en&from=2010")
                assert population(page) in {"70,542", "71,234"}
                served += 1
            assert time.monotonic() < deadline, "the publish did not finish"
        out, err = publish.communicate()
        assert publish.returncode == 0, err
        first = len(catalog()) + 1  # the initial load is one release per bundled dataset
        assert f"release {first}: observations published by cron" in out
        assert served >= 1
        for page, url in zip(pages, two_servers):  # no restart: the next run reads the new release
            load(page, f"{url}/?region=BG311&lang=en")
            assert population(page) == "71,234"
            assert_healthy(page)
    finally:
        context.close()
