"""APScheduler 3.x classes, imported here once.

APScheduler ships no type information; importing its classes through :mod:`importlib`
keeps ``mypy --strict`` clean without per-line ignores (they are typed ``Any``).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "AsyncIOScheduler",
    "DateTrigger",
    "IntervalTrigger",
    "JobLookupError",
    "MemoryJobStore",
    "SQLAlchemyJobStore",
]


def _load(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


AsyncIOScheduler: Any = _load("apscheduler.schedulers.asyncio", "AsyncIOScheduler")
SQLAlchemyJobStore: Any = _load("apscheduler.jobstores.sqlalchemy", "SQLAlchemyJobStore")
MemoryJobStore: Any = _load("apscheduler.jobstores.memory", "MemoryJobStore")
DateTrigger: Any = _load("apscheduler.triggers.date", "DateTrigger")
IntervalTrigger: Any = _load("apscheduler.triggers.interval", "IntervalTrigger")
JobLookupError: type[Exception] = _load("apscheduler.jobstores.base", "JobLookupError")
