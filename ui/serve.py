"""Start the app: ``python -m ui.serve [streamlit options]`` = ``streamlit run app.py`` without a first-run glitch.

Streamlit treats a folder named ``pages/`` beside the entry script as a legacy (v1) multipage app until the
first script run calls ``st.navigation``. If that first run after a start is a deep link (``/poverty?…``),
the page runs outside the frame in app.py (or a "page not found" notice shows). Our pages live in
``pages/`` (by design) and are routed by app.py, so the legacy detection is switched off before the server
starts. ``streamlit run app.py`` still works; only that first request can glitch.
"""

import importlib
import sys
import threading
from collections.abc import Callable
from typing import Any

from streamlit import delta_generator, net_util
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import bootstrap, cli

PagesManager.uses_pages_directory = False
# Streamlit's check for "imported but not started with `streamlit run`" walks the whole call stack with
# inspect.stack() when the first run draws its first element, which the first visitor waits for; this launcher
# is `streamlit run`, so the check is marked as done.
if hasattr(delta_generator, "_use_warning_has_been_displayed"):
    delta_generator._use_warning_has_been_displayed = True

# What the first run of a page imports (pandas, DuckDB, Plotly and our modules: about 1 s on a 2-core machine). Loaded
# on a thread once the server listens, they load while the first browser fetches and parses the frontend, instead of
# while that visitor waits for the first run. Started earlier, they would slow the server's own start-up (one GIL).
# Python's import locks make a run that needs a module still loading here wait for it, not load it twice.
WARM_MODULES = (
    "pandas",
    "duckdb",
    "plotly.graph_objects",
    "si_metrics.store",
    "si_metrics.charts",
    "ui.data",
    "ui.maps",
)


def _warm() -> None:
    for name in WARM_MODULES:
        importlib.import_module(name)
    # then what every page's first run asks first: the store's connection and the per-release lookups the shared
    # filters are built from (cached for all sessions, as the first visitor would have cached them)
    from ui import data, state

    try:
        release = data.release()
        data.areas(release)
        data.year_bounds(release)
        data.indicators(release)
        # and the headline figures of the page a first visitor opens (the Overview with the default filters)
        data.home_kpis(release, state.DEFAULT_REGION, *data.data_span(release))
    except Exception:  # e.g. the store is locked: the first run reports that to the visitor
        return


def _warm_after_start(original: Callable[[Any], None]) -> Callable[[Any], None]:
    def on_server_start(server: Any) -> None:
        threading.Thread(target=_warm, name="si-warm-imports", daemon=True).start()
        original(server)

    return on_server_start


# A headless start asks an outside host for this machine's public address, only to print an "External URL" (up to
# 1 s, on the event loop, before the server answers anyone). The observatory calls no outside host: the address is
# marked as known and empty, so nothing is asked and no such URL is printed.
if hasattr(net_util, "_external_ip"):
    net_util._external_ip = ""

if hasattr(bootstrap, "_on_server_start"):  # Streamlit's own hook, run once the server is up
    bootstrap._on_server_start = _warm_after_start(bootstrap._on_server_start)  # type: ignore[assignment]


if __name__ == "__main__":
    sys.exit(cli.main(["run", "app.py", *sys.argv[1:]], prog_name="streamlit", standalone_mode=True))
