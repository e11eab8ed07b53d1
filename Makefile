# Atelier — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test soak install install-test migrate demo serve serve-web serve-worker serve-scheduler jobs-smoke bench bench-load bench-smoke bench-reset docs-performance docs-screenshot lint format messages clean

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

# The demo's label printer (demo/printer.py) listens on PRINTER_PORT beside the server and
# saves every label it gets under var/printed/ (PNG previews with the test extras installed).
PRINTER_PORT ?= 9100
# The demo's mailbox (demo/mailbox.py): an SMTP server on MAIL_PORT keeping every mail the app
# sends under var/mail/ (.eml files).
MAIL_PORT ?= 8025

demo: migrate
	DEBUG=1 ATELIER_DEMO_PRINTER_PORT=$(PRINTER_PORT) $(PY) manage.py seed_demo
# One command, one Ctrl-C: the demo printer, the demo mailbox, the job worker, the job scheduler
# and the web server (docs/operations.md, "Jobs" and "E-mail"). Ctrl-C stops all five.
run: demo
	@echo "Atelier is served on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	DEBUG=1 $(PY) manage.py demo_printer --port $(PRINTER_PORT) & printer=$$!; \
	DEBUG=1 ATELIER_EMAIL_PORT=$(MAIL_PORT) $(PY) manage.py demo_mailbox & mailbox=$$!; \
	DEBUG=1 ATELIER_EMAIL_PORT=$(MAIL_PORT) $(PY) manage.py jobs_worker & worker=$$!; \
	DEBUG=1 $(PY) manage.py jobs_scheduler & scheduler=$$!; \
	trap 'kill $$printer $$mailbox $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 ATELIER_EMAIL_PORT=$(MAIL_PORT) ATELIER_DEMO_PRINTER_PORT=$(PRINTER_PORT) $(PY) manage.py runserver $(HOST):$(PORT)

# Both cores: pytest-xdist, a test database per worker, idle workers taking half of a busy
# one's queue (worksteal); the modules of the long tests start first (tests/conftest.py).
# TEST_WORKERS=0 runs in this process alone (a debugger, -x on the first failure in order).
TEST_WORKERS ?= 2
PYTEST_XDIST = $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist worksteal)
test: install-test
	$(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# The property test of the whole machine, long (docs/design.md): 10,000 random steps.
soak: install-test
	ATELIER_MACHINE_STEPS=$${ATELIER_MACHINE_STEPS:-10000} ATELIER_MACHINE_REPORT=1 \
	  $(PY) -m pytest tests/integrity/test_machine.py -q -s -p no:cacheprovider

# Benchmark (docs/performance.md). Never the demo database: SQLite in var/bench.sqlite3
# unless BENCH_DATABASE_URL (or DATABASE_URL) names another one.
BENCH_DEVICES ?= 100000
# BENCH_ON_SALE=N seeds exactly N of them on sale (the catalogue at scale), in a database of its
# own (var/bench-onsale-N.sqlite3) so that it never meets the network's-mix data set.
BENCH_ON_SALE ?=
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),sqlite:///$(CURDIR)/var/bench$(if $(BENCH_ON_SALE),-onsale-$(BENCH_ON_SALE)).sqlite3)
BENCH_SEED_ARGS = $(if $(BENCH_ON_SALE),--on-sale $(BENCH_ON_SALE))
# The benchmark runs with production settings: its events are sealed with a chain key of its own.
BENCH_KEYS = ATELIER_CHAIN_KEY=atelier-bench-only-chain-key-not-a-secret-0123456789
BENCH_ENV = DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=atelier-bench-only-not-a-secret $(BENCH_KEYS) DEBUG=0 ATELIER_SSL_REDIRECT=0
# The bench command writes each run's JSON under $(ATELIER_VAR_DIR or var)/bench/. With
# BENCH_SAVE=1 the run's file is also copied into docs/performance/ and the tables of
# docs/performance.md are generated again from every file there (commit both).
BENCH_OUT ?= $(or $(ATELIER_VAR_DIR),$(CURDIR)/var)/bench
PERF_JSON = docs/performance
bench_save = $(if $(filter 1 yes true,$(BENCH_SAVE)),mkdir -p $(PERF_JSON) \
	&& cp "$$(ls -t $(1)/bench-*.json | head -n 1)" $(PERF_JSON)/ \
	&& $(MAKE) --no-print-directory docs-performance,@true)

