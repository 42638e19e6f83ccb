"""Concurrent writers on one trip and one car, on SQLite and PostgreSQL: nothing lost, nothing corrupted."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, col, select

from codriver.store import (
    ItineraryRow,
    Preferences,
    StaleVersion,
    Trip,
    User,
    Vehicle,
    append_itinerary,
    get_preferences,
    migrate,
    session_scope,
    update_vehicle_state,
)

WRITERS = 8
EACH = 5


def _trip(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as session:
        user = User(email="ann@example.org")
        session.add(user)
        session.flush()
        assert user.id is not None
        vehicle = Vehicle(user_id=user.id, name="Ioniq", powertrain="ev")
        trip = Trip(user_id=user.id, title="Day")
        session.add_all([vehicle, trip])
        session.flush()
        assert trip.id is not None
        assert vehicle.id is not None
        return trip.id, vehicle.id


def test_concurrent_versions_get_distinct_consecutive_numbers(any_engine: Engine) -> None:
    migrate(any_engine)
    trip_id, _ = _trip(any_engine)

    def write(writer: int) -> list[int]:
        versions = []
        for n in range(EACH):
            stops = [{"kind": "start", "lat": 60.0, "lon": 24.0, "name": f"w{writer}-{n}"}]
            row = append_itinerary(
                any_engine,
                trip_id=trip_id,
                document={"stops": stops},
                status="feasible",
                reason=f"w{writer}",
                attempts=50,
            )
            versions.append(row.version)
        return versions

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(write, range(WRITERS)))
    got = sorted(v for r in results for v in r)
    assert got == list(range(1, WRITERS * EACH + 1))
    with Session(any_engine) as session:
        trip = session.get(Trip, trip_id)
        assert trip is not None
        assert trip.current_version == WRITERS * EACH
        rows = session.exec(
            select(ItineraryRow).where(ItineraryRow.trip_id == trip_id).order_by(col(ItineraryRow.version))
        ).all()
        assert [r.version for r in rows] == got
        # each version holds the document its writer stored
        assert all(r.document["stops"][0]["name"].startswith(r.reason or "?") for r in rows)


def test_out_of_order_state_reports_from_many_threads_keep_the_newest(any_engine: Engine) -> None:
    migrate(any_engine)
    _, vehicle_id = _trip(any_engine)
    base = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    reports = [(base + timedelta(seconds=i), i / 100) for i in range(60)]
    shuffled = reports * 2  # every report twice: duplicates too
    random.Random(7).shuffle(shuffled)

    def send(report: tuple[datetime, float]) -> bool:
        with session_scope(any_engine) as session:
            return update_vehicle_state(
                session, vehicle_id=vehicle_id, recorded_at=report[0], values={"soc": report[1]}
            )

    with ThreadPoolExecutor(WRITERS) as pool:
        applied = list(pool.map(send, shuffled))
    assert 1 <= sum(applied) <= len(reports)  # each timestamp applied at most once
    with Session(any_engine) as session:
        vehicle = session.get(Vehicle, vehicle_id)
        assert vehicle is not None
        assert vehicle.state_at == reports[-1][0]
        assert vehicle.soc == reports[-1][1]


def test_processes_starting_together_on_a_new_database_migrate_it_once(any_engine: Engine) -> None:
    # serve --workers N, or the API and the scheduler of compose.yaml, start at the same time
    url = any_engine.url.render_as_string(hide_password=False)
    script = "import sys; from codriver.store import make_engine, migrate; e = make_engine(sys.argv[1]); migrate(e); e.dispose()"
    processes = [
        subprocess.Popen([sys.executable, "-c", script, url], stderr=subprocess.PIPE, text=True) for _ in range(4)
    ]
    errors = [p.communicate(timeout=240)[1] for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], errors
    assert {"trip", "itinerary", "vehicle", "alembic_version"} <= set(inspect(any_engine).get_table_names())
    with any_engine.connect() as connection:
        assert len(connection.execute(text("SELECT version_num FROM alembic_version")).all()) == 1


def test_ten_first_requests_of_a_new_user_at_once_create_one_preferences_row(any_engine: Engine) -> None:
    migrate(any_engine)
    with session_scope(any_engine) as session:
        user = User(email="new@example.org")
        session.add(user)
        session.flush()
        assert user.id is not None
        user_id = user.id
    start = threading.Barrier(10)

    def first_use(_: int) -> int:
        start.wait()
        with session_scope(any_engine) as session:
            prefs = get_preferences(session, user_id=user_id)
            assert prefs.id is not None
            return prefs.id

    with ThreadPoolExecutor(10) as pool:
        ids = list(pool.map(first_use, range(10)))
    assert len(set(ids)) == 1  # every request read the one row, none failed on the unique constraint
    with Session(any_engine) as session:
        rows = session.exec(select(Preferences).where(Preferences.user_id == user_id)).all()
        assert [(r.currency, r.diet, r.rejected_place_ids) for r in rows] == [("EUR", [], [])]


def test_two_changes_based_on_one_version_one_wins_and_the_request_is_the_winners(any_engine: Engine) -> None:
    migrate(any_engine)
    trip_id, _ = _trip(any_engine)
    append_itinerary(any_engine, trip_id=trip_id, document={"stops": []}, status="feasible", reason="plan")
    start = threading.Barrier(2)

    def change(name: str) -> str:
        start.wait()
        try:
            append_itinerary(
                any_engine,
                trip_id=trip_id,
                document={"stops": [{"kind": "start", "lat": 60.0, "lon": 24.0, "name": name}]},
                status="feasible",
                reason=name,
                expected_version=1,
                trip_values={"request": {"who": name}},
            )
        except StaleVersion as exc:
            return f"stale at {exc.current}"
        return "stored"

    with ThreadPoolExecutor(2) as pool:
        outcomes = dict(zip(["replace", "remove"], pool.map(change, ["replace", "remove"]), strict=True))
    assert sorted(outcomes.values()) == ["stale at 2", "stored"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "stored")
    with Session(any_engine) as session:
        trip = session.get(Trip, trip_id)
        assert trip is not None
        assert trip.current_version == 2
        assert trip.request == {"who": winner}  # the request and the version come from the same writer
        latest = session.exec(
            select(ItineraryRow).where(ItineraryRow.trip_id == trip_id, ItineraryRow.version == 2)
        ).one()
        assert latest.reason == winner
