# Codriver: `make demo` sets up and runs the main job; `make test` sets up and runs every check.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION ?= 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
RUN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test lint typecheck unit integration setup setup-dev browser reference clean bench

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

setup: $(UV)
	$(UV) sync --frozen --inexact --extra local-llm

setup-dev: $(UV)
	$(UV) sync --frozen --inexact --extra dev --extra local-llm --extra distributed

# The web app's end-to-end tests drive Debian's Chromium (no browser download at run time).
browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
	   (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null)) || \
	  echo "warning: could not install chromium: the web app's browser tests will be skipped (outside CI)"

# Reference evaluators the tests compare against (opening_hours.js), pinned by the lock file;
# never used at run time. Without npm the differential tests skip (outside CI) or fail (CI).
REFERENCE := tests/reference
reference: $(REFERENCE)/node_modules/.package-lock.json

$(REFERENCE)/node_modules/.package-lock.json: $(REFERENCE)/package.json $(REFERENCE)/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix $(REFERENCE) --no-audit --no-fund --loglevel=error; \
	  else echo "warning: npm not found: the opening_hours.js differential tests will be skipped (outside CI)"; fi

demo: setup
	$(RUN)/codriver demo

lint: setup-dev
	$(RUN)/ruff check platform tools simulators tests benchmarks
	$(RUN)/ruff format --check platform tools simulators tests benchmarks

typecheck: setup-dev
	$(RUN)/mypy platform tools simulators

unit: setup-dev reference
	$(RUN)/pytest tests/unit -q

test: lint typecheck browser reference
	$(RUN)/pytest -q

bench: setup-dev
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(RUN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache $(REFERENCE)/node_modules
