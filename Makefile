# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast lint typecheck bench screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Start the whole service on this machine (SQLite, embedded Redis, worker, beat, API, demo site).
run: $(STAMP)
	$(BIN)/sift dev

## Run the whole suite: unit, integration, end-to-end and browser tests.
test: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

## The quick part only (no end-to-end, fault-injection or browser tests).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider -m "not slow and not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy workers/filters service/domain config

bench: $(STAMP)
	$(BIN)/sift bench

clean:
	rm -rf var .pytest_cache
