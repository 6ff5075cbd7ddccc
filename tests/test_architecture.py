"""House rules that keep the code safe and simple (CONTRIBUTING.md, docs/architecture.md)."""

from __future__ import annotations

import ast
import re

from helpers import ROOT


def imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_the_domain_package_never_imports_streamlit():
    files = list((ROOT / "si_metrics").rglob("*.py"))
    assert len(files) > 10
    offenders = [p.relative_to(ROOT) for p in files if "streamlit" in imports(p)]
    assert offenders == []


def test_pages_never_touch_the_database_or_build_sql():
    for path in [ROOT / "app.py", *(ROOT / "pages").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "duckdb" not in imports(path), path.name
        assert not re.search(r"read_csv|\.execute\(|\bselect\b.+\bfrom\b", text, re.I), path.name


def test_no_data_is_rendered_as_html_and_nothing_phones_home():
    code = [*(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").glob("*.py"), ROOT / "app.py"]
    frame = ROOT / "ui" / "frame.py"  # the one st.html: the fixed stylesheet and frame script (tests/test_frame.py)
    for path in code:
        text = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in text, path.name
        assert "st.html" not in text or path == frame, path.name
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "gatherUsageStats = false" in config


def test_secrets_are_ignored_and_every_setting_is_documented():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert ".streamlit/secrets.toml" in ignored and "var/" in ignored
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    settings = set(
        re.findall(
            r'environ(?:\.get)?\(\s*"(SI_[A-Z_]+)"',
            "\n".join(p.read_text(encoding="utf-8") for p in ROOT.rglob("*.py") if ".venv" not in p.parts),
        )
    )
    assert "SI_DATA_DIR" in settings
    for name in settings:
        assert name in readme, f"{name} is read from the environment but not documented in README.md"


def test_requirements_are_pinned_exactly():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for raw in (ROOT / name).read_text(encoding="utf-8").splitlines():
            line = raw.split("#")[0].strip()
            if line:
                assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", line), line
    assert "duckdb==1.5.5" in (ROOT / "requirements.txt").read_text(encoding="utf-8")


def test_page_scripts_live_in_section_folders():
    """A .py file directly in pages/ would make Streamlit run it as a legacy page outside app.py's frame."""
    assert sorted(p.name for p in (ROOT / "pages").glob("*.py")) == []
    assert len(list((ROOT / "pages").rglob("*.py"))) >= 7
