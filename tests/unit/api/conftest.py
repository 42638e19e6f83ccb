"""Fixtures of the API tests (helpers in ``api_support``: conftest modules share one import name)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_support import Api, make_api

from codriver.settings import Settings


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    yield from make_api(settings)
