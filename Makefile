# Laget: `make run` serves the demo, `make test` runs the whole suite.
# Laget runs on Python 3.11 (pyproject.toml): use python3.11 when it is installed.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint fmt migrate demo messages bench reliability clean
.PHONY: run test lint fmt migrate demo messages bench clean python-version oidc-peer

# Say clearly which Python is needed before anything is installed with the wrong one.
python-version:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null || { \
	  echo "Laget needs Python 3.11, but '$(PYTHON)' is $$($(PYTHON) --version 2>&1 | head -1)." >&2; \
	  echo "Install Python 3.11 (for example: apt-get install python3.11 python3.11-venv) and run" >&2; \
	  echo "  make run PYTHON=python3.11" >&2; \
	  exit 1; }

$(STAMP): pyproject.toml | python-version
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Development server with the Fjordvik demo network (SQLite under var/ unless DATABASE_URL).
run: $(STAMP)
	LAGET_DEMO=1 $(BIN)/python manage.py migrate --no-input
	LAGET_DEMO=1 $(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "  Laget kjører på http://127.0.0.1:$(PORT)/"
	@echo "  Demo-innlogging (alle kontoer): passord fjordvik-demo-2026"
	@echo "    tjenesteadministrator for Boligkontoret: eva.moen@fjordvik-kommune.test"
	@echo "    enhetsleder og tjenesteadministrator for psykisk helse og rus: ingrid.berg@fjordvik-kommune.test"
	@echo "    koordinator: ahmed.rahimi@fjordvik-kommune.test"
	@echo "    psykolog i DPS og Samhandlingsteamet: silje.ronning@fjordvik-dps.test"
	@echo "    drift (Django admin): drift@laget.test"
	@echo "  Engangskode (TOTP) for alle over: hemmeligheten LAGETDEMOFJORDVIKLAGETDEMO234567 i en"
	@echo "    autentiseringsapp, eller: LAGET_DEMO=1 $(BIN)/python manage.py demo_totp"
	@echo "  Personen selv (uten engangskode): jonas.eriksen@person.test"
	@echo ""
	LAGET_DEBUG=1 LAGET_DEMO=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The real OpenID provider the login tests run against (npm oidc-provider), when Node is
# here; without it those tests skip locally with the reason (and fail in CI).
OIDC_PEER := interop/oidc-peer
OIDC_PEER_STAMP := $(OIDC_PEER)/node_modules/.package-lock.json

$(OIDC_PEER_STAMP): $(OIDC_PEER)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(OIDC_PEER) && npm ci --no-audit --no-fund --loglevel=error; \
	else \
	  echo "Node.js/npm not found: the OpenID Connect login tests will be skipped."; \
	fi

oidc-peer: $(OIDC_PEER_STAMP)

# PYTEST_ARGS narrows a run (CI: the browser journeys once, on PostgreSQL).
test: $(STAMP) oidc-peer
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy laget
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract and compile the bokmål translations (needs GNU gettext; the .mo files are committed).
messages: $(STAMP)
	cd laget && ../$(BIN)/python ../manage.py makemessages -l nb --no-obsolete --no-location --ignore 'tests/*'
	cd laget && ../$(BIN)/python ../manage.py compilemessages

bench: $(STAMP)
	$(BIN)/python bench/catalogue_queries.py
	$(BIN)/python bench/plan_page.py
	$(BIN)/python bench/rc_analytics.py

# Load, a database outage and schemathesis against gunicorn on a throwaway PostgreSQL.
reliability: $(STAMP)
	$(BIN)/python bench/reliability.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .hypothesis
