"""End-to-end tests: a real ``codriver serve`` process driven over HTTP."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# The process helpers (free port, fake Home Assistant, SSE reader) live with the integration tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "api"))

from serve_support import ServeProcess, serve
from web_support import chromium, require_chromium

from codriver.bootstrap import Runtime
from codriver.settings import Settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    """``codriver serve`` on SQLite with the Helsinki region imported beforehand (one per test module)."""
    require_chromium()
    data = tmp_path_factory.mktemp("web") / "data"
    runtime = Runtime(Settings(data_dir=data))
    runtime.region("helsinki")
    runtime.engine.dispose()
    with serve(data_dir=data, database_url=None, args=["--no-scheduler"]) as process:
        yield process


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for the module's pages."""
    with chromium() as launched:
        yield launched
