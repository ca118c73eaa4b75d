# motcua: the two commands are `make run` and `make test` (see README.md).
# Everything is installed from uv.lock (docs/decisions/0003-lock-file.md): a fresh machine gets
# exactly the versions that were tested. `make lock` refreshes the lock file.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.10
UV_DIR := .tools/uv-$(UV_VERSION)
UV := $(UV_DIR)/bin/uv
export DJANGO_SETTINGS_MODULE ?= motcua.conf.dev
# uv uses the machine's Python, never downloads one, and installs into ./.venv.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test install install-bench lock lock-check migrate demo check lint format typecheck schema bench clean

# uv itself, pinned and hash-checked, in a folder of its own (pip's --target: no venv needed).
$(UV): tools/uv-requirements.txt
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
	  --no-warn-script-location --require-hashes --target $(UV_DIR) -r tools/uv-requirements.txt
	@touch $(UV)

# The project and its dev tools exactly as locked; --frozen: never re-resolve at install time.
$(STAMP): pyproject.toml uv.lock $(UV)
	$(UV) sync --quiet --frozen --extra dev --python $(PYTHON)
	@touch $(STAMP)

install: $(STAMP)

## make install-bench: the dev tools plus locust for bench/load.py, from uv.lock.
install-bench: $(STAMP)
	$(UV) sync --quiet --frozen --extra dev --extra bench --python $(PYTHON)

## make lock: re-resolve pyproject.toml's ranges to the newest releases and rewrite uv.lock.
lock: $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

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

## make lock-check: fails when uv.lock no longer matches pyproject.toml (run `make lock`).
lock-check: $(UV)
	$(UV) lock --locked --python $(PYTHON)

check: lint typecheck lock-check
	DJANGO_SETTINGS_MODULE=motcua.conf.test $(BIN)/motcua makemigrations --check --dry-run

clean:
	rm -rf $(VENV) .tools var .pytest_cache .mypy_cache .ruff_cache
