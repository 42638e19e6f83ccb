"""The charging-catalogue contract, on every provider: the region's OSM stations and Open Charge Map.

Open Charge Map is replayed on loopback from the recorded-format payloads of
``tests/unit/tools/charging/payloads`` (six stations around central Helsinki).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from contract_replay import ReplayServer

from codriver.bootstrap import Runtime
from codriver.tools.charging import ChargerFilter, ChargerResult, ChargingCatalog, OpenChargeMap
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.routing import GraphRouter

PAYLOADS = Path(__file__).parents[1] / "unit" / "tools" / "charging" / "payloads"
CENTRE = LatLon(60.1699, 24.9384)
EAST = LatLon(60.1684, 24.9482)
T = TypeVar("T")
Use = Callable[[Callable[[ChargingCatalog], Awaitable[T]]], T]


@pytest.fixture(scope="module")
def ocm_server() -> Iterator[ReplayServer]:
    def read(name: str) -> Any:
        return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))

    exchanges = [
        {"request": "GET /v3/poi", "status": 200, "response": read("ocm_poi_helsinki.json")},
        {"request": "GET /v3/referencedata", "status": 200, "response": read("ocm_referencedata.json")},
    ]
    with ReplayServer(exchanges, drop=("key",)) as server:
        yield server


@pytest.fixture(params=["osm", "ocm-replay"])
def source(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def use(source: str, request: pytest.FixtureRequest, helsinki: Runtime, graph: GraphRouter) -> Use[Any]:
    """Runs ``fn(catalogue)`` in an event loop of its own, the catalogue (and its HTTP client) made in it."""

    def run(fn: Callable[[ChargingCatalog], Awaitable[T]]) -> T:
        async def go() -> T:
            if source == "osm":
                return await fn(helsinki.chargers(helsinki.region("helsinki")))
            server: ReplayServer = request.getfixturevalue("ocm_server")
            async with httpx.AsyncClient() as client:
                return await fn(OpenChargeMap(client, api_key="test-key", base_url=f"{server.url}/v3", router=graph))

        return asyncio.run(go())

    return run


def prefix(source: str) -> str:
    return source.split("-", 1)[0] + ":"


def test_near_lists_stations_nearest_first_within_the_radius(use: Use[list[ChargerResult]], source: str) -> None:
    found = use(lambda c: c.near(CENTRE, 2000.0))
    assert len(found) >= 3
    assert all(r.poi_id.startswith(prefix(source)) for r in found)
    assert all(r.distance_m is not None for r in found)
    distances = [float(r.distance_m or 0.0) for r in found]
    assert all(d <= 2000.0 for d in distances)
    assert distances == sorted(distances)
    for r in found:
        assert r.distance_m == pytest.approx(haversine_m(CENTRE, LatLon(r.lat, r.lon)), abs=1.0)


def test_a_smaller_radius_keeps_exactly_the_stations_inside_it(use: Use[list[ChargerResult]]) -> None:
    everything = use(lambda c: c.near(CENTRE, 2000.0))
    radius = sorted(r.distance_m or 0.0 for r in everything)[len(everything) // 2] + 1.0
    inside = use(lambda c: c.near(CENTRE, radius))
    assert [r.poi_id for r in inside] == [r.poi_id for r in everything if (r.distance_m or 0.0) <= radius]
    assert 0 < len(inside) < len(everything)


def test_compatibility_is_never_guessed(use: Use[list[ChargerResult]]) -> None:
    ccs = ChargerFilter(connectors=("ccs",))
    found = use(lambda c: c.near(CENTRE, 2000.0, ccs))
    for r in found:
        if not r.sockets_known:
            assert r.compatibility == "unknown"
        if r.compatibility == "compatible":
            assert "ccs" in r.matched_connectors
    known = use(lambda c: c.near(CENTRE, 2000.0, ccs.model_copy(update={"require_known": True})))
    assert all(r.compatibility == "compatible" for r in known)
    assert {r.poi_id for r in known} <= {r.poi_id for r in found}


def test_along_a_drive_every_station_is_within_the_detour_smallest_first(use: Use[list[ChargerResult]]) -> None:
    found = use(lambda c: c.along_route(CENTRE, EAST, max_detour_s=600.0))
    assert found
    assert all(r.detour_s is not None for r in found)
    detours = [float(r.detour_s or 0.0) for r in found]
    assert all(0.0 <= d <= 600.0 for d in detours)
    assert detours == sorted(detours)
    assert all(r.leg_index == 0 for r in found)  # one leg: no waypoints
    limit = detours[len(detours) // 2] + 0.5
    tight = use(lambda c: c.along_route(CENTRE, EAST, max_detour_s=limit))
    assert [r.poi_id for r in tight] == [r.poi_id for r, d in zip(found, detours, strict=True) if d <= limit]
