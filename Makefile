# Two commands on a fresh machine: `make bulletin` and `make test`.
# Dependencies are installed from requirements.lock (exact versions and hashes, generated from
# pyproject.toml: see "Reproducible installs" in README.md), then the project itself without them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# -qq: errors only (a site pip configuration naming missing index folders warns once per package)
PIP := $(BIN)/python -m pip -qq --disable-pip-version-check

.PHONY: bulletin test check preview lint lock clean references

bulletin: $(STAMP)
	$(BIN)/python make_bulletin.py build

# The suite runs on every core (pytest-xdist); each test starts the services it needs.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

check: $(STAMP)
	$(BIN)/python make_bulletin.py check

preview: $(STAMP)
	$(BIN)/python make_bulletin.py preview

# Regenerate the reference page images the tests compare with (tests/references/), after an
# intended change of the look: look at them, then commit them. Never run by the tests.
references: $(STAMP)
	$(BIN)/python tests/references.py

# Quiet on purpose: one line saying what happens, then only errors (pip -qq, no banners).
$(STAMP): pyproject.toml requirements.lock
	@echo "Installation des dépendances dans $(VENV) (requirements.lock)…"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --require-hashes -r requirements.lock
	@$(PIP) install --no-deps --no-build-isolation -e .
	@touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check bulletin tests benchmarks --select F,E9
	$(BIN)/mypy bulletin

# Regenerate requirements.lock after changing the dependencies in pyproject.toml (pip-tools, from PyPI,
# in a throwaway venv so that it never enters the project's own environment).
lock:
	rm -rf $(VENV)-lock && $(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip -qq --disable-pip-version-check install pip-tools==7.6.2
	$(VENV)-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra test \
	    --extra dev --all-build-deps --no-emit-index-url --no-emit-find-links \
	    --output-file requirements.lock pyproject.toml
	rm -rf $(VENV)-lock

clean:
	rm -rf out .pytest_cache
