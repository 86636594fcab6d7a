# Anjian: `make run` sets up and starts the platform; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/anjian
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup test lint test-pg test-sqlite test-browser bench messages clean

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/dev.txt
	touch $@

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

messages: $(VENV)/.installed $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

setup:
	./scripts/system-packages
	$(MAKE) messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo

run: setup
	@echo
	@echo "Anjian is starting on http://$(HOST):$(PORT)/"
	@echo "Log in as admin (the whole platform) or <place>-<role>, for example lhasa-inspector or xizang-aid;"
	@echo "  place: xizang lhasa shigatse chamdo nyingchi shannan nagqu ngari"
	@echo "  role:  admin leader inspector legal statistician trainer commander aid"
	@echo "  and <place>-enterprise: the safety officer of a production unit (not for xizang)"
	@echo "Every demo password is: anjian-demo"
	@echo "API docs: http://$(HOST):$(PORT)/api/v1/docs"
	@echo
	@# The worker runs imports and other background work beside the web server.
	$(PY) manage.py db_worker --no-reload --interval 0.5 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2 --timeout 180 --access-logfile - --log-level warning

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v1

test-pg: $(VENV)/.installed messages
	DATABASE_URL=$(PG_URL) DB_CONN_MAX_AGE=0 $(VENV)/bin/pytest -q -m "not browser"

test-sqlite: $(VENV)/.installed messages
	env -u DATABASE_URL $(VENV)/bin/pytest -q -m "not browser and not postgres"

test-browser: $(VENV)/.installed messages
	DATABASE_URL=$(PG_URL) DB_CONN_MAX_AGE=0 $(VENV)/bin/pytest -q -m browser

test:
	./scripts/system-packages --test
	$(MAKE) lint
	$(MAKE) test-pg
	$(MAKE) test-sqlite
	$(MAKE) test-browser

bench: $(VENV)/.installed messages
	./scripts/system-packages --bench
	DATABASE_URL=$(PG_URL) $(PY) bench/api_list.py
	DATABASE_URL=$(PG_URL) $(PY) bench/import_enterprises.py
	DATABASE_URL=$(PG_URL) $(PY) bench/hazards.py
	DATABASE_URL=$(PG_URL) $(PY) bench/cases.py
	DATABASE_URL=$(PG_URL) $(PY) bench/accidents.py
	DATABASE_URL=$(PG_URL) $(PY) bench/exams.py
	DATABASE_URL=$(PG_URL) $(PY) bench/emergency.py
	DATABASE_URL=$(PG_URL) $(PY) bench/aid.py

clean:
	rm -rf $(VENV) var staticfiles locale/*/LC_MESSAGES/*.mo
