# Developer and CI entry points. Everything runs inside .venv, created on first use.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
# make run PORT=8001 serves elsewhere when 8000 is taken.
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# Re-install whenever pyproject.toml changes; otherwise skip pip entirely.
STAMP := $(VENV)/.installed

.PHONY: help install run test lint fmt check bench worker schema

help:
	@echo "make run     - install, migrate, seed catalogue, demo users and demo fleet, serve on 127.0.0.1:8000 (PORT=8001 for another)"
	@echo "make test    - lint, type-check, migrations check, pytest (SQLite, eager Celery)"
	@echo "make lint    - ruff check, ruff format --check, import contracts, mypy catalog configurator rules"
	@echo "make fmt     - ruff format and autofix"
	@echo "make worker  - a Celery worker (needs REDIS_URL)"
	@echo "make bench   - benchmarks"
	@echo "make schema  - regenerate docs/openapi.yaml (the reviewed API contract)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	bash scripts/pdf-system-libs.sh
	$(PY) -m pip install --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: export DJANGO_DEBUG = 1
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_catalog
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_fleet
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# mypy's Django plugin imports the settings: Debug only lends the dev secret key.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DJANGO_DEBUG=1 $(VENV)/bin/mypy catalog configurator rules

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Debug only lends the dev secret key: these commands touch no request.
check: export DJANGO_DEBUG = 1
check: $(STAMP)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

test: lint check
	$(VENV)/bin/pytest -n auto

bench: $(STAMP)
	$(PY) -m benchmarks

worker: $(STAMP)
	$(VENV)/bin/celery -A configurator worker -l info

# The OpenAPI document is committed; a test fails when the code and the file disagree.
schema: export DJANGO_DEBUG = 1
schema: $(STAMP)
	env -u DATABASE_URL $(PY) manage.py spectacular --validate --fail-on-warn --format openapi --file docs/openapi.yaml
