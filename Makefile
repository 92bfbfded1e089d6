# Two commands for a fresh clone: `make run` (the demo on SQLite) and `make test`.
# Python 3.12 comes from pyenv (.python-version) or any python3.12 on PATH.

PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: help install run serve test lint format typecheck migrations-check deploy-check messages lock bench clean

help:
	@echo "make run    - install, migrate, load the demo, serve http://127.0.0.1:8000"
	@echo "make serve  - the production stack locally: nginx, 2 gunicorns, worker, PgBouncer, Redis"
	@echo "make test   - run the test suite (SQLite, or PostgreSQL when DATABASE_URL is set)"
	@echo "make lint   - ruff check and ruff format --check"
	@echo "make bench  - benchmarks: figures as ratios to a floor measured in the same run"
	@echo "make lock   - re-resolve requirements/*.txt from pyproject.toml (needs uv)"

install: $(VENV)/.installed

$(VENV)/.installed: requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else "Python 3.12 is required (see README); found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	@touch $@

# A local .env for the demo: DEBUG on and a random secret key, never committed.
.env:
	@echo "DEBUG=on" > .env
	@echo "# The demo runs background tasks in the request; production runs manage.py db_worker." >> .env
	@echo "TASKS_BACKEND=django.tasks.backends.immediate.ImmediateBackend" >> .env
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env
	@echo "Wrote .env for local development (DEBUG on, random SECRET_KEY)."

run: install .env
	@mkdir -p var
	$(MANAGE) create_dev_seal_certificate --if-missing --env-file .env
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:8000

# The production stack from deploy/ on PostgreSQL (DATABASE_URL, default the local server's
# halland_serve); needs nginx, pgbouncer and redis-server (Debian packages).
serve: install
	bin/serve

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install
	$(BIN)/mypy .

# Django's deployment checklist with production settings (throwaway secret, DEBUG off).
deploy-check: install
	DEBUG=off SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=grundfinansiering.example.se SITE_URL=https://grundfinansiering.example.se \
	DATABASE_URL=sqlite:///:memory: $(MANAGE) check --deploy --fail-level WARNING

migrations-check: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

# Re-extract the translatable strings and compile the English catalogue (needs GNU gettext).
# The compiled .mo is committed, so running the application needs no gettext.
messages: install
	$(MANAGE) makemessages -l en --no-obsolete --ignore ".venv/*" --ignore "tests/*" \
		--ignore "bench/*" --ignore "var/*" --ignore "test-artifacts/*"
	msgfmt --check --statistics -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po

# Needs PostgreSQL (BENCH_DATABASE_URL, default the local server) and wrk. The first run
# generates the large dataset with its sealed PDFs (minutes); later runs reuse it.
bench: install
	@command -v wrk >/dev/null || { echo "make bench needs wrk (Debian: apt-get install wrk)"; exit 2; }
	$(BIN)/python bench/signed_pdf.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/archive_bundle.py
	$(BIN)/python bench/stack_floor.py
	@echo "Tables written to docs/performance.md."

lock:
	uv pip compile pyproject.toml --python-version 3.12 --generate-hashes -o requirements/base.txt
	uv pip compile pyproject.toml --extra dev --python-version 3.12 --generate-hashes -o requirements/dev.txt

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
