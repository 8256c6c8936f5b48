# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast system-deps system-deps-test lint clean-db

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

VENDOR := webmap/static/vendor/installed.json

system-deps:
	@bash scripts/system-deps.sh run

system-deps-test:
	@bash scripts/system-deps.sh test

$(VENDOR): scripts/vendor.py $(STAMP)
	$(BIN)/python scripts/vendor.py

run: system-deps $(STAMP) $(VENDOR)
	$(BIN)/gridmap serve

test: system-deps-test $(STAMP) $(VENDOR)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q

# The development loop: everything but the demo database and the browser (about 30 s).
test-fast: system-deps $(STAMP)
	$(BIN)/pytest -q -m "not demo and not browser"

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean-db:
	-$(BIN)/gridmap db down
	rm -rf var/pg
