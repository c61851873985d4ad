# make run    - the demo app on http://127.0.0.1:5000 (PORT overrides)
# make test   - install what the tests need and run them all
# make serve  - the app under gunicorn with several workers
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
WORKERS ?= 4
FLASK := $(BIN)/flask --app actionlearning

.PHONY: run serve test lint bench stress deps dev-deps system-deps node-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt requirements.txt $(VENV)/.deps
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

# Debian's Chromium (browser tests), pandoc (export checks) and poppler-utils (pdftotext reads
# the PDF exports back), installed when missing and root.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pandoc >/dev/null || missing="$$missing pandoc"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing$$missing: tests that need them are skipped (install them as root)"; \
	  fi; \
	fi

# ical.js (Thunderbird's parser) and axe-core, from the npm registry, for feed and accessibility checks.
node-deps: node_modules/.installed
node_modules/.installed: package.json
	@if command -v npm >/dev/null; then npm install --silent --no-audit --no-fund && mkdir -p node_modules && touch $@; \
	else echo "npm missing: ical.js and axe-core checks are skipped"; fi

run: export ACTIONLEARNING_BASE_URL ?= http://127.0.0.1:$(PORT)
run: deps
	$(FLASK) init-db
	$(FLASK) demo --if-empty
	@# The outbox is delivered beside the app (as .eml files under instance/mail/ unless
	@# ACTIONLEARNING_MAIL_SERVER is set); the sender stops when the app does.
	$(FLASK) send-mail --loop & sender=$$!; \
	trap 'kill $$sender 2>/dev/null; wait $$sender' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# With ACTIONLEARNING_REPLICA_URL set, gunicorn and the mail sender (deploy/serve-app.sh)
# run under Litestream (`litestream replicate -exec`): replication starts and stops with them.
serve: deps
	$(FLASK) init-db
	@export BIN=$(BIN) WORKERS=$(WORKERS) PORT=$(PORT); \
	if [ -n "$$ACTIONLEARNING_REPLICA_URL" ]; then \
	  config=$$($(FLASK) litestream-config) && \
	  exec $(BIN)/litestream replicate -config "$$config" -exec "sh deploy/serve-app.sh"; \
	else \
	  exec sh deploy/serve-app.sh; \
	fi

test: dev-deps system-deps node-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider

stress: dev-deps
	STRESS=full $(BIN)/python -m pytest -q -p no:cacheprovider -s -m slow tests/test_stress.py tests/test_crash.py tests/test_backup_live.py tests/test_replication.py

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: dev-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules .pytest_cache
