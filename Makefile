# Two commands on a fresh machine: `make reproduce` (the main job) and `make test` (the suite).
# Each creates .venv/ and installs the package with its test extras into it on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup reproduce test bench

$(BIN)/slam-theory: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,dask,cleanlab]"
	touch $@

setup: $(BIN)/slam-theory

reproduce: setup
	$(BIN)/slam-theory reproduce --quick --jobs 2

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/slam-theory bench --json > benchmarks/results.json
