# The two commands of the README: `make run` and `make test`. Everything else serves them.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint catalogs extract update-catalogs check-catalogs bench bench-throughput clean fonts postgres container-check

run: $(STAMP) catalogs fonts
	$(PY) -m bot $(ARGS)

test: $(STAMP) catalogs fonts postgres
	$(PY) -m ruff check .
	$(PY) -m tools.catalogs check
	$(PY) -m pytest $(PYTEST_ARGS)

# A throwaway PostgreSQL server on 127.0.0.1 for the tests (installed with apt if missing).
postgres: $(STAMP)
	$(PY) -m tools.postgres ensure

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Catalog workflow (see README): extract msgids, merge them into every catalog, compile.
catalogs: $(STAMP)
	$(PY) -m tools.catalogs compile

extract: $(STAMP)
	$(PY) -m tools.catalogs extract

update-catalogs: $(STAMP)
	$(PY) -m tools.catalogs update

check-catalogs: $(STAMP)
	$(PY) -m tools.catalogs check

# The Noto fonts of the diary PDF (SIL Open Font License): copied or fetched, not committed.
fonts: $(STAMP)
	$(PY) -m tools.fonts

lint: $(STAMP)
	$(PY) -m ruff check .

bench: $(STAMP) catalogs fonts
	$(PY) -m benchmarks.engine
	$(PY) -m benchmarks.wipe
	$(PY) -m benchmarks.diary
	$(PY) -m benchmarks.throughput --phase throughput

# The whole throughput benchmark: also 10,000 sessions' memory (minutes), SQLite then PostgreSQL.
bench-throughput: $(STAMP) catalogs postgres
	$(PY) -m benchmarks.throughput
	$(PY) -m benchmarks.throughput --database-url "$$($(PY) -m tools.postgres fresh bench)"

# Build the image, start compose.yaml with two bots and talk to them (needs Docker + Compose).
container-check: $(STAMP)
	$(PY) -m tools.container_check

clean:
	rm -rf $(VENV) data
	find locales -name '*.mo' -delete
