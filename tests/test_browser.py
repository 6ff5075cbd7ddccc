"""Browser tier: the real server on a free port, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from benchmarks.harness import server_options
from helpers import ROOT

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


STAFF_PASSWORD = "browser-Test-1"  # noqa: S105 - a test account made for this server only


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from _serve(tmp_path_factory, {})


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory):
    from si_metrics.auth import hash_password

    yield from _serve(tmp_path_factory, {"SI_STAFF_ACCOUNTS": "maria:" + hash_password(STAFF_PASSWORD)})


def _serve(tmp_path_factory, extra_env: dict):
    port = free_port()
    env = {**os.environ, "SI_DATA_DIR": str(tmp_path_factory.mktemp("browser_data")), **extra_env}
    log = (tmp_path_factory.mktemp("log") / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.serve", *server_options(port, "127.0.0.1")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":  # noqa: S310 - our http URL
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"streamlit did not become healthy; see {log.name}")
        time.sleep(0.25)
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(executable).exists(), "Debian's chromium is needed: `make test` installs it"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2400}, locale="en-GB")
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.external_requests = requests
    yield pg
    context.close()


def load(page, url: str, ready: str = "[data-testid=stMetric]") -> None:
    """Open the url and wait until ``ready`` shows and the script run has finished. In that order: before the
    run starts the app is also "not running", and a test that acts then finds only part of the page."""
    page.goto(url)
    page.wait_for_selector(ready, timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)


def assert_healthy(page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0
    body = page.inner_text("body")
    assert "Traceback" not in body and "encountered an error" not in body and "Page not found" not in body
    outside = [
        u for u in page.external_requests if not u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
    ]
    assert outside == [], f"the page asked the internet for {outside}"


def test_home_page_in_english(server, page):
    load(page, f"{server}/?region=BG41")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home_en.png"), full_page=True)
    assert page.get_by_role("heading", name="Social inclusion and social innovation in Yugozapaden").is_visible()
    kpi = page.locator("[data-testid=stMetric]").filter(has_text="At risk of poverty or social exclusion (EU-2030)")
    assert kpi.locator("[data-testid=stMetricValue]").inner_text() == "20.1%"
    assert "-0.9 pp vs EU-27" in kpi.inner_text()
    assert page.get_by_text("Demo data").first.is_visible()
    assert_healthy(page)
    assert "region=BG41" in page.url and "lang=en" in page.url


def test_home_page_in_bulgarian_and_the_language_switch(server, page):
    load(page, f"{server}/?region=BG311&lang=bg")
    page.screenshot(path=str(ARTIFACTS / "home_bg.png"), full_page=True)
    assert page.get_by_role("heading", name="Социално включване и социални иновации – Видин").is_visible()
    population = page.locator("[data-testid=stMetric]").filter(has_text="Население към 1 януари 2025 г.")
    assert population.locator("[data-testid=stMetricValue]").inner_text() == "70\u00a0542"
    assert_healthy(page)
    page.get_by_text("English", exact=True).click()
    page.wait_for_function("() => location.search.includes('lang=en')", timeout=30_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.get_by_role("heading", name="Social inclusion and social innovation in Vidin").is_visible()
    assert "region=BG311" in page.url


def test_a_copied_link_reproduces_the_view(server, page):
    load(page, f"{server}/?region=BG31&from=2008&to=2012&lang=en")
    kpi = page.locator("[data-testid=stMetric]").filter(
        has_text="2012: At risk of poverty or social exclusion (Europe 2020)"
    )
    assert kpi.locator("[data-testid=stMetricValue]").inner_text() == "52.6%"
    assert all(p in page.url for p in ("region=BG31", "from=2008", "to=2012"))
    assert_healthy(page)


PAGES = [
    ("", "Social inclusion and social innovation in Severozapaden"),
    ("poverty", "Poverty and inclusion"),
    ("funding", "EU funding: ESF+ programmes and EU money by region"),
    ("projects", "Social-innovation projects in Severozapaden"),
    ("regions", "Region profile: Severozapaden"),
    ("need-vs-funding", "Need and funding by region"),
    ("data", "Data and methods"),
]


@pytest.mark.parametrize("path, heading", PAGES)
def test_every_page_loads_without_error(server, page, path, heading):
    page.goto(f"{server}/{path}?region=BG31&lang=en")
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_selector("h1", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / f"page_{path or 'overview'}_en.png"), full_page=True)
    assert heading in page.locator("h1").first.inner_text()
    assert_healthy(page)
    assert "region=BG31" in page.url


def test_clicking_a_map_tile_sets_the_region_and_the_url(server, page):
    load(page, f"{server}/poverty?region=BG&indicator=AROPE&lang=en", ready="[data-testid=stPlotlyChart]")
    chart = page.locator("[data-testid=stPlotlyChart]").first
    chart.wait_for(timeout=30_000)
    point = chart.locator(".scatterlayer .trace .points path").first  # the first tile drawn: BG31 Severozapaden
    point.wait_for(timeout=30_000)
    point.click(force=True)
    page.wait_for_function("() => location.search.includes('region=BG31')", timeout=30_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.get_by_role("combobox", name="Area", exact=True).input_value().strip() == "Severozapaden · BG31"
    assert_healthy(page)


def test_a_chart_download_is_the_plotted_table_as_csv(server, page):
    """The CSV is written when the button is clicked (not on every run) and the click does not rerun the page."""
    load(page, f"{server}/poverty?region=BG31&indicator=AROPE&year=2024&lang=en", ready="[data-testid=stPlotlyChart]")
    page.context.set_default_timeout(30_000)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").first.click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert download.suggested_filename == "AROPE_2024_map.csv"
    assert data.startswith(b"\xef\xbb\xbfcode,name,")  # BOM: Excel reads Cyrillic names
    assert b"\nBG31,Severozapaden,35.8,\n" in data and b"\nBG41,Yugozapaden,20.1,\n" in data
    assert page.locator(IDLE).count() == 1
    assert_healthy(page)


def test_the_region_briefing_downloads_as_a_pdf_from_the_page(server, page):
    """One click on the Regions page gives the area's briefing in the page's language; the test opens the PDF."""
    from pypdf import PdfReader

    load(page, f"{server}/regions?region=BG311&lang=bg", ready="[data-testid=stDownloadButton]")
    page.screenshot(path=str(ARTIFACTS / "regions_briefing_bg.png"))
    page.context.set_default_timeout(60_000)
    with page.expect_download() as info:
        page.get_by_role("button", name="Справка (PDF)").click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert download.suggested_filename == "briefing_BG311_bg.pdf"
    assert data.startswith(b"%PDF-")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(download.path()).pages).replace("\u00a0", " ")
    assert "Справка за района: Видин" in text
    assert "2025 70 542" in text  # the district's population, Bulgarian format
    assert "274,08 млн. евро" in text  # EU funds contracted in its municipalities
    assert "Eurostat demo_r_pjanaggr3; версия 2026-04" in text  # each figure with its source and vintage
    assert "Демонстрационни данни" in text
    assert page.locator(IDLE).count() == 1  # the click did not rerun the page
    assert_healthy(page)


def test_the_language_switch_shows_cyrillic_navigation(server, page):
    load(page, f"{server}/?lang=en")
    page.get_by_text("Български", exact=True).click()
    page.wait_for_function("() => location.search.includes('lang=bg')", timeout=30_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    nav = page.locator("[data-testid=stSidebarNav]").inner_text()
    for label in ("Обобщение", "Бедност и включване", "Проекти", "Данни и методи"):
        assert label in nav
    page.screenshot(path=str(ARTIFACTS / "home_bg_nav.png"), full_page=True)
    assert_healthy(page)


def test_navigation_keeps_the_filters(server, page):
    load(page, f"{server}/?region=BG311&lang=bg&from=2010&to=2020")
    page.locator("[data-testid=stSidebarNav]").get_by_text("Бедност и включване").click()
    page.wait_for_function("() => location.pathname.endsWith('/poverty')", timeout=30_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_function("() => location.search.includes('region=BG311')", timeout=30_000)
    for part in ("region=BG311", "lang=bg", "from=2010", "to=2020"):
        assert part in page.url
    assert_healthy(page)


def test_staff_publish_flow_in_the_browser(staff_server, page, tmp_path):
    """Sign in, upload a file with errors, read them, upload the fix, read the diff, publish, see it."""
    server = staff_server
    page.goto(f"{server}/upload?lang=en")
    page.wait_for_selector(IDLE, timeout=60_000)
    page.get_by_label("User name").fill("maria")
    page.get_by_label("Password", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as maria.").wait_for(timeout=30_000)
    bad, good = tmp_path / "bad.csv", tmp_path / "unemployment.csv"
    bad.write_text(
        "показател;регион;година;стойност\nUNEMP;Видин;2025;4,4\nUNEMP;Северен централен;2025;4,4\n"
        "UNEMP;BG32;2025;абв\n",
        encoding="cp1251",
    )
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(bad))
    page.get_by_text("problem(s) must be fixed").wait_for(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    body = page.inner_text("body")
    assert "Format: tidy observations template · encoding: cp1251 · separator: ; · decimal mark: ," in body
    page.screenshot(path=str(ARTIFACTS / "upload_errors.png"), full_page=True)
    good.write_text("показател;регион;година;стойност\nUNEMP;Северен централен;2025;4,4\n", encoding="cp1251")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(good))
    page.get_by_text("What publishing would change").wait_for(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.get_by_label("Note for the release (why; where the data come from)").first.fill("LFS 2025 for BG32")
    page.get_by_text("I have checked the preview and want to publish.").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("Published as release").wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "upload_published.png"), full_page=True)
    assert_healthy(page)
    load(page, f"{server}/poverty?indicator=UNEMP&year=2025&region=BG32&lang=en", ready="[data-testid=stPlotlyChart]")
    page.get_by_role("tab", name="Table").first.click()  # the tabs are lazy: opening one reruns the page
    page.get_by_role("tabpanel").first.locator("[data-testid=stDataFrame]").wait_for(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert "4.4" in page.locator("[data-testid=stDataFrame]").first.inner_text() or "4.4" in page.inner_text("body")
