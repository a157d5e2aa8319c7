# Two commands on a fresh machine: `make reproduce` (the main job) and `make test` (the suite).
# Each creates .venv/ and installs the package with its test extras into it on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup reproduce test docs bench mutation fuzz

$(BIN)/slam-theory: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,dask,cleanlab,realdata]"
	touch $@

setup: $(BIN)/slam-theory

# The main job: every experiment's quick preset, the figures and results/REPORT.md.
reproduce: setup
	$(BIN)/slam-theory reproduce --quick --jobs 2

# The README test command (ruff, then python -m pytest); .ci/run runs it.
test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The documentation site (API reference, examples gallery run at build time) in
# docs/_build/html; every Sphinx warning is an error. Installs the docs extra on first use.
$(BIN)/sphinx-build: $(BIN)/slam-theory
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $@

docs: $(BIN)/sphinx-build
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

# Speed against peers measured in the same run.
bench: setup
	$(BIN)/slam-theory bench --json > benchmarks/results.json

# Mutation testing (long: not run in CI). Prints the score per module and writes
# benchmarks/mutation.json.
mutation: setup
	$(BIN)/python -m pip install --quiet -e ".[mutation]"
	$(BIN)/python tools/mutation.py

# The fuzzing campaign (bad inputs to every entry point, faults on the runner; ~10 min, not in
# CI). Prints the table of outcomes and writes benchmarks/fuzz.json.
fuzz: setup
	$(BIN)/python tools/fuzz.py
