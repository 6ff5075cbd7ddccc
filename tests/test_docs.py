"""The documentation keeps up with the code: every command and option of the command line, every setting read from
the environment and every bundled dataset is found in the code here and must be described in docs/ (settings also in
the README's configuration table). A command, setting or dataset added later fails this test until it is written up.
"""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from helpers import ROOT
from si_metrics import cli

DOCS = ROOT / "docs"
README = ROOT / "README.md"
README_MAX_LINES = 150


def docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))


def commands() -> dict[str, argparse.ArgumentParser]:
    """The subcommands of ``python -m si_metrics``, as its parser declares them."""
    sub = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def sections(path: Path) -> dict[str, str]:
    """``## `name` `` headings of a Markdown file and the text under each."""
    parts = re.split(r"^## `([^`]+)`[^\n]*$", path.read_text(encoding="utf-8"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def environment_reads(folders: list[Path]) -> set[str]:
    """Names the code reads from the environment: os.environ.get("X"), os.environ["X"], os.getenv("X")."""
    names = set()
    for path in [p for folder in folders for p in ([folder] if folder.is_file() else folder.rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                f = node.func
                if isinstance(f, ast.Attribute) and (
                    (f.attr == "get" and isinstance(f.value, ast.Attribute) and f.value.attr == "environ")
                    or f.attr == "getenv"
                ):
                    names.add(node.args[0].value)
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.slice, ast.Constant)
                and (
                    isinstance(node.value, ast.Attribute)
                    and node.value.attr == "environ"
                    and isinstance(node.ctx, ast.Load)
                )
            ):
                names.add(node.slice.value)
    return names


def test_finding_what_to_document_works():
    assert {"init", "export", "validate", "publish", "history", "rollback", "template"} <= set(commands())
    assert {"SI_DATA_DIR", "SI_MAX_UPLOAD_MB"} <= environment_reads([ROOT / "si_metrics"])
    assert "## `init`" in (DOCS / "cli.md").read_text(encoding="utf-8")


def test_every_command_and_option_has_its_section_in_the_cli_reference():
    documented = sections(DOCS / "cli.md")
    assert sorted(set(commands()) - set(documented)) == [], "commands missing from docs/cli.md"
    assert sorted(set(documented) - set(commands())) == [], "docs/cli.md describes commands that do not exist"
    missing = [
        f"{name} {option}"
        for name, parser in commands().items()
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help" and option not in documented[name]
    ]
    missing += [
        f"{name} {action.metavar or action.dest}"
        for name, parser in commands().items()
        for action in parser._actions
        if not action.option_strings and (action.metavar or action.dest.upper()) not in documented[name]
    ]
    assert missing == [], "options or arguments missing from their command's section of docs/cli.md"


def test_every_setting_is_in_the_readme_table_and_described_in_the_docs():
    app_code = [ROOT / "si_metrics", ROOT / "ui", ROOT / "pages", ROOT / "app.py"]
    settings = environment_reads(app_code)
    readme, docs = README.read_text(encoding="utf-8"), docs_text()
    assert {"SI_DATA_DIR", "SI_STAFF_ACCOUNTS", "SI_STAFF_EMAILS", "SI_MAX_UPLOAD_MB", "SI_MAX_UPLOAD_ROWS"} <= settings
    own = sorted(s for s in settings if s.startswith("SI_"))
    assert [s for s in own if not re.search(rf"^\| `{s}` \|", readme, re.M)] == [], "settings missing from README"
    others = environment_reads([ROOT / "benchmarks"]) | settings
    assert sorted(s for s in others if f"`{s}`" not in docs) == [], "environment variables not described in docs/"


def test_every_bundled_dataset_is_described_in_the_data_docs():
    names = sorted(p.name.removesuffix(".meta.toml") for p in (ROOT / "datasets").glob("*.meta.toml"))
    assert "observations" in names and "projects" in names
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", (DOCS / "data.md").read_text(encoding="utf-8"), re.M))
    assert sorted(set(names) - documented) == [], "datasets missing from the table in docs/data.md"


@pytest.mark.parametrize("target", ["run", "test", "check", "bench", "init", "datasets", "clean"])
def test_every_make_target_is_documented(target):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^{target}:", makefile, re.M)
    assert f"make {target}" in README.read_text(encoding="utf-8") + docs_text()


def test_the_readme_is_a_short_front_door_whose_links_resolve():
    readme = README.read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= README_MAX_LINES
    assert "make run" in readme and "make test" in readme and "](docs/index.md)" in readme
    unresolved = []
    for page in [README, *sorted(DOCS.glob("*.md"))]:
        for link in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            # docs/deployment.md is written on its own branch; until it lands, links to it point ahead
            local = not re.match(r"[a-z]+:", link) and Path(link).name != "deployment.md"
            if local and not (page.parent / link).exists():
                unresolved.append(f"{page.name}: {link}")
    assert unresolved == []
