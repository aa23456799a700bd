# Consult: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PORT ?= 5000  # gunicorn binds it; config.BASE_URL (mail links) follows it
WORKERS ?= 2
export FLASK_APP := wsgi.py
# Local runs (make run, demo, migrate) are explicitly development; deployments set production.
export CONSULT_ENV ?= development

.PHONY: run test lint typecheck unit e2e bench soak migrate demo clean install translations messages

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,redis]"
	touch $@

install: $(BIN)/.installed translations

# Interface catalogues: the .po files are the source (in git); the .mo files are built here.
CATALOGUES := $(wildcard consult/translations/*/LC_MESSAGES/messages.po)
%.mo: %.po $(BIN)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations: $(CATALOGUES:.po=.mo)

# After marking new strings: extract them and merge them into every catalogue, then translate.
messages: $(BIN)/.installed
	$(BIN)/pybabel extract --width 100 --no-location --sort-output --omit-header -F babel.cfg --ignore-dirs '.* __pycache__' -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o consult/translations/messages.pot .
	$(BIN)/pybabel update --width 100 --no-fuzzy-matching -i consult/translations/messages.pot -d consult/translations

migrate: install
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask consult demo

run: demo
	@echo "Serving Consult on http://127.0.0.1:$(PORT)/ (demo admin: admin@consult.example / demo-password-123)"
	$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check consult tests config.py wsgi.py

typecheck: install
	$(BIN)/mypy consult

unit: install
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not e2e"

e2e: install
	$(BIN)/python -m pytest -q -p no:cacheprovider -m e2e tests/e2e

# The whole suite: lint, types, migrations (inside pytest), unit/web and browser tests.
# Two processes (pytest-xdist; a file's tests stay together), each with its own database.
TEST_WORKERS ?= 2
test: lint typecheck
	$(BIN)/python -m pytest -p no:cacheprovider -q -n $(TEST_WORKERS) --dist loadfile

bench: install
	$(BIN)/python -m bench.run

# Two instances behind nginx on PostgreSQL and Redis, under load, through a killed worker, a
# stopped instance and a database restart (SOAK_SECONDS, default 120; bench/soak.py).
soak: install
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light || \
	   (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light))
	$(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) instance/*.sqlite* .pytest_cache .mypy_cache .ruff_cache test-results