bench: install
	$(BENCH_ENV) $(PY) manage.py migrate --no-input -v0
	$(BENCH_ENV) $(PY) manage.py collectstatic --no-input -v0
	$(BENCH_ENV) $(PY) manage.py bench --devices $(BENCH_DEVICES) $(BENCH_SEED_ARGS) --out $(BENCH_OUT) $(BENCH_ARGS)
	$(call bench_save,$(BENCH_OUT))

bench-load: install
	$(BENCH_ENV) $(PY) manage.py migrate --no-input -v0
	$(BENCH_ENV) $(PY) manage.py collectstatic --no-input -v0
	$(BENCH_ENV) $(PY) manage.py bench --devices $(BENCH_DEVICES) $(BENCH_SEED_ARGS) --load --out $(BENCH_OUT) $(BENCH_ARGS)
	$(call bench_save,$(BENCH_OUT))

bench-reset: install
	$(PY) -m bench.resetdb $(BENCH_DATABASE_URL)

# CI: a fresh small data set, a few samples of every scenario and a 3-second load run.
BENCH_SMOKE_URL ?= sqlite:///$(CURDIR)/var/bench-smoke.sqlite3
BENCH_SMOKE_DEVICES = $(if $(filter environment command line,$(origin BENCH_DEVICES)),$(BENCH_DEVICES),2000)
bench-smoke: install
	$(PY) -m bench.resetdb $(BENCH_SMOKE_URL)
	DATABASE_URL=$(BENCH_SMOKE_URL) SECRET_KEY=atelier-bench-only-not-a-secret $(BENCH_KEYS) DEBUG=0 ATELIER_SSL_REDIRECT=0 \
		$(PY) manage.py migrate --no-input -v0
	DATABASE_URL=$(BENCH_SMOKE_URL) SECRET_KEY=atelier-bench-only-not-a-secret $(BENCH_KEYS) DEBUG=0 \
		$(PY) manage.py collectstatic --no-input -v0
	DATABASE_URL=$(BENCH_SMOKE_URL) SECRET_KEY=atelier-bench-only-not-a-secret $(BENCH_KEYS) DEBUG=0 ATELIER_SSL_REDIRECT=0 \
		$(PY) manage.py bench --devices $(BENCH_SMOKE_DEVICES) --samples 5 --warmup 2 --batch-samples 1 \
		--load --load-seconds 3 --load-clients 2 --load-workers 2 --out $(BENCH_OUT)/smoke
	$(call bench_save,$(BENCH_OUT)/smoke)

# Regenerate the tables of docs/performance.md from the runs saved in docs/performance/.
docs-performance: install
	$(PY) -m bench.markdown --write docs/performance.md $(PERF_JSON)/*.json

# The README's picture of the erasure bench (demo data in a sandbox, Debian's Chromium).
docs-screenshot: install-test
	$(PY) -m tests.browser.docs_screenshot

lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

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
# Needs SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and the chain keys (ATELIER_CHAIN_KEY_FILE,
# ATELIER_SIGNING_KEY_FILE) in the environment (docs/operations.md).
# `make serve` runs the three processes of a deployment side by side (Ctrl-C stops them);
# systemd runs each on its own (serve-web, serve-worker, serve-scheduler: docs/operations.md).
WORKERS ?= 3
JOB_THREADS ?= 2
serve: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input -v0
	$(JOBS_WORKER) & worker=$$!; \
	$(JOBS_SCHEDULER) & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(GUNICORN)

GUNICORN = $(PY) -m gunicorn workshop.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
	--timeout 60 --graceful-timeout 30 --access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"
JOBS_WORKER = $(PY) manage.py jobs_worker --workers $(JOB_THREADS)
JOBS_SCHEDULER = $(PY) manage.py jobs_scheduler
serve-web: install
	$(GUNICORN)
serve-worker: install
	$(JOBS_WORKER)
serve-scheduler: install
	$(JOBS_SCHEDULER)

# The network deployment for real (docs/operations.md): two gunicorn, one worker, one
# scheduler on PostgreSQL and Redis; a device's journey through both, a label through a job.
jobs-smoke: install
	$(PY) -m bench.deploy_smoke

clean:
	rm -rf $(VENV) var/*.sqlite3*
