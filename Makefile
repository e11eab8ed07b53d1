# Atelier — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test migrate demo serve bench lint format messages clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Atelier needs Python 3.11 or newer"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	DEBUG=1 $(PY) manage.py migrate --no-input

demo: migrate
	DEBUG=1 $(PY) manage.py seed_demo

run: demo
	@echo "Atelier is served on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Refresh the French catalogue from the code, then compile it (needs GNU gettext).
messages: install
	DEBUG=1 $(PY) manage.py makemessages -l fr --no-obsolete $(I18N_IGNORE)
	DEBUG=1 $(PY) manage.py compilemessages -l fr --ignore=.venv
# Django matches an ignore pattern ending in "/*" against the NAME of every directory, so
# "bench/*" would also skip workshop/templates/workshop/bench/: "bench/*.*" only matches
# paths under the top-level folder.
I18N_IGNORE := --ignore=.venv/* --ignore=var/*.* --ignore=tests/*.* --ignore=agent/*.* --ignore=bench/*.*

# Production server: gunicorn behind a TLS-terminating proxy; static files served by whitenoise.
# Needs SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL in the environment (README "Operations").
WORKERS ?= 3
serve: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input
	$(PY) -m gunicorn workshop.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--timeout 60 --graceful-timeout 30 --access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

clean:
	rm -rf $(VENV) var/*.sqlite3*
