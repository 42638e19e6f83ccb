# Codriver: `make demo` sets up and runs the main job; `make test` sets up and runs every check.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION ?= 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
RUN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test lint typecheck unit integration setup setup-dev browser reference web-vendor map-tools osrm-tools clean bench

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

setup: $(UV) web-vendor map-tools
	$(UV) sync --frozen --inexact --compile-bytecode --extra local-llm

setup-dev: $(UV) web-vendor map-tools
	$(UV) sync --frozen --inexact --compile-bytecode --extra dev --extra local-llm --extra distributed

# The basemap: MapLibre GL JS from npm (pinned by the lock file, integrity-checked), its dist
# files copied into the web app (git-ignored; served by the API, no CDN at run time), and
# Debian's tilemaker, which draws a region's vector tiles at import. Without them the web
# app draws its SVG map (and `codriver region import` says why there are no tiles).
WEB_VENDOR := platform/codriver/api/web/vendor
MAPLIBRE := $(WEB_VENDOR)/maplibre-gl/maplibre-gl.mjs
web-vendor: $(MAPLIBRE)

$(MAPLIBRE): $(WEB_VENDOR)/package.json $(WEB_VENDOR)/package-lock.json
	@if command -v npm >/dev/null; then \
	  mkdir -p $(TOOLS)/web-vendor $(WEB_VENDOR)/maplibre-gl && \
	  cp $(WEB_VENDOR)/package.json $(WEB_VENDOR)/package-lock.json $(TOOLS)/web-vendor/ && \
	  npm ci --prefix $(TOOLS)/web-vendor --ignore-scripts --no-audit --no-fund --loglevel=error && \
	  cp $(TOOLS)/web-vendor/node_modules/maplibre-gl/dist/maplibre-gl.mjs \
	     $(TOOLS)/web-vendor/node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs \
	     $(TOOLS)/web-vendor/node_modules/maplibre-gl/dist/maplibre-gl-shared.mjs \
	     $(TOOLS)/web-vendor/node_modules/maplibre-gl/dist/maplibre-gl.css \
	     $(TOOLS)/web-vendor/node_modules/maplibre-gl/LICENSE.txt $(WEB_VENDOR)/maplibre-gl/; \
	else echo "warning: npm not found: the web app will draw its SVG map instead of the basemap"; fi

map-tools:
	@command -v tilemaker >/dev/null || \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -q tilemaker >/dev/null 2>&1 || \
	   (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q tilemaker >/dev/null)) || \
	  echo "warning: could not install tilemaker: regions get no basemap tiles (the web app draws its SVG map)"

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

# OSRM's own programs (osrm-extract, osrm-contract, osrm-routed), from the osrm-bindings wheel on
# PyPI (manylinux x86-64; the programs need no Python): the contract tests serve the test
# extract with a real OSRM. Without them those tests are skipped (outside CI) or fail (CI).
OSRM_VERSION ?= 26.10.0
OSRM := $(TOOLS)/osrm
osrm-tools: $(OSRM)/osrm/bin/osrm-routed

$(OSRM)/osrm/bin/osrm-routed:
	@mkdir -p $(OSRM)/wheel && \
	  ($(PYTHON) -m pip download --quiet --no-deps --only-binary :all: --python-version 3.12 \
	     --platform manylinux_2_28_x86_64 -d $(OSRM)/wheel "osrm-bindings==$(OSRM_VERSION)" && \
	   $(PYTHON) -m zipfile -e $(OSRM)/wheel/osrm_bindings-$(OSRM_VERSION)-*.whl $(OSRM) && \
	   chmod +x $(OSRM)/osrm/bin/*) || \
	  echo "warning: could not install the OSRM programs: the live OSRM contract tests will be skipped (outside CI)"

demo: setup
	$(RUN)/codriver demo

lint: setup-dev
	$(RUN)/ruff check platform tools simulators tests benchmarks
	$(RUN)/ruff format --check platform tools simulators tests benchmarks
	$(RUN)/lint-imports
	$(RUN)/python .ci/check_private_imports.py platform tools simulators
	@# the web app's modules parse (a syntax error would only show as a blank page in the browser tests)
	@for f in platform/codriver/api/web/*.js; do node --experimental-default-type=module --check $$f || exit 1; done

typecheck: setup-dev
	$(RUN)/mypy platform tools simulators

unit: setup-dev reference
	$(RUN)/pytest tests/unit -q

test: lint typecheck browser reference osrm-tools
	$(RUN)/pytest -q

bench: setup-dev
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(RUN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache $(REFERENCE)/node_modules $(WEB_VENDOR)/maplibre-gl
