# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test test-fast system-deps system-deps-test system-deps-bench bench lint guide clean-db wheel wheelhouse lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# make run: what serving needs, nothing more
$(RUN_STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $(RUN_STAMP)

# make test: the same and the test tools (pytest, Playwright, mypy …)
$(TEST_STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(RUN_STAMP) $(TEST_STAMP)

VENDOR := webmap/static/vendor/installed.json

system-deps:
	@bash scripts/system-deps.sh run

system-deps-test:
	@bash scripts/system-deps.sh test

# The pages' browser assets, from npm with their integrity checked (standard library only)
$(VENDOR): scripts/vendor.py
	$(PYTHON) scripts/vendor.py

run: system-deps $(RUN_STAMP) $(VENDOR)
	$(BIN)/gridmap serve

test: system-deps-test $(TEST_STAMP) $(VENDOR)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q

# The development loop: everything but the demo database and the browser (about 30 s).
test-fast: system-deps $(TEST_STAMP) $(VENDOR)
	$(BIN)/pytest -q -m "not demo and not browser"

# Every bench's quick form (the demo only, short runs), with what the benches need installed:
# the test tools (Playwright drives Chromium for bench/pages.py), networkx and scipy
# (bench/coverage.py's baselines) and wrk. The full runs: README, "Benchmarks".
bench: system-deps-bench $(TEST_STAMP) $(VENDOR)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/assign.py --skip-scale10 --points 100000 --seconds 3
	$(BIN)/python bench/tiles.py --skip-scale10 --seconds 3 --rounds 1 --pages 10
	$(BIN)/python bench/pages.py --skip-scale10 --runs 1
	$(BIN)/python bench/coverage.py --skip-scale10
	$(BIN)/python bench/cases.py --skip-scale10 --runs 5 --notices 1000
	$(BIN)/python bench/visits.py --per-day 4 --commissioners 20
	$(BIN)/python bench/scale.py --sizes 10000,100000

system-deps-bench:
	@bash scripts/system-deps.sh bench

# The user guide's pictures (docs/使用手册/): the Chromium tests, their screenshots kept
guide: system-deps-test $(TEST_STAMP) $(VENDOR)
	GRIDMAP_GUIDE_SHOTS=1 $(BIN)/pytest -q -m browser

lint: $(TEST_STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy && $(BIN)/lint-imports

clean-db:
	-$(BIN)/gridmap db down
	rm -rf var/pg

# --- packaging (docs/部署与运维手册.md) --------------------------------------------------------
# dist/gridmap-*.whl: code, SQL, migrations, templates, the demo district, the page assets
wheel: | $(BIN)/python
	rm -rf dist build/lib && $(BIN)/pip wheel --quiet --no-deps -w dist .

# requirements.lock: every runtime dependency, pinned (regenerate after changing pyproject.toml)
lock:
	rm -rf build/lockenv && $(PYTHON) -m venv build/lockenv
	build/lockenv/bin/pip install --quiet --upgrade pip && build/lockenv/bin/pip install --quiet .
	build/lockenv/bin/pip freeze --exclude gridmap > requirements.lock && rm -rf build/lockenv

# wheelhouse/: every wheel an offline machine needs:
#   pip install --no-index --find-links wheelhouse gridmap
wheelhouse: wheel
	rm -rf wheelhouse && $(BIN)/pip download --quiet --only-binary=:all: -d wheelhouse -r requirements.lock
	cp dist/gridmap-*.whl wheelhouse/
