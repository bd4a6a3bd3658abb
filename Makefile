# Two commands on a fresh machine: `make bulletin` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: bulletin test check preview lint clean references

bulletin: $(STAMP)
	$(BIN)/python make_bulletin.py build

test: $(STAMP)
	$(BIN)/python -m pytest -q

check: $(STAMP)
	$(BIN)/python make_bulletin.py check

preview: $(STAMP)
	$(BIN)/python make_bulletin.py preview

# Regenerate the reference page images the tests compare with (tests/references/), after an
# intended change of the look: look at them, then commit them. Never run by the tests.
references: $(STAMP)
	$(BIN)/python tests/references.py

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/ruff check bulletin tests benchmarks --select F,E9
	$(BIN)/mypy bulletin

clean:
	rm -rf out .pytest_cache
