"""An unfinished planning job is resumed by exactly one process after a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from codriver.store import (
    User,
    claim_plan_job,
    create_plan_job,
    migrate,
    session_scope,
    unfinished_plan_jobs,
    update_plan_job,
)
from codriver.store.models import PlanJob

RESTART = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def test_only_the_first_claim_of_a_seen_job_wins(any_engine: Engine) -> None:
    migrate(any_engine)
    with session_scope(any_engine) as session:
        user = User(email="ann@example.org")
        session.add(user)
        session.flush()
        assert user.id is not None
        create_plan_job(session, job_id="a1", user_id=user.id, body={"text": "a museum"})
    update_plan_job(any_engine, job_id="a1", at=RESTART - timedelta(minutes=5), status="running")
    with session_scope(any_engine) as session:
        seen = [(job.id, job.updated_at) for job in unfinished_plan_jobs(session)]
    assert seen == [("a1", RESTART - timedelta(minutes=5))]
    # two workers started together both saw the job; one takes it
    assert claim_plan_job(any_engine, job_id="a1", seen_at=seen[0][1], at=RESTART) is True
    assert claim_plan_job(any_engine, job_id="a1", seen_at=seen[0][1], at=RESTART) is False
    with session_scope(any_engine) as session:
        job = session.get(PlanJob, "a1")
        assert job is not None
        assert (job.stage, job.updated_at) == ("resumed", RESTART)
    update_plan_job(any_engine, job_id="a1", at=RESTART + timedelta(seconds=5), status="done")
    assert claim_plan_job(any_engine, job_id="a1", seen_at=RESTART + timedelta(seconds=5), at=RESTART) is False
