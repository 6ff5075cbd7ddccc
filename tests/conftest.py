"""Shared fixtures: every test session works in its own SI_DATA_DIR, never the developer's var/."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REFERENCE = ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session", autouse=True)
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("si_data")
    os.environ["SI_DATA_DIR"] = str(path)
    return path


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
