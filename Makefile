# Codriver: `make demo` sets up and runs the main job; `make test` sets up and runs every check.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION ?= 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
RUN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test lint typecheck unit integration setup setup-dev clean bench

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

setup: $(UV)
	$(UV) sync --frozen --inexact --extra local-llm

setup-dev: $(UV)
	$(UV) sync --frozen --inexact --extra dev --extra local-llm --extra distributed

demo: setup
	$(RUN)/codriver demo

lint: setup-dev
	$(RUN)/ruff check platform tools simulators tests benchmarks
	$(RUN)/ruff format --check platform tools simulators tests benchmarks

typecheck: setup-dev
	$(RUN)/mypy platform tools simulators

unit: setup-dev
	$(RUN)/pytest tests/unit -q

test: lint typecheck
	$(RUN)/pytest -q

bench: setup-dev
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(RUN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
