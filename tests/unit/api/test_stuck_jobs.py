"""Planning jobs never stay "running" for ever: a crash is recorded with its reason, restarts retry a bounded number of times."""

from __future__ import annotations

import time
from typing import Any

from api_support import Api, make_api, trip_request

from codriver.api._app import MAX_PLAN_ATTEMPTS
from codriver.settings import Settings
from codriver.store import create_plan_job, session_scope, update_plan_job
from codriver.store.models import PlanJob


def _wait_for_job(api: Api, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        job = api.client.get(f"/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in {"done", "failed"}:
            return dict(job)
        time.sleep(0.05)
    msg = f"job {job_id} still {job['status']}"
    raise AssertionError(msg)


def test_a_job_that_crashes_is_failed_with_its_reason(api: Api) -> None:
    ann = api.user()

    async def crash(request: Any) -> Any:
        msg = "solver blew up"
        raise RuntimeError(msg)

    api.planner.plan = crash  # type: ignore[method-assign]
    answer = api.client.post("/v1/plan", json={"request": trip_request(), "background": True}, headers=ann)
    assert answer.status_code == 202, answer.text
    job = _wait_for_job(api, ann, answer.json()["id"])
    assert job["status"] == "failed"
    assert job["error"]["status"] == 500
    assert "RuntimeError" in job["error"]["detail"]
    assert "solver blew up" not in job["error"]["detail"]  # internals stay in the log


def test_restarts_resume_a_job_a_bounded_number_of_times_then_record_why_it_failed(settings: Settings) -> None:
    first = make_api(settings)
    api = next(first)
    ann = api.user()
    user_id = api.client.get("/v1/users/me", headers=ann).json()["id"]
    body = {"request": trip_request(), "background": True}
    with session_scope(api.services.engine) as session:
        create_plan_job(session, job_id="aa01", user_id=user_id, body=body)  # started once, then the service died
        create_plan_job(session, job_id="aa02", user_id=user_id, body=body)
    engine = api.services.engine
    now = api.clock.now()
    update_plan_job(engine, job_id="aa01", at=now, status="running")
    update_plan_job(engine, job_id="aa02", at=now, status="running", attempts=MAX_PLAN_ATTEMPTS)
    first.close()

    for restart in make_api(settings):  # a new process: its start-up resumes what was left unfinished
        resumed = _wait_for_job(restart, ann, "aa01")
        assert resumed["status"] == "done"
        assert resumed["trip_id"] is not None
        given_up = restart.client.get("/v1/jobs/aa02", headers=ann).json()
        assert given_up["status"] == "failed"
        assert f"interrupted {MAX_PLAN_ATTEMPTS} times" in given_up["error"]["detail"]
        with session_scope(restart.services.engine) as session:
            attempts = {job_id: session.get(PlanJob, job_id).attempts for job_id in ("aa01", "aa02")}  # type: ignore[union-attr]
        assert attempts == {"aa01": 2, "aa02": MAX_PLAN_ATTEMPTS + 1}
