# Laget: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint fmt migrate demo messages bench reliability clean

$(STAMP): pyproject.toml
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
	@echo "    tjenesteadministrator: ingrid.berg@fjordvik-kommune.test"
	@echo "    psykolog i DPS og Samhandlingsteamet: silje.ronning@fjordvik-dps.test"
	@echo "    drift (Django admin): drift@laget.test"
	@echo "  Engangskode (TOTP): hemmeligheten LAGETDEMOFJORDVIKLAGETDEMO234567 i en"
	@echo "    autentiseringsapp, eller: LAGET_DEMO=1 $(BIN)/python manage.py demo_totp"
	@echo ""
	LAGET_DEBUG=1 LAGET_DEMO=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

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
