"""RegionalGeocoder: the gazetteer first, an online geocoder (a fake here) for what it cannot resolve."""

from __future__ import annotations

import asyncio

import pytest

from codriver.errors import InputError, PlaceNotFound, ToolUnavailable
from codriver.tools.geocoding import Bounds, Gazetteer, GazetteerEntry, GeocodeResult, RegionalGeocoder

BOUNDS = Bounds(south=60.16, west=24.93, north=60.18, east=24.96)


def entry(name: str, lat: float, lon: float, place_id: str) -> GazetteerEntry:
    return GazetteerEntry(
        name=name, lat=lat, lon=lon, kind="place", place_id=place_id, category="museum", aliases=(name,)
    )


GAZETTEER = Gazetteer(
    [
        entry("Kiasma", 60.1720, 24.9367, "osm:way/1"),
        entry("Ateneum", 60.1700, 24.9440, "osm:way/2"),
        entry("Ateneum", 60.1750, 24.9500, "osm:way/3"),
    ],
    region="test",
)


class FakeOnline:
    """An online geocoder answering from a table (or failing), remembering what it was asked."""

    source = "nominatim"

    def __init__(self, answers: dict[str, list[tuple[float, float]]], *, down: bool = False) -> None:
        self.answers = answers
        self.down = down
        self.asked: list[str] = []

    async def geocode(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        self.asked.append(query)
        if self.down:
            msg = "Nominatim answered HTTP 503 after 3 attempts"
            raise ToolUnavailable(msg)
        return [
            GeocodeResult(name=query, lat=lat, lon=lon, kind="place", score=0.5, source="nominatim", matched=query)
            for lat, lon in self.answers.get(query, [])[:limit]
        ]


def resolve(online: FakeOnline, text: str) -> GeocodeResult:
    return asyncio.run(RegionalGeocoder(GAZETTEER, online, bounds=BOUNDS).resolve(text))


def geocode(online: FakeOnline, text: str) -> list[GeocodeResult]:
    return asyncio.run(RegionalGeocoder(GAZETTEER, online, bounds=BOUNDS).geocode(text))


def test_the_gazetteer_answers_first_and_alone() -> None:
    online = FakeOnline({"Kiasma": [(60.0, 25.0)]})
    assert resolve(online, "Kiasma").place_id == "osm:way/1"
    assert geocode(online, "Kiasma")[0].source == "gazetteer"
    assert online.asked == []


def test_ambiguous_names_and_unknown_catalogue_ids_are_not_asked_online() -> None:
    online = FakeOnline({"Ateneum": [(60.17, 24.94)]})
    with pytest.raises(InputError, match="ambiguous 'Ateneum'"):
        resolve(online, "Ateneum")
    assert {r.place_id for r in geocode(online, "Ateneum")} == {"osm:way/2", "osm:way/3"}
    with pytest.raises(PlaceNotFound, match="osm:node/9"):
        resolve(online, "osm:node/9")
    assert geocode(online, "osm:node/9") == []
    assert online.asked == []


def test_an_unknown_name_takes_the_first_online_answer_inside_the_bounds() -> None:
    online = FakeOnline({"Sanomatalo": [(59.0, 24.0), (60.1718, 24.9393), (60.1700, 24.9400)]})
    found = resolve(online, "street:Sanomatalo")
    assert (found.lat, found.lon, found.source) == (60.1718, 24.9393, "nominatim")
    assert [(r.lat, r.lon) for r in geocode(online, "Sanomatalo")] == [(60.1718, 24.9393), (60.1700, 24.9400)]
    assert online.asked == ["Sanomatalo", "Sanomatalo"]


def test_online_answers_outside_the_bounds_are_reported_not_used() -> None:
    online = FakeOnline({"Suomenlinna": [(60.1454, 24.9881)]})
    with pytest.raises(
        PlaceNotFound, match=r"nominatim found 'Suomenlinna' at 60\.14540,24\.98810, outside the region"
    ):
        resolve(online, "Suomenlinna")
    assert geocode(online, "Suomenlinna") == []


def test_nothing_online_or_no_answer_keeps_the_gazetteers_error() -> None:
    with pytest.raises(PlaceNotFound, match=r"^no place or street called 'Nowhere' in region 'test'$"):
        resolve(FakeOnline({}), "Nowhere")
    with pytest.raises(PlaceNotFound, match=r"'Nowhere'.*could not be asked.*HTTP 503"):
        resolve(FakeOnline({}, down=True), "Nowhere")
