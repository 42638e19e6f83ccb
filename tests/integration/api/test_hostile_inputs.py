"""Every text, number and date of every writing route, made hostile, on SQLite and PostgreSQL: 422 naming it, never 5xx.

From one valid body per route, each leaf is replaced in turn by text with NUL, text with
a lone surrogate, ``1e308``, an integer past 2**63, and (for dates) year 9999; then the
whole body is nested 300 levels deep and sent as ``NaN``. PostgreSQL refuses NUL in
text, so there a NUL that reached the database would be a 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from api_support import NOW, Api, make_api, trip_request

from codriver.settings import Settings

Leaf = tuple[list[str | int], Any]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hostile_api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    apps = make_api(Settings(data_dir=tmp_path / "data", database_url=url))
    api = next(apps)
    engine = api.services.engine
    try:
        yield api
    finally:
        apps.close()
        engine.dispose()  # before the database is dropped: no pooled connection is left to the collector


def _leaves(value: Any, where: list[str | int]) -> Iterator[Leaf]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, [*where, key])
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, [*where, index])
    else:
        yield where, value


def _with(body: Any, where: list[str | int], new: Any) -> Any:
    copy = json.loads(json.dumps(body))
    target = copy
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = new
    return copy


def _mutations(body: Any) -> Iterator[tuple[str, str, bytes]]:
    """(what, expected field, raw JSON) for each hostile variant of ``body``."""
    for where, value in _leaves(body, []):
        field = ".".join(str(p) for p in where)
        if isinstance(value, str):
            yield f"NUL in {field}", field, json.dumps(_with(body, where, value + "\x00")).encode()
            surrogate = json.dumps(_with(body, where, "PLACEHOLDER")).replace("PLACEHOLDER", "a\\udc80b")
            yield f"lone surrogate in {field}", field, surrogate.encode()
            if value[:4].isdigit() and value[4:5] == "-":
                yield (
                    f"year 9999 in {field}",
                    field,
                    json.dumps(_with(body, where, "9999-12-31T10:00:00+00:00")).encode(),
                )
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield f"1e308 in {field}", field, json.dumps(_with(body, where, 1e308)).encode()
            yield f"2**70 in {field}", field, json.dumps(_with(body, where, 2**70)).encode()
    deep: Any = body
    for _ in range(300):
        deep = [deep]
    yield "300 levels deep", "body", json.dumps(deep).encode()
    yield "NaN", "body", b'{"x": NaN}'


def test_hostile_values_in_every_writing_route_are_422_naming_the_field(hostile_api: Api) -> None:
    api = hostile_api
    ann = api.user()
    vehicle = api.vehicle(ann)
    key = api.key(ann, vehicle)
    trip = api.plan(ann, vehicle)["id"]
    at = (NOW + timedelta(minutes=1)).isoformat()
    routes: list[tuple[str, str, dict[str, str], Any]] = [
        ("POST", "/v1/users", {}, {"email": "bob@example.org", "password": "correct horse", "display_name": "Bob"}),
        ("POST", "/v1/auth/token", {}, {"email": "ann@example.org", "password": "correct horse"}),
        ("POST", "/v1/vehicles", ann, {"name": "Zoe", "powertrain": "ev", "battery_kwh": 52.0, "connectors": ["ccs"]}),
        ("PATCH", f"/v1/vehicles/{vehicle}", ann, {"name": "Ioniq 5", "max_charge_kw": 220}),
        ("PUT", f"/v1/vehicles/{vehicle}/state", key, {"recorded_at": at, "lat": 60.17, "lon": 24.94, "soc": 0.5}),
        ("PUT", "/v1/preferences", ann, {"diet": ["vegan"], "notes": ["quiet places"], "max_detour_min": 10}),
        ("POST", "/v1/plan", ann, {"request": trip_request(), "title": "Day out"}),
        ("POST", "/v1/trips", ann, {"title": "Draft", "request": trip_request()}),
        ("PATCH", f"/v1/trips/{trip}", ann, {"title": "Renamed"}),
        ("PUT", f"/v1/trips/{trip}/request", ann, trip_request()),
        ("POST", f"/v1/trips/{trip}/stops/1/replace", ann, {"poi_id": "osm:node/2"}),
        ("POST", f"/v1/trips/{trip}/chat", ann, {"message": "add a cafe"}),
        ("POST", f"/v1/trips/{trip}/feedback", ann, {"rating": 4, "comment": "nice", "place_id": "osm:node/1"}),
        (
            "POST",
            f"/v1/trips/{trip}/events",
            key,
            {"kind": "delay", "minutes": 15, "occurred_at": at, "idempotency_key": "delay-0001"},
        ),
    ]
    wrong: list[str] = []
    sent = 0
    for method, path, headers, body in routes:
        for what, field, raw in _mutations(body):
            sent += 1
            response = api.client.request(
                method, path, content=raw, headers={**headers, "content-type": "application/json"}
            )
            answer = response.json() if response.content else {}
            if response.status_code != 422 or answer.get("field") != field:
                wrong.append(f"{method} {path} {what}: {response.status_code} {response.text[:160]}")
    assert wrong == []
    assert sent >= 140
    # and nothing hostile was stored: the trip still reads, at its first version
    detail = api.client.get(f"/v1/trips/{trip}", headers=ann).json()
    assert (detail["title"], detail["current_version"]) == ("Ateneum and Kiasma, Mon 1 Jun", 1)
