# The Codriver image: the locked dependencies and the package, nothing else.
FROM python:3.11-slim
ENV UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
COPY platform platform
COPY tools tools
COPY simulators simulators
RUN uv sync --frozen --no-dev --extra local-llm
# named volumes mounted at /data start with this owner, so the services can write there
RUN mkdir -p /data && chown nobody:nogroup /data
ENV CODRIVER_DATA_DIR=/data
USER nobody
CMD ["codriver", "--help"]
