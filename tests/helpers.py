"""What many test files share: the repository's paths, the figure check, and driving the app as a visitor does.
Fixtures stay in conftest.py; test files import these helpers from here."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "datasets" / "sources"  # the raw public files, vendored (MANIFEST.csv)


def assert_valid_figure(fig) -> None:
    """Plotly's validation accepts the figure and changes nothing that is sent (charts are built unvalidated)."""
    import json

    import plotly.graph_objects as go
    import plotly.io as pio

    sent = json.loads(pio.to_json(fig, validate=False))  # parsed: the order of keys means nothing
    validated = json.loads(pio.to_json(go.Figure(fig.to_dict()), validate=False))
    assert validated == sent, f"validation changes the figure at {_first_difference(sent, validated)}"


def _first_difference(a, b, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key, "<absent>") != b.get(key, "<absent>"):
                return _first_difference(a.get(key, "<absent>"), b.get(key, "<absent>"), f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path}: sent {str(a)[:120]!r}, validated {str(b)[:120]!r}"


GLOBAL_PARAMS = ("lang", "region", "from", "to", "theme")


def open_page(page: str | None = None, **params: str):
    """Run the app as a visitor with a link would: shared filters from the URL on the first run, then the
    page (``pages/x.py``) with its own URL settings. Fails on any exception the app raised."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key in GLOBAL_PARAMS:
        if key in params:
            at.query_params[key] = params[key]
    if page is None:
        for key, value in params.items():
            at.query_params[key] = value
    at.run()
    if page is not None:
        # a link opens its page directly: drop the Overview's own settings from the URL, as navigation does
        for key in [k for k in at.query_params if k not in GLOBAL_PARAMS]:
            del at.query_params[key]
        at.switch_page(page)
        for key, value in params.items():
            if key not in GLOBAL_PARAMS:
                at.query_params[key] = value
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open_tabs(at, message: str):
    """Open the tab labelled ``message`` (``tab_chart`` or ``tab_table``) of every chart on the page and rerun.
    The tabs are lazy: only the open one is built and sent, as in the browser."""
    from si_metrics import i18n

    keys = [k for k in at.session_state if str(k).startswith("tab_")]
    labels = {tab.label for tab in at.tabs}
    wanted = next(
        (i18n.messages(lang)[message] for lang in i18n.LANGUAGES if i18n.messages(lang)[message] in labels), None
    )
    stale = [k for k in keys if at.session_state[k] != wanted]
    if wanted and stale:
        for key in stale:
            at.session_state[key] = wanted
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def show_tables(at):
    """The page with the Table tab of every chart open (the charts themselves are then not sent)."""
    return _open_tabs(at, "tab_table")


def show_charts(at):
    """The page with the Chart tab of every chart open, as a visitor first sees it."""
    return _open_tabs(at, "tab_chart")


def metrics(at) -> dict[str, tuple[str, str]]:
    """Every st.metric on the page: label -> (value, delta)."""
    return {m.label: (m.value, m.delta) for m in at.metric}


def _last_year() -> int:
    """The period filter's last year: the latest observation or project year in the bundled CSVs."""
    import csv

    with (ROOT / "datasets" / "observations.csv").open(encoding="utf-8") as fh:
        years = [int(r["year"]) for r in csv.DictReader(fh)]
    with (ROOT / "datasets" / "projects.csv").open(encoding="utf-8") as fh:
        years += [int(r[c][:4]) for r in csv.DictReader(fh) for c in ("start_date", "end_date")]
    return max(years)


LAST_YEAR = _last_year()


def _observed_years() -> tuple[int, int]:
    """The default period: the first and last year of the bundled observations (projects may reach further)."""
    import csv

    with (ROOT / "datasets" / "observations.csv").open(encoding="utf-8") as fh:
        years = [int(r["year"]) for r in csv.DictReader(fh)]
    return min(years), max(years)


FIRST_YEAR, DATA_LAST_YEAR = _observed_years()
