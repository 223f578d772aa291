# Two commands set everything up on a fresh machine (Python 3.11+):
#   make run   - install into .venv, run the CLI example, start the web app
#   make test  - install into .venv, run every test
# Both first check the system packages (scripts/system_deps.sh): missing ones are installed when that
# needs no password (root or `sudo -n`), otherwise make stops at once with one line saying what to install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.seamline-installed

.PHONY: run test lint bench lock clean example system-deps system-deps-run

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

system-deps:
	@bash scripts/system_deps.sh test

system-deps-run:
	@bash scripts/system_deps.sh run

example: $(STAMP)
	$(BIN)/seamline advise examples/pre_seed_mvp.yaml
	$(BIN)/seamline cost examples/pre_seed_mvp.yaml --seed 1
	$(BIN)/seamline seams examples/pre_seed_mvp.yaml

run: system-deps-run $(STAMP) example
	@if $(BIN)/seamline serve --help >/dev/null 2>&1; then $(BIN)/seamline serve; fi

test: system-deps $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/mypy benchmarks scripts

bench: $(STAMP)
	@for f in benchmarks/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Regenerate the lock file after changing dependencies in pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
