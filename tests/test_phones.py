"""Browser tier: every page at a phone's width (390 x 844 CSS pixels), in both languages.

Nothing may be wider than the screen: neither the document nor Streamlit's main scroll area (where the page really
scrolls) nor any element inside it. Each page is photographed whole to artifacts/phones/ for a person to look at."""

from __future__ import annotations

import pytest
from test_accessibility import PAGES, settle
from test_browser import ARTIFACTS, assert_healthy, browser, server  # noqa: F401 - fixtures shared

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SHOTS = ARTIFACTS / "phones"

# Widths that overflow: the document, Streamlit's main area, and every visible element in it whose right edge passes
# the screen's (an element inside a scrollable table or code block may, so those are not descended into).
OVERFLOW = """() => {
  const doc = document.documentElement, main = document.querySelector('[data-testid=stMain]');
  const wide = [];
  const walk = (el) => {
    for (const child of el.children) {
      const box = child.getBoundingClientRect();
      if (box.width > 0 && box.right > doc.clientWidth + 1) {
        wide.push(`${child.tagName.toLowerCase()}.${String(child.className).split(' ').slice(-2).join('.')} ` +
                  `[${child.getAttribute('data-testid') || ''}] right=${Math.round(box.right)}`);
      }
      const style = getComputedStyle(child);
      if (style.overflowX !== 'auto' && style.overflowX !== 'scroll' && style.overflowX !== 'hidden') walk(child);
    }
  };
  walk(main);
  return {doc: [doc.scrollWidth, doc.clientWidth], main: [main.scrollWidth, main.clientWidth], wide: wide.slice(0, 10),
          height: main.scrollHeight};
}"""


@pytest.fixture
def phone(browser):  # noqa: F811 - the shared browser fixture
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="bg-BG", user_agent="Mobile"
    )
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.external_requests = requests
    yield pg
    context.close()


@pytest.mark.parametrize("lang", ["en", "bg"])
@pytest.mark.parametrize("path", [p for p, _ in PAGES], ids=[p or "overview" for p, _ in PAGES])
def test_every_page_fits_a_phone(server, phone, path, lang):  # noqa: F811
    phone.goto(f"{server}/{path}?lang={lang}&region=BG311")
    settle(phone)
    found = phone.evaluate(OVERFLOW)
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Streamlit scrolls its main area, not the document: a photo of the whole page needs a window as tall as it
    phone.set_viewport_size({"width": PHONE["width"], "height": min(found["height"], 12_000)})
    settle(phone)
    phone.screenshot(path=str(SHOTS / f"{path or 'overview'}_{lang}.png"))
    assert found["doc"][0] <= found["doc"][1] + 1, f"the page is {found['doc'][0]} px wide on a {PHONE['width']} screen"
    assert found["main"][0] <= found["main"][1] + 1, f"the main area scrolls sideways: {found}"
    assert found["wide"] == [], f"wider than the screen: {found['wide']}"
    assert_healthy(phone)
