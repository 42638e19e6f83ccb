"""Fixtures shared by every test layer."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from codriver.bootstrap import Runtime
from codriver.settings import Settings
from codriver.store import make_engine
from osm_extracts import write_extract

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
POSTGRES_URL = os.environ.get("CODRIVER_TEST_POSTGRES_URL") or (
    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres" if IN_CI else None
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings over a fresh data directory (SQLite file inside it)."""
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def sqlite_engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.effective_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards.

    Skipped when no server is configured, except in CI, where it must be there.
    """
    if POSTGRES_URL is None:
        pytest.skip("no PostgreSQL configured (set CODRIVER_TEST_POSTGRES_URL)")
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"codriver_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is required in CI: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_engine(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Engine]:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        engine = make_engine(settings.effective_database_url)
    else:
        engine = make_engine(request.getfixturevalue("postgres_url"))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def helsinki(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    """A runtime over a private data directory with the embedded Helsinki region imported.

    Imported once per test session; tests must not modify it (import into their own
    ``settings`` fixture for that).
    """
    runtime = Runtime(Settings(data_dir=tmp_path_factory.mktemp("helsinki-data")))
    runtime.region("helsinki")
    return runtime


@pytest.fixture
def town_pbf(tmp_path: Path) -> Path:
    """A synthetic small-town extract with roads, places and chargers."""
    return write_extract(tmp_path / "town.osm.pbf")
