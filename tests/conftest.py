"""Shared fixtures: every test session works in its own SI_DATA_DIR, never the developer's var/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import assert_valid_figure


@pytest.fixture(scope="session", autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("si_data")
    os.environ["SI_DATA_DIR"] = str(path)
    return path


@pytest.fixture(autouse=True)
def validated_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every figure a test draws (pages included) is checked by Plotly's validation, which the app skips for speed:
    an unknown or ill-typed property fails the test that drew it (see si_metrics.charts._figure)."""
    from si_metrics import charts

    unvalidated = charts._figure

    def checked(traces: list[dict], layout: dict):
        fig = unvalidated(traces, layout)
        assert_valid_figure(fig)
        return fig

    monkeypatch.setattr(charts, "_figure", checked)


@pytest.fixture(scope="session")
def con(data_dir: Path):
    """The store built from the bundled datasets, shared read-mostly by the session."""
    from si_metrics import store

    connection = store.open_store()
    yield connection
    connection.close()


@pytest.fixture
def fresh_store(tmp_path: Path):
    """A store of its own, for tests that publish or rebuild."""
    from si_metrics import store

    connection = store.open_store(tmp_path / "store.duckdb")
    yield connection
    connection.close()
