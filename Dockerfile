# The Codriver image: the locked dependencies and the package, with what the basemap needs.

# MapLibre GL JS for the web app's basemap, from the npm lock file (the app serves it itself:
# no CDN at run time); the same files `make web-vendor` copies.
FROM node:20-slim AS web-vendor
WORKDIR /vendor
COPY platform/codriver/api/web/vendor/package.json platform/codriver/api/web/vendor/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && mkdir out && \
    cp node_modules/maplibre-gl/dist/maplibre-gl.mjs node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs \
       node_modules/maplibre-gl/dist/maplibre-gl-shared.mjs node_modules/maplibre-gl/dist/maplibre-gl.css \
       node_modules/maplibre-gl/LICENSE.txt out/

FROM python:3.11-slim
# Debian's tilemaker draws a region's vector tiles at import (without it the web app draws its SVG map)
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends tilemaker && \
    rm -rf /var/lib/apt/lists/*
ENV UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
COPY platform platform
COPY tools tools
COPY simulators simulators
COPY --from=web-vendor /vendor/out platform/codriver/api/web/vendor/maplibre-gl/
RUN uv sync --frozen --no-dev --compile-bytecode --extra local-llm
# named volumes mounted at /data start with this owner, so the services can write there
RUN mkdir -p /data && chown nobody:nogroup /data
ENV CODRIVER_DATA_DIR=/data
USER nobody
CMD ["codriver", "--help"]
