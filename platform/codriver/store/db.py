"""Engine, sessions and schema migrations for SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session

from codriver.errors import StoreError

__all__ = ["alembic_config", "make_engine", "migrate", "serial_writes", "session_scope"]

_MIGRATIONS = Path(__file__).with_name("migrations")
#: Longest wait for a pooled connection, in seconds.
POOL_TIMEOUT_S = 5.0


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite files get their folder, foreign keys and WAL.

    Statement parameters never reach logs or error messages (``hide_parameters``): they
    hold password hashes, e-mail addresses and cars' positions. A caller waits at most
    ``POOL_TIMEOUT_S`` for a pooled connection, then gets :class:`sqlalchemy.exc.TimeoutError`
    (the API answers 503 with ``Retry-After``).
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # an SQLite connection is a file handle: enough for the API's request sessions (24), its
            # worker threads (40) and short reads (8) at once, so the pool is never what they wait for
            kwargs.setdefault("pool_size", 8)
            kwargs.setdefault("max_overflow", 72)
            kwargs.setdefault("pool_timeout", POOL_TIMEOUT_S)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
    else:
        kwargs.setdefault("pool_pre_ping", True)
        # connections kept open for the API's worker threads: opening one costs milliseconds
        # and a server process, so overflow connections (opened and closed per use) stay rare
        kwargs.setdefault("pool_size", 12)
        kwargs.setdefault("max_overflow", 36)
        kwargs.setdefault("pool_timeout", POOL_TIMEOUT_S)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that migrates ``engine`` with our migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["engine"] = engine
    return config


#: The PostgreSQL advisory lock key held while migrating (any constant; "codriver" in ASCII).
_MIGRATION_LOCK = 0x636F6472697665


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One migrating process at a time per database (``serve --workers``, API and scheduler starting together).

    PostgreSQL: a session-level advisory lock on a connection of its own. SQLite: an
    exclusive ``flock`` on ``<database file>.migrate.lock`` (none for in-memory databases).
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK})
                connection.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    import fcntl  # noqa: PLC0415  (POSIX only, and only for SQLite files)

    with Path(f"{database}.migrate.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision`` (idempotent; processes migrating at once take turns)."""
    try:
        with _migration_lock(engine):
            command.upgrade(alembic_config(engine), revision)
    except SQLAlchemyError as exc:
        msg = f"cannot migrate the database at {engine.url.render_as_string(hide_password=True)}: {exc}"
        raise StoreError(msg) from exc


_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_WRITE_LOCKS_GUARD = threading.Lock()


@contextmanager
def serial_writes(engine: Engine) -> Iterator[None]:
    """On SQLite, one writing block of this process at a time (elsewhere: no lock).

    SQLite has one writer; a writer that finds the file locked sleeps in growing steps
    (up to 100 ms) before it tries again, which made seconds-long tails when many cars
    reported at once. Writers of one process queue on this lock instead, each holding it
    for one short transaction.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    with _WRITE_LOCKS_GUARD:
        lock = _WRITE_LOCKS.setdefault(engine, threading.Lock())
    with lock:
        yield


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
