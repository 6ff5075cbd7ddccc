# One command each: `make run` (set up and start the app), `make test` (set up and run every test tier),
# `make check` (format, lint and types: what CI runs before the tests).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test quick check init chromium axe postgresql datasets bench clean

$(VENV)/.run-deps: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.dev-deps: $(VENV)/.run-deps requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

init: $(VENV)/.run-deps
	$(PY) -m si_metrics init

run: init
	$(PY) -m ui.serve --server.port $(PORT)

# Debian's Chromium for the browser tests (Playwright's own browser download does not work offline).
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@chromium --version

# axe-core, the accessibility rules the browser tests run (tests/test_accessibility.py), from the npm registry at the
# version and checksum pinned in tests/axe/package-lock.json, into the git-ignored tests/axe/node_modules; the tests
# read the file from disk and inject it, so no page ever loads it from a CDN. npm comes from Debian when missing.
AXE := tests/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/axe/package.json tests/axe/package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm >/dev/null; }
	cd tests/axe && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@test -s $@ && touch $@

# Debian's PostgreSQL server for the tests of the PostgreSQL catalogue: each test session starts a throwaway cluster
# of its own (tests/conftest.py), on a Unix socket in a temporary folder, and stops it at the end.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; }
	@ls /usr/lib/postgresql/*/bin/initdb

test: $(VENV)/.dev-deps chromium axe postgresql
	$(PY) -m pytest

# The loop while working: every test but the browser tier, stopping at the first failure.
quick: $(VENV)/.dev-deps postgresql
	$(PY) -m pytest -m "not browser" -x -q

# Settings in pyproject.toml; `ruff format .` and `ruff check --fix .` repair most of what these report.
check: $(VENV)/.dev-deps
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Regenerate the source-derived datasets from datasets/sources/ (and its manifest) and the synthetic projects.
datasets: $(VENV)/.run-deps
	$(PY) scripts/source_manifest.py
	$(PY) scripts/build_datasets.py
	$(PY) -m si_metrics.demo --out datasets/projects.csv

# Benchmark against the naive baseline (benchmarks/, docs/performance.md): SCALE=small|medium|eu; prints the
# results table; SCALE=eu rewrites the committed benchmarks/results.md, the others write under benchmarks/data/.
# Its browser step needs Playwright (dev requirements) and Chromium.
SCALE ?= small
bench: $(VENV)/.dev-deps chromium
	$(PY) -m benchmarks --scale $(SCALE)

clean:
	rm -rf $(VENV) var artifacts .pytest_cache tests/axe/node_modules
