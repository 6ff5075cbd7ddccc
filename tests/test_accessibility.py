"""Browser tier: axe-core's WCAG 2.1 A/AA rules on every page in both languages, against the real app.

axe-core comes from the npm registry (`make axe`, pinned in tests/axe/package-lock.json) and is injected from disk,
so the page under test never fetches it. A serious or critical violation fails the test unless every node it names
sits inside Streamlit's own sidebar navigation, which the project does not render (the check proves that per node).
Each run writes its counts per rule to artifacts/axe/<page>_<lang>.json, the figures docs/accessibility.md cites."""

from __future__ import annotations

import json

import pytest
from test_browser import ARTIFACTS, IDLE, assert_healthy, browser, server  # noqa: F401 - fixtures shared

from helpers import ROOT
from si_metrics import i18n

pytestmark = pytest.mark.browser
AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
STREAMLIT_NAV = "[data-testid=stSidebarNav]"
# url path, the message of the page's title: the window title names the page, not only the app
PAGES = [
    ("", "nav_home"),
    ("poverty", "nav_poverty"),
    ("funding", "nav_funding"),
    ("projects", "nav_projects"),
    ("regions", "nav_regions"),
    ("need-vs-funding", "nav_need"),
    ("data", "nav_data"),
    ("upload", "nav_upload"),
]

# Runs axe, then marks each node of each violation with whether it lies inside Streamlit's sidebar navigation.
RUN_AXE = """async ([tags, nav]) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => {
      const el = document.querySelector(n.target[0]);
      return {target: n.target.join(' '), html: n.html.slice(0, 200), summary: n.failureSummary,
              in_nav: el !== null && el.closest(nav) !== null};
    }),
  }));
}"""


def settle(page) -> None:
    """Wait until the script run has finished and every Plotly chart on the page has drawn its SVG."""
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(c => c.querySelector('.main-svg'))",
        timeout=60_000,
    )


def run_axe(page) -> list[dict]:
    assert AXE.exists(), "axe-core is needed: `make axe` (part of `make test`) installs it"
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, [WCAG_TAGS, STREAMLIT_NAV])


def project_violations(violations: list[dict]) -> list[dict]:
    """Serious and critical violations with at least one node outside Streamlit's navigation."""
    return [
        {**v, "nodes": [n for n in v["nodes"] if not n["in_nav"]]}
        for v in violations
        if v["impact"] in BLOCKING and any(not n["in_nav"] for n in v["nodes"])
    ]


@pytest.fixture
def page(browser):  # noqa: F811 - the shared browser fixture
    context = browser.new_context(viewport={"width": 1400, "height": 1400}, locale="en-GB")
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.external_requests = requests
    yield pg
    context.close()


@pytest.mark.parametrize("lang", ["en", "bg"])
@pytest.mark.parametrize("path, title", PAGES, ids=[p or "overview" for p, _ in PAGES])
def test_axe_finds_no_serious_violation(server, page, path, title, lang):  # noqa: F811
    page.goto(f"{server}/{path}?lang={lang}")
    settle(page)
    violations = run_axe(page)
    out = ARTIFACTS / "axe"
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for v in violations:
        if v["impact"] in BLOCKING:
            key = f"{v['id']}{' (Streamlit nav)' if all(n['in_nav'] for n in v['nodes']) else ''}"
            counts[key] = len(v["nodes"])
    (out / f"{path or 'overview'}_{lang}.json").write_text(
        json.dumps({"counts": counts, "violations": violations}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    blocking = project_violations(violations)
    assert blocking == [], "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}): {n['target']} {n['html']!r}" for v in blocking for n in v["nodes"]
    )
    # what axe cannot judge: the language is the one chosen, and the window title names the page
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.title().startswith(i18n.translate(lang, title))
    assert_healthy(page)
