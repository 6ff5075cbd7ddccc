"""Shared fixtures: every test session works in its own SI_DATA_DIR, never the developer's var/."""

from __future__ import annotations

import os
import secrets
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

    connection = store.open_store(tmp_path / "store")
    yield connection
    connection.close()


CATALOGUES = ("sqlite", "postgres")  # the store's own tests run against both


@pytest.fixture(scope="session")
def pg_dsn():
    """A PostgreSQL server for the PostgreSQL-catalogue runs: $SI_TEST_PG (a libpq connection string), else a
    throwaway cluster on a Unix socket for this session. Without PostgreSQL installed a developer's run skips those
    tests; CI fails instead (both catalogues are what CI proves)."""
    dsn = os.environ.get("SI_TEST_PG")
    if dsn:
        yield dsn
        return
    from benchmarks import pgcluster

    if pgcluster.bin_dir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed (apt-get install -y postgresql): CI tests both catalogues")
        pytest.skip("PostgreSQL is not installed (apt-get install -y postgresql)")
    with pgcluster.cluster() as started:
        yield started


def store_location(request: pytest.FixtureRequest, kind: str, folder: Path):
    """Where a test's own store lives: an embedded store in ``folder``, or a PostgreSQL catalogue in a schema of its
    own with the Parquet files in ``folder``."""
    from si_metrics import store

    if kind == "sqlite":
        return store.embedded(folder)
    dsn = request.getfixturevalue("pg_dsn")
    return store.Location(f"postgres:{dsn}", f"{folder}/data/", schema=f"t_{secrets.token_hex(6)}")


@pytest.fixture(params=CATALOGUES)
def any_store(request: pytest.FixtureRequest, tmp_path: Path):
    """A store of its own in each catalogue (the store's own tests use it as their fresh_store)."""
    from si_metrics import store

    connection = store.open_store(store_location(request, request.param, tmp_path / "store"))
    yield connection
    connection.close()
