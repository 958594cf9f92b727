# The whole interface: make run, make test, make lint, make fmt, make bench
# (and make messages after changing a translatable string).
# Each target sets itself up (virtualenv, dependencies) on a fresh machine.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Sign-in, e-mail and export links must point where `make run` serves, not at a fixed
# :8000; a SITE_URL that is set (a proxy, a public name) wins.
ifeq ($(strip $(SITE_URL)),)
SITE_URL := http://$(HOST):$(PORT)
endif
RUN_ENV := SITE_URL='$(SITE_URL)'

.PHONY: install run test lint fmt bench bench-scaling messages clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable '.[dev]'
	touch $@

# Embedded mode unless DATABASE_URL / CELERY_BROKER_URL / EMAIL_URL say otherwise.
# With a broker, a Celery worker (with beat) runs beside the web server and stops with it.
run: install
	$(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_demo
	@echo "E-mails (digests, password resets) go to: $${EMAIL_URL:-files under var/mail/}"
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
		trap 'kill 0' EXIT INT TERM; \
		$(RUN_ENV) $(BIN)/celery -A pimtracker worker --beat --loglevel=INFO \
			--schedule=var/celerybeat-schedule & \
		$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT); \
	else \
		echo "No CELERY_BROKER_URL: tasks run in-process (python manage.py send_digests sends the weekly digests)."; \
		$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT); \
	fi

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(PY) bench/run.py

# Two gunicorn instances and two Celery workers on one PostgreSQL and Redis (README, "Scaling").
bench-scaling: install
	$(PY) bench/scaling.py

# The Arabic catalogue. makemessages adds the new strings to locale/ar/LC_MESSAGES/django.po;
# translate them there, then run this again to compile. Both the .po and the .mo are
# committed, so a fresh clone runs in Arabic without gettext; tests/test_translations.py
# fails while a string is untranslated or the .mo is stale. Needs gettext (xgettext, msgfmt).
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=bench --ignore=tests --ignore=staticfiles
messages: install
	$(PY) manage.py makemessages -l ar --no-obsolete $(MESSAGES_IGNORE)
	$(PY) manage.py compilemessages -l ar $(MESSAGES_IGNORE)

clean:
	rm -rf $(VENV) var/*.sqlite3 staticfiles
