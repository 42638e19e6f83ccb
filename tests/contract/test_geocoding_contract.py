"""The geocoding contract, on every provider: the region's gazetteer (live) and Nominatim (replayed).

Nominatim is replayed on loopback from ``recordings/nominatim_geocoding_contract.json``:
answers hand-written in Nominatim's ``format=json`` (what geopy asks for) after its
documentation, with Helsinki coordinates (see README.md here). The last tests run the
runtime's fallback: the gazetteer first, Nominatim for the names it cannot resolve.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from contract_replay import ReplayServer

from codriver.bootstrap import Runtime
from codriver.errors import PlaceNotFound
from codriver.settings import ExternalSettings, Settings
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.geocoding import Geocoder, GeocodeResult, NominatimGeocoder, RateLimiter, RegionalGeocoder

RECORDINGS = Path(__file__).parent / "recordings"
T = TypeVar("T")
Use = Callable[[Callable[[Geocoder], Awaitable[T]]], T]
KIASMA = LatLon(60.17204, 24.93674)
#: the Helsinki test region's bounds, a little wider
SOUTH, WEST, NORTH, EAST = 60.163, 24.934, 60.180, 24.955
AGENT = "codriver-tests/0.1 (+https://example.org/codriver)"


@pytest.fixture(scope="module")
def nominatim_server() -> Iterator[ReplayServer]:
    with ReplayServer(RECORDINGS / "nominatim_geocoding_contract.json") as server:
        yield server
    assert not server.missing, f"requests without a recorded answer: {server.missing[:3]}"


@pytest.fixture(params=["gazetteer", "nominatim-replay"])
def source(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def use(source: str, request: pytest.FixtureRequest, helsinki: Runtime) -> Use[object]:
    """Runs ``fn(geocoder)`` in an event loop of its own, the geocoder (and its HTTP client) made in it."""

    def run(fn: Callable[[Geocoder], Awaitable[T]]) -> T:
        async def go() -> T:
            if source == "gazetteer":
                return await fn(helsinki.gazetteer(helsinki.region("helsinki")))
            server: ReplayServer = request.getfixturevalue("nominatim_server")
            async with httpx.AsyncClient() as client:
                geocoder = NominatimGeocoder(client, base_url=server.url, user_agent=AGENT, limiter=RateLimiter(0.0))
                return await fn(geocoder)

        return asyncio.run(go())

    return run


def in_region(result: GeocodeResult) -> bool:
    return SOUTH <= result.lat <= NORTH and WEST <= result.lon <= EAST


def test_a_name_resolves_to_the_place_first(use: Use[list[GeocodeResult]], source: str) -> None:
    found = use(lambda g: g.geocode("Kiasma"))
    best = found[0]
    assert best.name == "Kiasma"
    assert best.kind == "place"
    assert haversine_m(KIASMA, LatLon(best.lat, best.lon)) < 100.0
    assert len(found) <= 5


def test_a_street_resolves_to_the_street(use: Use[list[GeocodeResult]]) -> None:
    found = use(lambda g: g.geocode("Mannerheimintie"))
    best = found[0]
    assert (best.name, best.kind) == ("Mannerheimintie", "street")
    assert in_region(best)


def test_an_unknown_name_is_not_found(use: Use[list[GeocodeResult]]) -> None:
    assert use(lambda g: g.geocode("Xyzzy Plughwort")) == []


def test_results_carry_position_name_and_source(use: Use[list[GeocodeResult]], source: str) -> None:
    found = use(lambda g: g.geocode("Kiasma", limit=2))
    assert 1 <= len(found) <= 2
    for result in found:
        assert result.source == source.split("-", 1)[0]
        assert result.name.strip()
        assert in_region(result), result
        assert 0.0 <= result.score <= 1.0
    scores = [r.score for r in found]
    assert scores == sorted(scores, reverse=True)


# -- the runtime's geocoder: gazetteer first, Nominatim for what it cannot resolve --------


@pytest.fixture
def with_nominatim(helsinki: Runtime, nominatim_server: ReplayServer) -> Runtime:
    """A runtime over the imported Helsinki data with ``external.nominatim_url`` on the replay server."""
    external = ExternalSettings(
        nominatim_url=nominatim_server.url,
        nominatim_user_agent=AGENT,
        http_retries=0,
    )
    settings = Settings(data_dir=helsinki.settings.data_dir, external=external)
    runtime = Runtime(settings)
    runtime.__dict__["_nominatim_limiter"] = RateLimiter(0.0)  # the replay server has no usage policy
    return runtime


def test_the_runtime_asks_nominatim_only_for_names_the_gazetteer_cannot_resolve(
    with_nominatim: Runtime, nominatim_server: ReplayServer
) -> None:
    region = with_nominatim.region("helsinki")
    before = len(nominatim_server.seen)

    kiasma = with_nominatim.resolve_place(region, "Kiasma")
    assert kiasma.source == "gazetteer"
    assert kiasma.place_id is not None  # a catalogue place: the gazetteer answered
    assert len(nominatim_server.seen) == before

    sanomatalo = with_nominatim.resolve_place(region, "Sanomatalo")
    # a named building with a house number is its address (the adapter's rule); Nominatim's full name is kept
    assert (sanomatalo.name, sanomatalo.kind, sanomatalo.source) == ("Töölönlahdenkatu 2", "address", "nominatim")
    assert (sanomatalo.matched or "").startswith("Sanomatalo, 2, Töölönlahdenkatu")
    assert in_region(sanomatalo)
    assert nominatim_server.seen[before:] == ["GET /search?addressdetails=1&format=json&limit=5&q=Sanomatalo"]


def test_a_nominatim_answer_outside_the_region_is_reported_not_used(with_nominatim: Runtime) -> None:
    region = with_nominatim.region("helsinki")
    with pytest.raises(PlaceNotFound, match=r"nominatim found 'Suomenlinna, .*' at 60\.14540,24\.98805, outside the"):
        with_nominatim.resolve_place(region, "Suomenlinna")
    with pytest.raises(PlaceNotFound, match="no place or street called 'Xyzzy Plughwort'"):
        with_nominatim.resolve_place(region, "Xyzzy Plughwort")


def test_the_runtime_geocoder_keeps_nominatim_answers_inside_the_region(with_nominatim: Runtime) -> None:
    region = with_nominatim.region("helsinki")

    async def ask(query: str) -> list[GeocodeResult]:
        async with httpx.AsyncClient() as client:
            geocoder = with_nominatim.geocoder(region, client)
            assert isinstance(geocoder, RegionalGeocoder)
            return await geocoder.geocode(query)

    assert [r.source for r in asyncio.run(ask("Sanomatalo"))] == ["nominatim"]
    assert asyncio.run(ask("Suomenlinna")) == []
    assert {r.source for r in asyncio.run(ask("Kiasma"))} == {"gazetteer"}


def test_without_a_nominatim_url_the_gazetteer_alone_answers(helsinki: Runtime) -> None:
    assert helsinki.settings.external.nominatim_url is None
    region = helsinki.region("helsinki")
    with pytest.raises(PlaceNotFound, match="no place or street called 'Sanomatalo'"):
        helsinki.resolve_place(region, "Sanomatalo")

    async def ask() -> Geocoder:
        async with httpx.AsyncClient() as client:
            return helsinki.geocoder(region, client)

    assert asyncio.run(ask()) is helsinki.gazetteer(region)
