# Bali Clearinghouse. `make run` serves a demo on http://127.0.0.1:8000; `make test` runs the checks.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000
LINTED := $(wildcard src tests bench tools)
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
export PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: run test lint format bench install dev translations messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

translations: | $(PY)
	$(PY) -m bali compile-translations

run: install translations
	$(PY) -m bali migrate --noinput
	$(PY) -m bali load-reference
	$(PY) -m bali demo --if-empty
	BALI_DEBUG=$${BALI_DEBUG:-1} $(PY) -m bali serve $(ADDR)

lint: dev
	$(PY) -m ruff check $(LINTED)
	$(PY) -m ruff format --check $(LINTED)
	$(PY) -m mypy src

format: dev
	$(PY) -m ruff format $(LINTED)
	$(PY) -m ruff check --fix $(LINTED)

# In CI (CI=true) the suite runs on SQLite and on PostgreSQL; elsewhere PostgreSQL runs when
# BALI_TEST_POSTGRES_URL is set.
test: dev translations lint
	$(PY) -m pytest
	@if [ "$$CI" = "true" ] || [ -n "$$BALI_TEST_POSTGRES_URL" ]; then \
		echo "== the suite again on PostgreSQL =="; \
		BALI_DATABASE_URL=$${BALI_TEST_POSTGRES_URL:-$(PG_TEST_URL)} $(PY) -m pytest; \
	fi

# Rebuild the .po files from the source (needs GNU gettext); see docs/i18n.md.
messages: dev
	$(PY) tools/make_messages.py

bench: dev translations
	$(PY) bench/search.py --activities 100000
	$(PY) bench/import.py --activities 20000

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache
