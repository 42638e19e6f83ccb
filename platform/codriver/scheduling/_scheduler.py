"""APScheduler 3.11 over the service's database: one job per trip action, surviving restarts.

Job IDs are deterministic (``trip:{id}:{action}``) and added with ``replace_existing``,
so scheduling a trip again (after a re-plan, after a restart, from two processes) moves
jobs instead of duplicating them. ``misfire_grace_time=None`` runs a job however late it
is (after downtime); the :class:`ActionRunner` then decides whether the action still
makes sense and records it as skipped otherwise. ``coalesce`` folds missed runs of the
periodic check into one. A reconcile job (in memory, every few seconds) picks up trips
planned by another process, so ``codriver serve --no-scheduler`` plus ``codriver
scheduler`` work together. With a ``heartbeat`` path each reconcile (a database read)
touches that file: its age is the health check of a separate scheduler process.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
from sqlalchemy import Engine
from sqlmodel import col, select

from codriver.scheduling import _jobs
from codriver.scheduling._aps import (
    AsyncIOScheduler,
    DateTrigger,
    IntervalTrigger,
    JobLookupError,
    MemoryJobStore,
    SQLAlchemyJobStore,
)
from codriver.scheduling._clock import Clock
from codriver.scheduling._plan import check_window
from codriver.scheduling._runner import ActionRunner, load_snapshot
from codriver.store import Trip, session_scope

__all__ = ["JOB_TABLE", "TripScheduler", "job_id"]

logger = logging.getLogger(__name__)
JOB_TABLE = "apscheduler_jobs"


def job_id(trip_id: int, key: str) -> str:
    """The job ID of one trip action (deterministic: the same action is always the same job)."""
    return f"trip:{trip_id}:{key}"


class TripScheduler:
    """Schedules and runs the actions of every planned or active trip."""

    def __init__(
        self,
        engine: Engine,
        runner: ActionRunner,
        *,
        clock: Clock,
        name: str = "default",
        reconcile_s: float = 5.0,
        heartbeat: Path | None = None,
    ) -> None:
        self.engine = engine
        self.runner = runner
        self.clock = clock
        self.name = name
        self.reconcile_s = reconcile_s
        self.heartbeat = heartbeat
        self._synced: dict[int, tuple[int, str]] = {}
        self.scheduler = AsyncIOScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE), "memory": MemoryJobStore()},
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
            timezone=UTC,
        )

    @property
    def running(self) -> bool:
        """Whether the scheduler runs (in this process's event loop)."""
        return bool(self.scheduler.running)

    async def start(self) -> None:
        """Start in the running event loop and schedule every planned or active trip."""
        _jobs.bind(self.name, self)
        self.scheduler.start()
        self.scheduler.add_job(
            _jobs.reconcile,
            IntervalTrigger(seconds=self.reconcile_s, timezone=UTC),
            args=[self.name],
            id=f"codriver:reconcile:{self.name}",
            jobstore="memory",
            replace_existing=True,
        )
        await self.reconcile()

    def shutdown(self) -> None:
        """Stop running jobs (scheduled jobs stay in the database)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        _jobs.unbind(self.name)

    async def reconcile(self) -> list[int]:
        """Schedule trips whose itinerary version changed since they were last scheduled here."""
        rows = await anyio.to_thread.run_sync(self._live_trips)
        if self.heartbeat is not None:
            await anyio.to_thread.run_sync(self._beat, self.heartbeat)
        changed = [trip_id for trip_id, version, status in rows if self._synced.get(trip_id) != (version, status)]
        for trip_id in changed:
            await self.sync_trip(trip_id)
        return changed

    @staticmethod
    def _beat(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()

    def _live_trips(self) -> list[tuple[int, int, str]]:
        with session_scope(self.engine) as session:
            rows = session.exec(
                select(Trip.id, Trip.current_version, Trip.status).where(
                    col(Trip.status).in_(("planned", "active", "cancelled", "done"))
                )
            ).all()
        return [(int(i), int(v), str(s)) for i, v, s in rows if i is not None]

    async def sync_trip(self, trip_id: int) -> list[str]:
        """(Re)schedule the actions of one trip that are not done yet; returns their job IDs."""
        snapshot = await anyio.to_thread.run_sync(load_snapshot, self.engine, trip_id)
        if snapshot is None:
            self._synced.pop(trip_id, None)
            return []
        self._synced[trip_id] = (snapshot.version, snapshot.status)
        existing = {
            job.id for job in self.scheduler.get_jobs(jobstore="default") if job.id.startswith(f"trip:{trip_id}:")
        }
        wanted: list[str] = []
        if snapshot.status in {"planned", "active"} and snapshot.itinerary is not None:
            for action in self.runner.planned(snapshot):
                if action.key in snapshot.done:
                    continue
                jid = job_id(trip_id, action.key)
                self.scheduler.add_job(
                    _jobs.run_trip_action,
                    DateTrigger(run_date=self.clock.to_wall(action.run_at), timezone=UTC),
                    args=[self.name, trip_id, action.key],
                    id=jid,
                    name=f"trip {trip_id} {action.kind}",
                    replace_existing=True,
                )
                wanted.append(jid)
            window = check_window(snapshot.itinerary)
            if window is not None:
                wanted.append(self._schedule_checks(trip_id, *window))
        for stale in existing - set(wanted):
            with contextlib.suppress(JobLookupError):
                self.scheduler.remove_job(stale, jobstore="default")
        return wanted

    def _schedule_checks(self, trip_id: int, start: datetime, end: datetime) -> str:
        interval = timedelta(minutes=self.runner.config.check_interval_min)
        wall_start, wall_end = self.clock.to_wall(start), self.clock.to_wall(end)
        wall_interval = max((self.clock.to_wall(start + interval) - wall_start).total_seconds(), 0.5)
        jid = job_id(trip_id, "check")
        now = datetime.now(UTC)
        if wall_end <= now:
            with contextlib.suppress(JobLookupError):
                self.scheduler.remove_job(jid, jobstore="default")
            return jid
        self.scheduler.add_job(
            _jobs.run_trip_check,
            IntervalTrigger(seconds=wall_interval, start_date=max(wall_start, now), end_date=wall_end, timezone=UTC),
            args=[self.name, trip_id],
            id=jid,
            name=f"trip {trip_id} check",
            replace_existing=True,
        )
        return jid
