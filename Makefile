# DDM Hub: `make run` sets everything up and serves; `make test` sets up and runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint setup install bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

setup: install
	DDM_DEBUG=$${DDM_DEBUG-1} $(BIN)/ddm setup

run: setup
	DDM_DEBUG=$${DDM_DEBUG-1} $(BIN)/ddm serve

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/mypy

test: install lint
	$(BIN)/ddm check
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/pip install -q -e ".[bench]"
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var
