"""Alembic environment: migrates the engine handed in by :func:`codriver.store.db.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from codriver.store import models  # noqa: F401  (registers the tables)
from sqlmodel import SQLModel

config = context.config
target_metadata = SQLModel.metadata


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if isinstance(engine, Engine):
        return engine
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        msg = "no engine given and no sqlalchemy.url configured"
        raise RuntimeError(msg)
    return create_engine(url)


def _ours(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """APScheduler keeps its own table in the same database: never migrate or drop it."""
    del obj, reflected, compare_to
    return not (type_ == "table" and name == "apscheduler_jobs")


def run_migrations() -> None:
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=_ours,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
