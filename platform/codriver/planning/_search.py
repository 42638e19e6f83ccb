"""How long the solvers search: wall-clock limits by default, work limits for reproducible runs.

By default CP-SAT and the routing solver stop after a number of seconds, which keeps
latency bounded but lets a busy or cold process end on a different (equally valid) plan.
Inside :func:`deterministic_search` they stop after a fixed amount of work instead (one
CP-SAT worker with a deterministic time limit; the routing solver descends to a local
optimum), so the same request gives the same plan on any machine and in any order. The
simulators run every scenario this way; a generous wall-clock limit stays as a guard.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["WALL_GUARD", "deterministic_search", "is_deterministic"]

#: In deterministic mode the wall-clock limit is this many times the work limit (a guard only).
WALL_GUARD = 20.0

_DETERMINISTIC: ContextVar[bool] = ContextVar("codriver_deterministic_search", default=False)


@contextmanager
def deterministic_search() -> Iterator[None]:
    """Within this block (and the tasks and worker threads it starts), searches are reproducible."""
    token = _DETERMINISTIC.set(True)
    try:
        yield
    finally:
        _DETERMINISTIC.reset(token)


def is_deterministic() -> bool:
    """Whether the current context asked for reproducible searches."""
    return _DETERMINISTIC.get()
