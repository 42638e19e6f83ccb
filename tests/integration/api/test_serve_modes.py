"""The two ways compose.yaml and ``serve --workers`` run trip jobs, as real processes on SQLite.

- ``codriver serve --no-scheduler`` beside ``codriver scheduler --heartbeat FILE`` (the
  compose services ``api`` and ``scheduler``);
- ``codriver serve --workers 2``: two uvicorn workers, and one scheduler process that
  ``serve`` starts beside them and stops with them.

Either way a trip planned through the API gets its pre-departure actions done exactly once.
The service runs on a warp clock (60 simulated seconds per second).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from serve_support import FAKES, ROOT, Api, ServeProcess
from sqlmodel import Session, select

from codriver.store import QueuedCommand, TripAction, make_engine

pytestmark = pytest.mark.slow

SPEED = 60.0
PORTS = ["--planner", "api_fakes:planner", "--assistant", "api_fakes:assistant"]


def _clock(lead_s: float) -> tuple[datetime, list[str]]:
    wall = datetime.now(UTC) + timedelta(seconds=lead_s)
    origin = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # simulated time at `wall`
    return origin, ["--clock", f"{origin.isoformat()}@{wall.isoformat()}x{SPEED:g}"]


def _plan_trip(url: str, depart: datetime) -> tuple[int, int]:
    with Api(url) as api:
        ann = api.user("ann@example.org")
        presets = {"driver_seat": "anna", "seat": ["anna"], "cabin_target_c": 21}
        vehicle = api.ok("POST", "/v1/vehicles", ann, json={"name": "Ioniq", "powertrain": "ev", "presets": presets})
        request = {
            "origin": "60.1699,24.9384",
            "depart_at": depart.isoformat(),
            "return_by": (depart + timedelta(hours=6)).isoformat(),
            "must_visit": ["osm:node/1"],
            "vehicle": {"powertrain": "ev"},
        }
        trip = api.ok("POST", "/v1/plan", ann, json={"request": request, "vehicle_id": vehicle["id"]})
        key = {"Authorization": "Bearer " + api.ok("POST", f"/v1/vehicles/{vehicle['id']}/api-key", ann)["api_key"]}
        for _ in range(6):  # several connections: whichever worker answers knows the trip
            with Api(url) as other:
                assert other.ok("GET", f"/v1/trips/{trip['id']}/next", key)["trip_id"] == trip["id"]
        return int(trip["id"]), int(vehicle["id"])


def _done(database: str, trip_id: int, vehicle_id: int, timeout_s: float) -> tuple[dict[str, str], list[str]]:
    """Wait until the pre-departure actions are done; then (actions, queued command kinds)."""
    engine = make_engine(database)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            with Session(engine) as session:
                actions = {
                    r.action: r.status
                    for r in session.exec(select(TripAction).where(TripAction.trip_id == trip_id)).all()
                }
                commands = [
                    c.kind
                    for c in session.exec(select(QueuedCommand).where(QueuedCommand.vehicle_id == vehicle_id)).all()
                ]
            if {"precondition", "seat_preset"} <= set(actions) or time.monotonic() > deadline:
                return actions, sorted(commands)
            time.sleep(0.5)
    finally:
        engine.dispose()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(x) for x in task.read_text().split()]
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_api_and_a_separate_scheduler_process_share_the_work(tmp_path: Path) -> None:
    data = tmp_path / "data"
    origin, clock = _clock(45)
    depart = origin + timedelta(minutes=65)  # pre-conditioning 60 min before: 5 s after the clock's origin
    heartbeat = tmp_path / "scheduler.alive"
    server = ServeProcess(data_dir=data, database_url=None, args=[*PORTS, *clock, "--no-scheduler"])
    env: dict[str, Any] = {**os.environ, "CODRIVER_DATA_DIR": str(data), "PYTHONPATH": str(FAKES)}
    scheduler_log = (tmp_path / "scheduler.log").open("wb")
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "codriver.cli._scheduler", *PORTS, *clock, "--heartbeat", str(heartbeat)],
        env=env,
        cwd=ROOT,
        stdout=scheduler_log,
        stderr=subprocess.STDOUT,
    )
    try:
        server.wait_ready()
        trip_id, vehicle_id = _plan_trip(server.url, depart)
        actions, commands = _done(f"sqlite:///{data / 'codriver.db'}", trip_id, vehicle_id, timeout_s=120)
        assert heartbeat.is_file()
        assert time.time() - heartbeat.stat().st_mtime < 30
    finally:
        server.stop()
        scheduler.terminate()
        scheduler.wait(timeout=30)
        scheduler_log.close()
    log = (tmp_path / "scheduler.log").read_text()
    assert actions.get("precondition") == "done", (actions, log[-3000:])
    assert actions.get("seat_preset") == "done", actions
    assert commands == ["precondition_cabin", "seat_preset"]  # once each
    assert scheduler.returncode == 0, log[-3000:]  # stopped cleanly by SIGTERM


def test_serve_with_two_workers_runs_jobs_in_one_scheduler_process(tmp_path: Path) -> None:
    data = tmp_path / "data"
    origin, clock = _clock(60)
    depart = origin + timedelta(minutes=65)
    server = ServeProcess(data_dir=data, database_url=None, args=[*PORTS, *clock, "--workers", "2"])
    try:
        server.wait_ready()
        children = [(pid, _cmdline(pid)) for pid in _children(server.process.pid)]
        schedulers = [pid for pid, line in children if "codriver.cli._scheduler" in line]
        assert len(schedulers) == 1, children
        trip_id, vehicle_id = _plan_trip(server.url, depart)
        actions, commands = _done(f"sqlite:///{data / 'codriver.db'}", trip_id, vehicle_id, timeout_s=120)
        time.sleep(2)  # a second scheduler would have doubled the commands by now
        _, again = _done(f"sqlite:///{data / 'codriver.db'}", trip_id, vehicle_id, timeout_s=0)
    finally:
        server.stop()
    log = server.log.read_text()
    assert log.count("Started server process") == 2, log[-3000:]
    assert actions.get("precondition") == "done", (actions, log[-3000:])
    assert commands == again == ["precondition_cabin", "seat_preset"]
    assert not Path(f"/proc/{schedulers[0]}").exists() or "codriver" not in _cmdline(schedulers[0])  # stopped too
