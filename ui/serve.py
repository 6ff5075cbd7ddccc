"""Start the app: ``python -m ui.serve [streamlit options]`` = ``streamlit run app.py`` without a first-run glitch.

Streamlit treats a folder named ``pages/`` beside the entry script as a legacy (v1) multipage app until the
first script run calls ``st.navigation``. If that first run after a start is a deep link (``/poverty?…``),
the page runs outside the frame in app.py (or a "page not found" notice shows). Our pages live in
``pages/`` (by design) and are routed by app.py, so the legacy detection is switched off before the server
starts. ``streamlit run app.py`` still works; only that first request can glitch.
"""

import sys

from streamlit import delta_generator
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

PagesManager.uses_pages_directory = False
# Streamlit's check for "imported but not started with `streamlit run`" walks the whole call stack with
# inspect.stack() when the first run draws its first element, which the first visitor waits for; this launcher
# is `streamlit run`, so the check is marked as done.
if hasattr(delta_generator, "_use_warning_has_been_displayed"):
    delta_generator._use_warning_has_been_displayed = True

if __name__ == "__main__":
    sys.exit(cli.main(["run", "app.py", *sys.argv[1:]], prog_name="streamlit", standalone_mode=True))
