"""The functions APScheduler stores references to: importable, module-level, plain arguments.

A job in the database holds ``codriver.scheduling._jobs:run_trip_action`` and its
arguments ``(scheduler name, trip ID, action key)``, never an object. The running
process binds the name to its :class:`~codriver.scheduling._runner.ActionRunner` and
:class:`~codriver.scheduling._scheduler.TripScheduler` at start.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codriver.scheduling._scheduler import TripScheduler

__all__ = ["bind", "bound", "reconcile", "run_trip_action", "run_trip_check", "unbind"]

logger = logging.getLogger(__name__)
_BOUND: dict[str, TripScheduler] = {}


def bind(name: str, scheduler: TripScheduler) -> None:
    """Make ``scheduler`` the one jobs named ``name`` run against in this process."""
    _BOUND[name] = scheduler


def unbind(name: str) -> None:
    """Forget a binding (at shutdown)."""
    _BOUND.pop(name, None)


def bound(name: str) -> TripScheduler | None:
    """The scheduler bound to ``name`` in this process, if any."""
    return _BOUND.get(name)


async def run_trip_action(name: str, trip_id: int, key: str) -> None:
    """Job: carry out one action of a trip (at most once, whatever the number of calls)."""
    scheduler = _BOUND.get(name)
    if scheduler is None:
        logger.error("no scheduler %r bound in this process: trip %s action %s not run", name, trip_id, key)
        return
    outcome = await scheduler.runner.run(trip_id, key)
    logger.info("trip %s action %s: %s", trip_id, key, outcome)


async def run_trip_check(name: str, trip_id: int) -> None:
    """Job: check a running trip against its plan."""
    scheduler = _BOUND.get(name)
    if scheduler is None:
        logger.error("no scheduler %r bound in this process: trip %s not checked", name, trip_id)
        return
    causes = await scheduler.runner.check(trip_id)
    if causes:
        logger.info("trip %s re-planned: %s", trip_id, ", ".join(causes))


async def reconcile(name: str) -> None:
    """Job: schedule the actions of trips whose itinerary changed since the last look."""
    scheduler = _BOUND.get(name)
    if scheduler is not None:
        await scheduler.reconcile()
