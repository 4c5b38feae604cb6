# Frame — the two commands are `make run` and `make test`. Everything else builds on them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export FRAME_DATA_DIR ?= $(CURDIR)/var
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test test-postgres test-browser lint format demo bench lock clean

# Re-install only when the locked requirements change, so re-running is quick.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(VENV)/.base-installed: requirements/base.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt $(VENV)/.base-installed
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

run: $(VENV)/.base-installed
	$(BIN)/frame migrate --noinput --verbosity 0
	$(BIN)/frame createcachetable
	$(BIN)/frame collectstatic --noinput --verbosity 0
	PORT=$(PORT) $(BIN)/frame serve

test: $(VENV)/.dev-installed
	$(BIN)/pytest -n 2 --dist loadgroup

test-postgres: $(VENV)/.dev-installed
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/pytest -n 2 --dist loadgroup -m "not browser"

test-browser: $(VENV)/.dev-installed
	$(BIN)/pytest -m browser

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy frame/

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: $(VENV)/.base-installed
	$(BIN)/frame migrate --noinput --verbosity 0
	$(BIN)/frame createcachetable
	$(BIN)/frame demo

bench: $(VENV)/.dev-installed
	$(BIN)/python -m tests.bench.run
	$(BIN)/python -m tests.bench.scheduling
	$(BIN)/python -m tests.bench.memory
	$(BIN)/python -m tests.bench.note_search
	$(BIN)/python -m tests.bench.outcomes

# Regenerate the hash-locked requirement files after editing pyproject.toml.
lock: $(VENV)/.dev-installed
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra dev -c requirements/base.txt -o requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
