# motcua: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE ?= motcua.conf.dev

.PHONY: run test install migrate demo check lint format typecheck schema bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

## make run: install, migrate, load the demo data, start the web server and a worker.
run: $(STAMP)
	@mkdir -p "$${MOTCUA_VAR_DIR:-var}"
	$(BIN)/motcua migrate --no-input
	$(BIN)/motcua demo
	tools/run-dev

## make test: install dev dependencies and run the whole suite (SQLite unless DATABASE_URL is set).
test: $(STAMP)
	tools/ensure-chromium
	tools/ensure-pdf-tools
	tools/ensure-softhsm
	DJANGO_SETTINGS_MODULE=motcua.conf.test $(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

migrate: $(STAMP)
	@mkdir -p "$${MOTCUA_VAR_DIR:-var}"
	$(BIN)/motcua migrate --no-input

demo: migrate
	$(BIN)/motcua demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy src/motcua

check: lint typecheck
	DJANGO_SETTINGS_MODULE=motcua.conf.test $(BIN)/motcua makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
