# The two commands a newcomer types: `make run` and `make test` (README.md).
#
#   make run     create .venv if missing, install, migrate, load the demo once, serve on 127.0.0.1:5000
#   make test    install, then the whole suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
#   make bench   the benchmarks of bench/README.md (figures go to bench/RESULTS.md by hand)
#   make serve   production serving: migrate, then gunicorn (WORKERS, default 2 × cores + 1) on
#                DATABASE_URL and REDIS_URL (README.md, Production)
#   make install / make clean / make distclean
#
# The compiled catalogues (forum/translations/*/LC_MESSAGES/messages.mo) are built by `make install`
# from the tracked .po files and ignored by git, so `make run` leaves the work tree clean.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run serve test bench clean distclean translations browser

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

translations: | $(STAMP)
	@if ls forum/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(VENV)/bin/pybabel compile -d forum/translations; \
	fi

run: install
	$(FLASK) db upgrade
	$(FLASK) forum demo
	@echo "Serving on http://$(HOST):$(PORT)  (demo admin: admin / admin-demo-password; members: <username> / demo-password)"
	FORUM_TICK_IN_BACKGROUND=true $(FLASK) run --host $(HOST) --port $(PORT) --no-reload --with-threads

# gunicorn's sync workers, as many as the machine's cores allow (2 × cores + 1; WORKERS=n to choose),
# on 127.0.0.1:$(PORT) behind a proxy. Without REDIS_URL each worker keeps its own rate-limit counters
# and the caches are files in instance/ (one machine only): said before starting.
CORES := $(shell nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
WORKERS ?= $(shell echo $$(( $(CORES) * 2 + 1 )))
serve: install
	@if [ -z "$$DATABASE_URL" ]; then echo "note: DATABASE_URL is not set: serving the embedded SQLite database (instance/forum.db)"; fi
	@if [ -z "$$REDIS_URL" ]; then echo "note: REDIS_URL is not set: each of the $(WORKERS) workers counts its own rate limits; caches and view counts stay on this machine (instance/)"; fi
	$(FLASK) db upgrade
	$(VENV)/bin/gunicorn --workers $(WORKERS) --worker-class sync --bind $(HOST):$(PORT) \
		--access-logfile - --graceful-timeout 30 wsgi:app

# Browser tests need a Chromium; install Debian's when they exist, it is missing and we are root.
browser:
	@if grep -rqsiE 'chromium|playwright|selenium' tests --include='*.py'; then \
		if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then \
			:; \
		elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian chromium (and a Chinese font) for the browser tests"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei) \
				|| echo "warning: could not install chromium; the browser tests will skip"; \
		else \
			echo "note: no chromium and not root; the browser tests will skip"; \
		fi; \
	fi

# Two workers (pytest-xdist); each has its own SQLite file and, with TEST_DATABASE_URL, its own
# PostgreSQL database beside that one (tests/conftest.py). PYTEST_ARGS adds or overrides options.
PYTEST_ARGS ?= -n 2
test: install browser
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

bench: install
	$(PY) bench/generate_bench.py
	$(PY) bench/page_bench.py --reuse --server
	$(PY) bench/search_bench.py
	$(PY) bench/report_bench.py

clean:
	rm -rf bench/out .pytest_cache .hypothesis build *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

# Also removes the virtualenv and the instance folder (the embedded database and its secret key).
distclean: clean
	rm -rf $(VENV) instance
