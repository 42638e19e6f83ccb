"""The places contract, on every provider: the region's catalogue (live) and Overpass (replayed).

``overpass-replay`` is :class:`RefreshingPlaces`: the catalogue's searches, each place looked up
by ID refreshed from Overpass, replayed on loopback from
``recordings/overpass_places_contract.json``. Those answers are hand-written in Overpass's JSON
output after its documentation, with the Helsinki test region's IDs (see README.md here): Kiasma
as the catalogue has it, Fazer Café with hours changed since the import, Roasberg deleted from
OSM, Théhuone answered by a busy server. The last tests run the runtime with
``external.overpass_url`` set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import httpx
import pytest
from contract_replay import ReplayServer, replaying

from codriver.api import EnginePlanner
from codriver.bootstrap import Runtime
from codriver.errors import PlaceNotFound
from codriver.settings import ExternalSettings, Settings
from codriver.tools.geo import LatLon
from codriver.tools.places import OverpassPlaces, PlaceCatalog, PlaceQuery, PlaceResult, RefreshingPlaces

RECORDINGS = Path(__file__).parent / "recordings"
HELSINKI = ZoneInfo("Europe/Helsinki")
T = TypeVar("T")
Use = Callable[[Callable[[PlaceCatalog], Awaitable[T]]], T]
KIASMA = "osm:way/8042215"
FAZER_CAFE = "osm:node/6049453018"  # Mo-Fr 09:00-21:00; Sa 09:00-19:00; Su 11:00-18:00 at import
ROASBERG = "osm:node/1376356022"
THEHUONE = "osm:node/1007416273"
WEDNESDAY_NOON = datetime(2025, 6, 11, 12, 0, tzinfo=HELSINKI)
MONDAY_NOON = datetime(2025, 6, 9, 12, 0, tzinfo=HELSINKI)
SUNDAY_NOON = datetime(2025, 6, 15, 12, 0, tzinfo=HELSINKI)


@pytest.fixture(scope="module")
def overpass_server() -> Iterator[ReplayServer]:
    with replaying(RECORDINGS / "overpass_places_contract.json") as server:
        yield server


@pytest.fixture(params=["embedded", "overpass-replay"])
def use(request: pytest.FixtureRequest, helsinki: Runtime) -> Use[object]:
    """Runs ``fn(catalog)`` in an event loop of its own, the catalog (and its HTTP client) made in it."""
    region = helsinki.region("helsinki")

    def run(fn: Callable[[PlaceCatalog], Awaitable[T]]) -> T:
        async def go() -> T:
            if request.param == "embedded":
                return await fn(helsinki.places(region))
            server: ReplayServer = request.getfixturevalue("overpass_server")
            async with httpx.AsyncClient() as client:
                overpass = OverpassPlaces(client, url=f"{server.url}/api/interpreter")
                return await fn(RefreshingPlaces(helsinki.places(region), overpass, timezone=region.timezone))

        return asyncio.run(go())

    return run


def test_a_place_by_id_has_its_facts_and_hours_at_the_time_asked(use: Use[PlaceResult]) -> None:
    kiasma = use(lambda c: c.get(KIASMA, at=WEDNESDAY_NOON))
    assert (kiasma.poi_id, kiasma.name, kiasma.category) == (KIASMA, "Kiasma", "museum")
    assert abs(kiasma.lat - 60.17204) < 1e-4
    assert abs(kiasma.lon - 24.93674) < 1e-4
    assert kiasma.opening_hours == "Tu 10:00-17:00; We-Fr 10:00-20:30; Sa 10:00-18:00; Su 10:00-17:00"
    assert (kiasma.hours.state, kiasma.hours.source) == ("open", "hours")
    assert kiasma.hours.at == WEDNESDAY_NOON
    assert kiasma.hours.open_until == datetime(2025, 6, 11, 20, 30, tzinfo=HELSINKI)
    monday = use(lambda c: c.get(KIASMA, at=MONDAY_NOON))
    assert monday.hours.state == "closed"
    assert monday.hours.opens_at == datetime(2025, 6, 10, 10, 0, tzinfo=HELSINKI)


def test_an_id_the_catalogue_lacks_is_not_found(use: Use[PlaceResult]) -> None:
    with pytest.raises(PlaceNotFound, match=r"no place 'osm:node/1' in region 'helsinki'"):
        use(lambda c: c.get("osm:node/1"))
    with pytest.raises(PlaceNotFound):
        use(lambda c: c.get("Kiasma"))


def test_search_near_a_point_is_sorted_by_distance_within_the_radius(use: Use[list[PlaceResult]]) -> None:
    query = PlaceQuery(near=LatLon(60.17204, 24.93674), radius_m=600, categories=["museum"])
    found = use(lambda c: c.search(query))
    assert found[0].poi_id == KIASMA
    distances = [r.distance_m for r in found]
    assert all(d is not None and d <= 600 for d in distances)
    assert distances == sorted(distances)  # type: ignore[type-var]
    assert {r.category for r in found} == {"museum"}


def test_places_along_a_drive_have_exact_detours_within_the_limit(use: Use[list[PlaceResult]]) -> None:
    origin, destination = LatLon(60.1720, 24.9367), LatLon(60.1700, 24.9441)  # Kiasma to Ateneum
    query = PlaceQuery(categories=["cafe"], limit=10)
    found = use(lambda c: c.along_route(origin, destination, query=query, max_detour_s=300))
    assert found
    detours = [r.detour_s for r in found]
    assert all(d is not None and 0 <= d <= 300 for d in detours)
    assert detours == sorted(detours)  # type: ignore[type-var]
    assert all(r.leg == 0 and r.category == "cafe" for r in found)


# -- Overpass's own answers: hours changed, a place deleted, a busy server ------------------


@pytest.fixture
def with_overpass(helsinki: Runtime, overpass_server: ReplayServer) -> Runtime:
    """A runtime over the imported Helsinki data with ``external.overpass_url`` on the replay server."""
    external = ExternalSettings(overpass_url=f"{overpass_server.url}/api/interpreter", http_retries=0)
    return Runtime(Settings(data_dir=helsinki.settings.data_dir, external=external))


def test_a_place_looked_up_has_the_hours_osm_has_now(with_overpass: Runtime, helsinki: Runtime) -> None:
    region = with_overpass.region("helsinki")
    imported = helsinki.look_up_place(region, FAZER_CAFE, at=SUNDAY_NOON)
    assert imported.hours.state == "open"  # Su 11:00-18:00 when the region was imported
    now = with_overpass.look_up_place(region, FAZER_CAFE, at=SUNDAY_NOON)
    assert now.opening_hours == "Mo-Fr 09:00-18:00; Sa 09:00-16:00; Su off"
    assert (now.hours.state, now.hours.at) == ("closed", SUNDAY_NOON)
    assert now.hours.opens_at == datetime(2025, 6, 16, 9, 0, tzinfo=HELSINKI)
    assert (now.name, now.diets, now.lat) == (imported.name, imported.diets, imported.lat)
    # the scheduler's check of a running trip asks the planner, which asks the runtime
    assert EnginePlanner(with_overpass).hours_state("helsinki", FAZER_CAFE, SUNDAY_NOON) == "closed"
    assert EnginePlanner(helsinki).hours_state("helsinki", FAZER_CAFE, SUNDAY_NOON) == "open"


def test_a_place_osm_deleted_is_not_found_saying_so(with_overpass: Runtime) -> None:
    region = with_overpass.region("helsinki")
    with pytest.raises(PlaceNotFound, match=r"osm:node/1376356022 no longer exists in OpenStreetMap"):
        with_overpass.look_up_place(region, ROASBERG, at=SUNDAY_NOON)
    assert EnginePlanner(with_overpass).hours_state("helsinki", ROASBERG, SUNDAY_NOON) == "unknown"


def test_overpass_failing_leaves_the_catalogue_answer_and_says_why(
    with_overpass: Runtime, helsinki: Runtime, overpass_server: ReplayServer, caplog: pytest.LogCaptureFixture
) -> None:
    region = with_overpass.region("helsinki")
    before = len(overpass_server.seen)
    with caplog.at_level(logging.WARNING, logger="codriver.tools.places._refreshing"):
        found = with_overpass.look_up_place(region, THEHUONE, at=MONDAY_NOON)
    assert found == helsinki.look_up_place(region, THEHUONE, at=MONDAY_NOON)
    assert found.hours.state == "open"  # Mo-Fr 10:00-19:00 as imported
    assert len(overpass_server.seen) == before + 1  # asked once (no retries configured), then answered
    [record] = [r for r in caplog.records if THEHUONE in r.getMessage()]
    assert record.getMessage().startswith(f"{THEHUONE}: answering from the catalogue as imported (Overpass could")
    assert "Overpass API answered HTTP 504" in record.getMessage()


def test_an_id_outside_the_catalogue_is_never_sent(with_overpass: Runtime, overpass_server: ReplayServer) -> None:
    region = with_overpass.region("helsinki")
    before = len(overpass_server.seen)
    with pytest.raises(PlaceNotFound, match="no place 'osm:node/1' in region"):
        with_overpass.look_up_place(region, "osm:node/1")
    assert len(overpass_server.seen) == before
