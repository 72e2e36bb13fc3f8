# glofox-analytics: `make run` builds everything, `make test` checks everything.
# Python 3.11 is the only prerequisite; PostgreSQL 16 comes from the pgserver wheel unless
# PGHOST/PGPORT point at another server.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GLOFOX := $(BIN)/glofox
STAMP := $(VENV)/.installed
DASHBOARD_PORT ?= 8501
DOCS_PORT ?= 8080

.DEFAULT_GOAL := help
.PHONY: help install run test lint conventions docs dashboard bench spark-setup spark-run test-spark stop clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP) ## create .venv with the pinned dependencies

# As-of date D of the 30-day activity metrics (rule A4), e.g. `make run AS_OF=2026-02-28`;
# empty = glofox's default (activity_metrics.DEFAULT_AS_OF_DATE, the README's 2026-03-31).
AS_OF ?=

run: $(STAMP) ## database up, setup.sql once, dbt build, CSVs under outputs/ (AS_OF=YYYY-MM-DD)
	$(GLOFOX) run $(if $(AS_OF),--as-of $(AS_OF))

lint: $(STAMP) ## sqlfluff (dbt templater) and ruff
	$(GLOFOX) db start
	$(GLOFOX) exec -- sqlfluff lint models macros analyses tests
	$(BIN)/ruff check src tests/python
	$(BIN)/ruff format --check src tests/python

test: lint ## lint, dbt build with every test, mf validate-configs, conventions, pytest
	$(GLOFOX) exec -- dbt build
	$(GLOFOX) exec -- mf validate-configs
	$(MAKE) --no-print-directory conventions
	$(GLOFOX) exec -- pytest

# The conventions, checked by tools we did not write, on the artifacts of the last build:
# dbt-bouncer (dbt-bouncer.yml: naming, grain tests, docs, groups and access, freshness,
# lineage) and dbt-score (pyproject.toml: fails under 9.0 for the project, 8.0 for any item).
conventions: $(STAMP) ## dbt-bouncer and dbt-score over the built project (after `make run`)
	$(GLOFOX) db start
	$(GLOFOX) exec -- dbt docs generate
	$(BIN)/dbt-bouncer run --config-file dbt-bouncer.yml
	$(BIN)/dbt-score lint --manifest target/manifest.json --show failing-items

docs: $(STAMP) ## generate and serve dbt docs (lineage) on http://127.0.0.1:8080 (DOCS_PORT=N to change)
	@$(BIN)/python -c 'import socket; socket.socket().bind(("127.0.0.1", int("$(DOCS_PORT)")))' 2>/dev/null \
		|| { echo "make docs: port $(DOCS_PORT) is busy or not a port number: pick another with DOCS_PORT, e.g. make docs DOCS_PORT=8081" >&2; exit 1; }
	$(GLOFOX) db start
	$(GLOFOX) exec -- dbt docs generate
	$(GLOFOX) exec -- dbt docs serve --host 127.0.0.1 --port $(DOCS_PORT) --no-browser

dashboard: $(STAMP) ## serve the dashboard on http://127.0.0.1:8501 (DASHBOARD_PORT=N to change; `make run` first)
	$(GLOFOX) dashboard --port $(DASHBOARD_PORT)

# Benchmark (bench/README.md): BENCH_SIZES=100k,1m (or 10k), BENCH_ROUNDS=2.
BENCH_SIZES ?= 100k,1m
BENCH_ROUNDS ?= 2

bench: $(STAMP) ## generate 100k/1M users, time dbt builds vs floors and a plain script, dashboard queries
	$(GLOFOX) db start --no-setup
	$(BIN)/python bench/run.py --sizes $(BENCH_SIZES) --rounds $(BENCH_ROUNDS)

# Optional Apache Spark port of the lead marts (README "Scale-out"). Not part of
# `make test` (CI runs `make test-spark` after it): .venv-spark holds dbt-spark[session] and pyspark (~630 MB) and needs Java 17+,
# which is installed with apt-get when missing and make runs as root (as in CI).
SPARK_VENV := .venv-spark
SPARK_BIN := $(SPARK_VENV)/bin
SPARK_STAMP := $(SPARK_VENV)/.installed

$(SPARK_STAMP): requirements-spark.txt pyproject.toml
	@if ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Java 17+ not found: installing openjdk-17-jre-headless"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless; \
		else \
			echo "Spark needs Java 17 or newer: install it (e.g. apt-get install openjdk-17-jre-headless) and retry." >&2; \
			exit 1; \
		fi; \
	fi
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_BIN)/pip install --quiet --upgrade pip
	$(SPARK_BIN)/pip install --quiet -r requirements-spark.txt
	$(SPARK_BIN)/pip install --quiet --no-deps -e .
	touch $(SPARK_STAMP)

spark-setup: $(SPARK_STAMP) ## optional: .venv-spark with dbt-spark[session] and pyspark (Java 17)

spark-run: $(STAMP) $(SPARK_STAMP) ## copy the input tables to Spark, build the lead marts, activity series and experiments there
	$(GLOFOX) db start
	$(GLOFOX) spark-load
	$(GLOFOX) exec -- $(SPARK_BIN)/dbt build --target spark --selector lead_conversions
	$(GLOFOX) exec -- $(SPARK_BIN)/dbt build --target spark --selector activity_on_spark \
		--vars "{as_of_date: $(or $(AS_OF),$$($(BIN)/python -c 'from glofox import activity_metrics as a; print(a.DEFAULT_AS_OF_DATE)'))}"

test-spark: $(STAMP) $(SPARK_STAMP) ## Spark and PostgreSQL build the same lead marts, activity series, audits and experiment outcomes
	$(GLOFOX) db start
	$(GLOFOX) exec -- $(SPARK_BIN)/pytest tests/python/test_spark_parity.py --spark

stop: ## stop the embedded PostgreSQL
	@if [ -x $(GLOFOX) ]; then $(GLOFOX) db stop; fi

clean: stop ## stop the server and remove its data and dbt's target/ (outputs/ is kept: committed answers)
	rm -rf .glofox target logs
