"""Faults at the edge: an exhausted pool, hostile input, made-up credentials, password guessing, clock skew."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from api_fakes import FakeAssistant, FakePlanner
from api_support import FAST, NOW, Api, make_api, trip_request
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from codriver.api import RequestIdFilter, create_app
from codriver.api._security import hash_secret, new_key
from codriver.bootstrap import Runtime
from codriver.scheduling import FixedClock
from codriver.settings import Settings
from codriver.store import User, Vehicle, make_engine, migrate, session_scope


@pytest.fixture
def strict_api(settings: Settings) -> Iterator[Api]:
    yield from make_api(settings, rate_per_s=0.01, rate_burst=3, max_body_bytes=2048)


def _field(response: Any) -> str:
    body = response.json()
    assert body["detail"], body
    return str(body["field"])


# -- the database pool ------------------------------------------------------------------------


def test_an_exhausted_pool_is_503_with_retry_after_and_health_still_answers(settings: Settings) -> None:
    runtime = Runtime(settings)
    runtime.engine = make_engine(settings.effective_database_url, pool_size=1, max_overflow=0, pool_timeout=0.3)  # type: ignore[misc]
    migrate(runtime.engine)
    app = create_app(
        runtime, planner=FakePlanner(), assistant=FakeAssistant(), clock=FixedClock(NOW), api_settings=FAST
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        api = Api(app, client, FakePlanner(), FakeAssistant(), FixedClock(NOW))
        ann = api.user()
        assert client.get("/v1/trips", headers=ann).status_code == 200
        held = runtime.engine.connect()  # the only connection: every request now waits 0.3 s for it
        try:
            busy = client.get("/v1/trips", headers=ann)
            assert client.get("/v1/health").status_code == 200
        finally:
            held.close()
        assert busy.status_code == 503, busy.text
        assert busy.headers["retry-after"] == "1"
        assert "retry" in busy.json()["detail"]
        assert client.get("/v1/trips", headers=ann).status_code == 200  # and it recovers


# -- hostile input ----------------------------------------------------------------------------


def test_nul_and_non_text_code_points_are_422_naming_the_field_even_at_sign_in(api: Api) -> None:
    ann = api.user()
    sign_in = api.client.post("/v1/auth/token", json={"email": "ann@example.org", "password": "correct\x00horse"})
    assert (sign_in.status_code, _field(sign_in)) == (422, "password")
    assert "NUL" in sign_in.json()["detail"]
    register = api.client.post("/v1/users", json={"email": "b\x00b@example.org", "password": "correct horse"})
    assert (register.status_code, _field(register)) == (422, "email")
    # a lone surrogate arrives as a JSON escape: no UTF-8 encoder (nor PostgreSQL) can store it
    raw = b'{"name": "Ioniq \\ud800", "powertrain": "ev"}'
    car = api.client.post("/v1/vehicles", content=raw, headers={**ann, "content-type": "application/json"})
    assert (car.status_code, _field(car)) == (422, "name")
    assert "U+D800" in car.json()["detail"]
    nested = api.client.post("/v1/plan", json={"request": trip_request(title="a\x07b")}, headers=ann)
    assert (nested.status_code, _field(nested)) == (422, "request.title")
    listed = api.client.post(
        "/v1/plan", json={"request": trip_request(must_visit=["osm:node/1", "osm:node/\x00"])}, headers=ann
    )
    assert (listed.status_code, _field(listed)) == (422, "request.must_visit.1")
    query = api.client.get("/v1/trips", params={"limit": "5\x00"}, headers=ann)
    assert (query.status_code, _field(query)) == (422, "limit")
    assert (
        api.client.post("/v1/vehicles", json={"name": "tab\tand\nnewline", "powertrain": "ev"}, headers=ann).status_code
        == 201
    )


def test_far_dates_and_huge_or_non_finite_numbers_are_422_naming_the_field(api: Api) -> None:
    ann = api.user()
    far = trip_request(depart_at="9999-12-31T10:00:00+00:00", return_by="9999-12-31T18:00:00+00:00")
    response = api.client.post("/v1/plan", json={"request": far}, headers=ann)
    assert (response.status_code, _field(response)) == (422, "request.depart_at")
    assert "two years" in response.json()["detail"]
    old = trip_request(depart_at=(NOW - timedelta(days=3 * 365)).isoformat())
    assert _field(api.client.post("/v1/plan", json={"request": old}, headers=ann)) == "request.depart_at"
    huge = trip_request(constraints={"max_stint_min": 1e308})
    response = api.client.post("/v1/plan", json={"request": huge}, headers=ann)
    assert (response.status_code, _field(response)) == (422, "request.constraints.max_stint_min")
    big_id = api.client.post(
        "/v1/trips", json={"title": "x", "vehicle_id": 10**30, "request": trip_request()}, headers=ann
    )
    assert (big_id.status_code, _field(big_id)) == (422, "vehicle_id")
    raw = b'{"name": "Ioniq", "powertrain": "ev", "battery_kwh": NaN}'
    nan = api.client.post("/v1/vehicles", content=raw, headers={**ann, "content-type": "application/json"})
    assert (nan.status_code, _field(nan)) == (422, "body")
    assert "NaN" in nan.json()["detail"]
    # a date within two years is fine
    assert api.client.post("/v1/plan", json={"request": trip_request()}, headers=ann).status_code == 201


def test_deep_nesting_chunked_bodies_and_malformed_json(strict_api: Api) -> None:
    api = strict_api
    deep = "[" * 260 + "]" * 260
    response = api.client.post("/v1/users", content=deep.encode(), headers={"content-type": "application/json"})
    assert (response.status_code, _field(response)) == (422, "body")
    assert "nested deeper" in response.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while reading
        yield b'{"email": "x@example.org", "password": "'
        for _ in range(10):
            yield b"p" * 500
        yield b'"}'

    streamed = api.client.post("/v1/users", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413, streamed.text
    assert _field(streamed) == "body"

    broken = api.client.post(
        "/v1/users",
        content=b'{"email": "x@example.org",\n "password" "p"}',
        headers={"content-type": "application/json"},
    )
    assert (broken.status_code, _field(broken)) == (422, "body")
    assert "line 2, column 13" in broken.json()["detail"], broken.json()
    assert "expecting ':' delimiter" in broken.json()["detail"]


# -- rate limits and guessing -----------------------------------------------------------------


def test_made_up_bearers_share_the_client_address_bucket(strict_api: Api) -> None:
    api = strict_api
    answers = [
        api.client.get("/v1/trips", headers={"Authorization": f"Bearer cdu_made-up-{n}"}).status_code for n in range(5)
    ]
    assert answers == [401, 401, 401, 429, 429]


def test_a_checked_principal_has_its_own_bucket_whatever_token_it_uses(strict_api: Api) -> None:
    api = strict_api
    ann = api.user()  # register + sign in: 2 of the address's 3 tokens
    answers = [api.client.get("/v1/trips", headers=ann).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]  # ann's own bucket of 3
    assert api.client.get("/v1/health").status_code == 200  # the address still has its last token


def test_cars_behind_one_address_with_good_keys_are_not_limited_together(strict_api: Api) -> None:
    api = strict_api
    ann = api.user()  # 2 of the address's 3 tokens
    user_id = api.client.get("/v1/users/me", headers=ann).json()["id"]
    keys = [new_key() for _ in range(6)]
    with session_scope(api.services.engine) as session:  # six cars whose head-units this process never saw
        session.add_all(
            [
                Vehicle(user_id=user_id, name=f"car {n}", powertrain="ev", api_key_hash=hash_secret(k))
                for n, k in enumerate(keys)
            ]
        )
    first = [api.client.get("/v1/users/me", headers={"Authorization": f"Bearer {k}"}).status_code for k in keys]
    assert first == [200] * 6  # after a restart, a carrier NAT's cars reconnect at once
    made_up = [
        api.client.get("/v1/users/me", headers={"Authorization": "Bearer cdv_guess"}).status_code for _ in range(2)
    ]
    assert made_up == [401, 429]  # a failed check costs the address its last token


def test_password_guessing_is_slowed_down_per_e_mail_address(api: Api) -> None:
    api.user()
    wrong = [
        api.client.post("/v1/auth/token", json={"email": "ann@example.org", "password": f"guess {n}"}).status_code
        for n in range(11)
    ]
    assert wrong == [401] * 10 + [429]
    blocked = api.client.post("/v1/auth/token", json={"email": "ann@example.org", "password": "correct horse"})
    assert blocked.status_code == 429  # even the right password waits: the guesser cannot tell
    assert 1 <= int(blocked.headers["retry-after"]) <= 6


# -- clock skew -------------------------------------------------------------------------------


def test_a_report_from_the_future_is_refused_and_does_not_block_true_ones(api: Api) -> None:
    ann = api.user()
    vehicle = api.vehicle(ann)
    key = api.key(ann, vehicle)
    url = f"/v1/vehicles/{vehicle}/state"
    ahead = api.client.put(url, json={"recorded_at": (NOW + timedelta(days=300)).isoformat(), "soc": 0.1}, headers=key)
    assert (ahead.status_code, _field(ahead)) == (422, "recorded_at")
    assert "ahead of the server's clock" in ahead.json()["detail"]
    true = api.client.put(url, json={"recorded_at": (NOW + timedelta(minutes=1)).isoformat(), "soc": 0.7}, headers=key)
    assert true.status_code == 200
    assert true.json()["applied"] is True
    assert true.json()["vehicle"]["soc"] == 0.7


def test_error_bodies_are_json_with_a_field(api: Api) -> None:
    response = api.client.post("/v1/users", content=b"\xff\xfe", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert json.loads(response.text)["field"] == "body"


# -- logs -------------------------------------------------------------------------------------


def test_failed_statements_never_show_their_parameters(any_engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    migrate(any_engine)
    secret_hash = "scrypt$16384$8$1$c2FsdA$c2VjcmV0LWhhc2g"
    with session_scope(any_engine) as session:
        session.add(User(email="ann@example.org", password_hash=secret_hash))
    with pytest.raises(IntegrityError) as failed, session_scope(any_engine) as session:
        session.add(User(email="ann@example.org", password_hash=secret_hash))  # the same e-mail again
    assert "UNIQUE" in str(failed.value).upper() or "unique" in str(failed.value)  # the reason is kept
    for text in (str(failed.value), caplog.text):
        # (PostgreSQL's own DETAIL names the conflicting key; the API answers such errors without logging them)
        assert secret_hash not in text
        assert "c2VjcmV0LWhhc2g" not in text
    assert "hidden due to hide_parameters" in str(failed.value)


def test_every_answer_names_its_request_and_a_500_is_logged_under_that_id(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    ann = api.user()
    own = api.client.get("/v1/trips", headers={**ann, "X-Request-ID": "car-42.req:7"})
    assert own.headers["x-request-id"] == "car-42.req:7"  # a client's safe ID follows the request
    unsafe = api.client.get("/v1/trips", headers={**ann, "X-Request-ID": "x" * 65})
    made = unsafe.headers["x-request-id"]
    assert len(made) == 16
    assert made != api.client.get("/v1/trips", headers=ann).headers["x-request-id"]
    assert api.client.post("/v1/users", content=b"{", headers={"content-type": "application/json"}).headers[
        "x-request-id"
    ]  # refusals at the edge too

    async def crash(request: Any) -> Any:
        msg = "solver blew up"
        raise RuntimeError(msg)

    api.planner.plan = crash  # type: ignore[method-assign]
    caplog.handler.addFilter(RequestIdFilter())
    failed = api.client.post("/v1/plan", json={"request": trip_request()}, headers={**ann, "X-Request-ID": "plan-1"})
    assert failed.status_code == 500
    assert failed.json()["request_id"] == "plan-1"
    assert "plan-1" in failed.json()["detail"]
    logged = [r for r in caplog.records if r.levelname == "ERROR"]
    assert logged
    assert {getattr(r, "request_id", None) for r in logged} == {"plan-1"}  # also what the job's thread logged


@pytest.fixture
def one_turn_api(settings: Settings) -> Iterator[Api]:
    yield from make_api(settings, max_in_flight=1, queue_wait_s=0.2)


def test_request_sessions_take_turns_and_a_request_without_one_in_time_is_503(one_turn_api: Api) -> None:
    api = one_turn_api
    ann = api.user()
    trip = api.plan(ann)["id"]
    slow = api.planner.alternatives

    def slowly(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.8)  # holds the only request session (the trip was read through it)
        return slow(*args, **kwargs)

    api.planner.alternatives = slowly  # type: ignore[method-assign]
    url = f"/v1/trips/{trip}/stops/1/alternatives"
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(api.client.get, url, headers=ann)
        time.sleep(0.3)
        second = pool.submit(api.client.get, url, headers=ann)
        health = api.client.get("/v1/health")  # the loop is free: no turn needed
        answers = sorted([first.result(), second.result()], key=lambda r: r.status_code)
    assert health.status_code == 200
    assert [a.status_code for a in answers] == [200, 503], [a.text for a in answers]
    assert answers[1].headers["retry-after"] == "1"
    assert "busy" in answers[1].json()["detail"]
