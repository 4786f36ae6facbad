# JXC 进销存 — `make run` starts the product, `make test` runs every check. Nothing else is needed
# but Python 3.11+ and make: the virtual environment is created from the committed lock files.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run serve setup test test-sqlite test-postgres lint format lock messages ci-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.base: requirements/base.lock requirements/build.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --require-hashes -r requirements/base.lock -r requirements/build.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.dev: requirements/dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@ $(VENV)/.base

## run: set up everything (SQLite under var/, company, owner, demo data once) and serve on :8000
run: $(VENV)/.base
	$(BIN)/jxc serve

## lint: ruff, formatting, mypy on services and selectors, Django checks, migrations, import layers
lint: $(VENV)/.dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy $$(ls -d src/jxc/*/services src/jxc/*/selectors.py src/jxc/*/selectors 2>/dev/null)
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_messages.py

## test: lint, then the whole suite on SQLite, then on PostgreSQL (mandatory when CI=true)
test: lint ci-deps test-sqlite test-postgres

test-sqlite: $(VENV)/.dev
	env -u DATABASE_URL $(BIN)/python -m pytest

test-postgres: $(VENV)/.dev
	@if $(BIN)/python scripts/pg_available.py; then \
		echo "== PostgreSQL run ($(PG_URL))"; \
		DATABASE_URL=$(PG_URL) JXC_TEST_DATABASE_NAME=test_jxc $(BIN)/python -m pytest --create-db -m "not browser"; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true: PostgreSQL is required for the test suite"; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL tests (no server at $(PG_URL); set PG_URL=… to point at one)"; \
	fi

# In CI the browser tests are mandatory: install Debian's Chromium and a CJK font when missing.
ci-deps:
	@if [ "$$CI" = "true" ] && [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

format: $(VENV)/.dev
	$(BIN)/ruff check --fix src tests
	$(BIN)/ruff format src tests

## lock: refresh the lock files from pyproject.toml (needs network)
lock: $(VENV)/.dev
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --allow-unsafe -o requirements/base.lock pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --allow-unsafe --extra dev -o requirements/dev.lock pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --allow-unsafe -o requirements/build.lock requirements/build.in

## messages: extract UI strings into the zh-Hans catalogue and compile it (needs GNU gettext)
messages: $(VENV)/.dev
	cd src/jxc && ../../$(BIN)/python ../../manage.py makemessages -l zh_Hans --no-obsolete --no-location
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
