# Likeness Watch — the two commands: `make demo` and `make test`.
# Each target installs what it needs first (venv, packages, system packages), so a fresh
# machine with Python 3.11 and make is enough.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The package is pip-installed (editable): Airflow needs no plugins_folder pointing at it.
export AIRFLOW_HOME ?= $(CURDIR)/airflow_home
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__COSMOS__ENABLE_CACHE_DBT_LS := False
# Offline machines: no usage telemetry from cosmos.
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install system-deps demo test test-fast test-stack lint airflow bench clean

install: $(STAMP)

# The dev extra brings the hub simulator (tools/hubsim, its own distribution) as a copy; it is then
# reinstalled editable, like the product, so edits under tools/hubsim/ count without a reinstall.
$(STAMP): pyproject.toml setup.py tools/hubsim/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel setuptools
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps -e tools/hubsim
	touch $(STAMP)

# Debian packages used by tests: chromium (report screenshot test), postgresql and redis-server
# (stack test).
system-deps:
	@scripts/system-deps.sh

demo: install
	$(BIN)/likeness-watch demo

# The fast suite first, then the tests marked slower than a minute (the crash matrix, the fault
# sweep, the crawl lock through the CLI), each flow of them on its own worker (pytest-xdist).
SLOW := crash or slow

test: install system-deps
	$(BIN)/python -m pytest -q -m "not stack and not ($(SLOW))"
	$(BIN)/python -m pytest -q -m "$(SLOW)" -n auto --maxprocesses 4 --dist loadscope

test-fast: install
	$(BIN)/python -m pytest -q -m "not stack and not airflow and not ($(SLOW))"

# The chain on the simulator (3 days), then on real recorded records (one day, ../shared/real),
# then the simulator chain again on CeleryExecutor (Redis broker, two workers and the warehouse one).
test-stack: install system-deps
	scripts/test-stack.sh
	STACK_SOURCE=replay scripts/test-stack.sh
	STACK_EXECUTOR=celery scripts/test-stack.sh

lint: install
	$(BIN)/ruff check plugins dags tests benchmarks tools
	$(BIN)/ruff format --check plugins dags tests benchmarks tools

airflow: install
	scripts/airflow-local.sh

bench: install
	$(BIN)/python benchmarks/crawl.py

clean:
	rm -rf data airflow_home dbt_project/target dbt_project/logs
