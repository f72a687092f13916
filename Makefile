# Kansrijk — the two set-up commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?= -n 3
# Python keeps compiled modules (__pycache__, ignored by git): a process that imports Django
# and Kansrijk compiles ~1,000 modules from source otherwise, 7 s of CPU instead of 2.5 s, and
# the suite starts dozens (workers, manage.py, gunicorn, the demo's servers).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install browser demo serve test test-sqlite test-postgres lint bench bench-region messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml uv.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv sync --frozen --quiet
	touch $@

install: $(VENV)/.installed

# Debian's Chromium for the browser tests (no test tool can download its own browser here),
# and nginx for the test of two app servers behind a proxy (tests/ops/test_two_servers.py).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
		echo "Installing Debian's nginx-light for the two-server test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }

# The DigiD stand-in for the family portal (portal_oidc_mock) runs in the background and stops
# with the demo.
demo: install
	mkdir -p var
	DJANGO_SETTINGS_MODULE=kansrijk.conf.dev $(MANAGE) migrate --noinput
	DJANGO_SETTINGS_MODULE=kansrijk.conf.dev $(MANAGE) seed_demo
	DJANGO_SETTINGS_MODULE=kansrijk.conf.dev $(MANAGE) portal_oidc_mock & mock=$$!; \
	trap 'kill $$mock 2>/dev/null' EXIT INT TERM; \
	DJANGO_SETTINGS_MODULE=kansrijk.conf.dev $(MANAGE) runserver 127.0.0.1:8000

serve: install
	DJANGO_SETTINGS_MODULE=kansrijk.conf.dev $(MANAGE) runserver 127.0.0.1:8000

test: install browser
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: install
	@echo "=== test suite on SQLite"
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@echo "=== test suite on PostgreSQL"
	scripts/with_postgres.sh $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check kansrijk tests bench
	$(BIN)/ruff format --check kansrijk tests bench
	$(BIN)/mypy kansrijk bench
	$(BIN)/lint-imports
	# An in-memory database: the check reads no data, and a fresh clone has no var/ yet.
	DATABASE_URL=sqlite:///:memory: DJANGO_SETTINGS_MODULE=kansrijk.conf.test $(MANAGE) makemigrations --check --dry-run
	$(BIN)/pip-audit --progress-spinner off --skip-editable

messages: install
	cd kansrijk && $(abspath $(BIN))/python ../manage.py makemessages -l nl --no-obsolete --no-location && $(abspath $(BIN))/python ../manage.py compilemessages -l nl

# The region load test (issue 17): KANSRIJK_BENCH_SCALE=1.0 is the whole region (about 20
# minutes to generate); the default keeps `make bench` practical.
KANSRIJK_BENCH_SCALE ?= 0.01

bench: install
	mkdir -p bench/results
	scripts/with_postgres.sh $(BIN)/python -m bench
	$(MAKE) bench-region

bench-region: install
	mkdir -p bench/results
	scripts/with_postgres.sh $(BIN)/python -m bench.load --scale $(KANSRIJK_BENCH_SCALE)

clean:
	rm -rf $(VENV) var
