"""The action ledger of scheduled trip actions, and the background planning jobs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from codriver.store._errors import RecordNotFound
from codriver.store.db import session_scope
from codriver.store.models import PlanJob, TripAction

__all__ = [
    "actions_of",
    "create_plan_job",
    "owned_plan_job",
    "record_action",
    "unfinished_plan_jobs",
    "update_plan_job",
]


def actions_of(session: Session, *, trip_id: int) -> Sequence[TripAction]:
    """The trip's recorded actions, in the order they were done."""
    return session.exec(select(TripAction).where(TripAction.trip_id == trip_id).order_by(col(TripAction.id))).all()


def record_action(
    engine: Engine, *, trip_id: int, action: str, status: str, detail: Mapping[str, Any], at: datetime
) -> bool:
    """Record that ``action`` of the trip was done (or skipped); False when it already was recorded.

    The unique ``(trip_id, action)`` constraint makes this the single point where two
    schedulers racing for the same action are told apart.
    """
    try:
        with session_scope(engine) as session:
            session.add(TripAction(trip_id=trip_id, action=action, status=status, detail=dict(detail), done_at=at))
    except IntegrityError:
        return False
    return True


def create_plan_job(session: Session, *, job_id: str, user_id: int, body: Mapping[str, Any]) -> PlanJob:
    """A queued planning job, counted as started once (it is run at once)."""
    job = PlanJob(id=job_id, user_id=user_id, body=dict(body), attempts=1)
    session.add(job)
    session.flush()
    return job


def owned_plan_job(session: Session, *, user_id: int, job_id: str) -> PlanJob:
    """The user's job; :class:`RecordNotFound` otherwise."""
    job = session.get(PlanJob, job_id)
    if job is None or job.user_id != user_id:
        msg = f"no planning job {job_id}"
        raise RecordNotFound(msg, field="job_id")
    return job


def update_plan_job(engine: Engine, *, job_id: str, at: datetime, **changes: Any) -> PlanJob:
    """Change a job's status, stage, progress, trip or error."""
    with session_scope(engine) as session:
        job = session.get(PlanJob, job_id)
        if job is None:
            msg = f"no planning job {job_id}"
            raise RecordNotFound(msg, field="job_id")
        for key, value in changes.items():
            setattr(job, key, value)
        job.updated_at = at
        session.add(job)
        session.flush()
        return job


def claim_plan_job(engine: Engine, *, job_id: str, seen_at: datetime, at: datetime) -> bool:
    """Take over an unfinished job last updated at ``seen_at`` (one more attempt).

    False when another process took it first.
    """
    with session_scope(engine) as session:
        taken = session.exec(
            update(PlanJob)
            .where(col(PlanJob.id) == job_id)
            .where(col(PlanJob.updated_at) == seen_at)
            .where(col(PlanJob.status).in_(("queued", "running")))
            .values(updated_at=at, stage="resumed", attempts=col(PlanJob.attempts) + 1)
        )
        return bool(taken.rowcount == 1)


def unfinished_plan_jobs(session: Session) -> Sequence[PlanJob]:
    """Jobs queued or running (after a restart they are run again)."""
    return session.exec(select(PlanJob).where(col(PlanJob.status).in_(("queued", "running")))).all()
