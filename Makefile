# The two commands a newcomer needs:  make run   and   make test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml 2>/dev/null | sha1sum | cut -c1-12)

.PHONY: install run test test-unit test-integration bench plan-bench lint lock messages system-deps

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --requirement requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

system-deps:
	@scripts/system-deps

## make run: the embedded default (SQLite under var/, eager tasks, demo data) on http://127.0.0.1:8000
run: install
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py seed_demo --if-empty
	@$(PY) manage.py runserver 127.0.0.1:8000

## make test: unit and browser tests on the embedded default, then integration tests on PostgreSQL + Redis
test: install system-deps
	@scripts/test

bench: install
	@scripts/bench

## The route planner on the six Solomon instances (30 s each, about 3 minutes); one JSON line per instance.
SOLOMON ?= benchmarks/solomon
plan-bench: install
	@for name in C101 C201 R101 R201 RC101 RC201; do \
		$(PY) manage.py plan_benchmark --solomon $(SOLOMON)/$$name.txt --seconds $${SECONDS_PER_INSTANCE:-30}; \
	done

lint: install
	@$(PY) -m ruff check .

## Regenerate the zh-hans message catalogue after changing translatable strings.
messages: install
	@$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	@$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

## Re-pin the whole dependency tree from pyproject.toml.
lock:
	@rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	@var/lock-venv/bin/pip install --quiet --disable-pip-version-check ".[dev]"
	@var/lock-venv/bin/pip freeze --exclude dispatch > requirements.lock
	@rm -rf var/lock-venv
