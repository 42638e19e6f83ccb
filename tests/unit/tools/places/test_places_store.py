"""Writing refreshed tags back to the catalogue."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import Engine, insert
from sqlmodel import select

from codriver.errors import PlaceNotFound
from codriver.regions import load_places, opening_hours_report, store_refreshed_tags
from codriver.regions.catalogue import opening_hours_status
from codriver.store import Place, Region, session_scope
from codriver.tools.places import OverpassPlaces


def _region(engine: Engine) -> Region:
    places = [
        ("osm:node/1", {"amenity": "cafe", "name": "Kahvila", "opening_hours": "Mo-Fr 8-16"}),
        ("osm:node/2", {"amenity": "restaurant", "name": "Ravintola", "opening_hours": "Mo-Su 11:00-22:00"}),
    ]
    region = Region(
        name="town",
        min_lon=24.9,
        min_lat=60.1,
        max_lon=25.0,
        max_lat=60.2,
        timezone="Europe/Helsinki",
        source="test",
        source_sha256="0" * 64,
        attribution="test",
        graph_path="none.npz",
        node_count=0,
        edge_count=0,
        place_count=2,
        charger_count=0,
        opening_hours_count=2,
        stats={"road_km": 1.5, "opening_hours": {"status": {"invalid": 1, "ok": 1}, "failures": ["Mo-Fr 8-16"]}},
    )
    with session_scope(engine) as session:
        session.add(region)
        session.flush()
        session.execute(
            insert(Place),
            [
                {
                    "region_id": region.id,
                    "place_id": place_id,
                    "name": tags["name"],
                    "category": tags["amenity"],
                    "opening_hours": tags["opening_hours"],
                    "opening_hours_status": opening_hours_status(tags["opening_hours"]),
                    "lat": 60.15,
                    "lon": 24.95,
                    "tags": tags,
                }
                for place_id, tags in places
            ],
        )
    return region


def _place(engine: Engine, poi_id: str) -> Place:
    with session_scope(engine) as session:
        return session.exec(select(Place).where(Place.place_id == poi_id)).one()


def test_refreshed_tags_replace_hours_status_attributes_and_region_stats(engine: Engine) -> None:
    region = _region(engine)
    tags = {
        "amenity": "cafe",
        "name": "Kahvila Uusi",
        "cuisine": "coffee_shop;Cake",
        "diet:vegan": "yes",
        "wheelchair": "limited",
        "opening_hours": "Mo-Fr 08:00-16:00",
    }
    stored = store_refreshed_tags(engine, region=region, poi_id="osm:node/1", tags=tags)
    assert stored.opening_hours_status == "ok"
    place = _place(engine, "osm:node/1")
    assert place.tags == tags
    assert (place.name, place.opening_hours, place.opening_hours_status) == ("Kahvila Uusi", "Mo-Fr 08:00-16:00", "ok")
    assert (place.cuisine, place.diets, place.wheelchair) == (["coffee_shop", "cake"], {"vegan": "yes"}, "limited")
    assert (place.lat, place.lon) == (60.15, 24.95)
    with session_scope(engine) as session:
        fresh = session.exec(select(Region).where(Region.name == "town")).one()
    assert fresh.stats["opening_hours"] == {"status": {"ok": 2}, "failures": []}
    assert fresh.stats["road_km"] == 1.5  # other statistics are kept
    assert fresh.opening_hours_count == 2
    assert opening_hours_report(engine, fresh).parsed_pct == 100.0
    # The other place is untouched, and a reloaded catalogue sees the new facts.
    assert _place(engine, "osm:node/2").name == "Ravintola"
    catalog = load_places(engine, fresh)
    assert catalog.get_sync("osm:node/1").cuisine == ["coffee_shop", "cake"]


def test_tags_that_no_longer_describe_a_listed_place_keep_the_catalogue_attributes(engine: Engine) -> None:
    region = _region(engine)
    tags = {"disused:amenity": "restaurant", "name": "Ravintola"}
    store_refreshed_tags(engine, region=region, poi_id="osm:node/2", tags=tags)
    place = _place(engine, "osm:node/2")
    assert place.tags == tags
    assert (place.category, place.opening_hours, place.opening_hours_status) == ("restaurant", None, "missing")


def test_unknown_place_is_refused_and_nothing_changes(engine: Engine) -> None:
    region = _region(engine)
    with pytest.raises(PlaceNotFound, match="osm:node/9"):
        store_refreshed_tags(engine, region=region, poi_id="osm:node/9", tags={"amenity": "cafe"})
    assert _place(engine, "osm:node/1").opening_hours == "Mo-Fr 8-16"


@pytest.mark.anyio
async def test_refresh_then_store_end_to_end(engine: Engine) -> None:
    region = _region(engine)
    body = {
        "elements": [
            {
                "type": "node",
                "id": 2,
                "tags": {"amenity": "restaurant", "name": "Ravintola", "opening_hours": "Tu-Su 12:00-21:00"},
            }
        ]
    }
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(200, json=body))) as client:
        refreshed = await OverpassPlaces(client, url="http://overpass.test/api").refresh("osm:node/2")
    store_refreshed_tags(engine, region=region, poi_id=refreshed.poi_id, tags=refreshed.tags)
    assert _place(engine, "osm:node/2").opening_hours == "Tu-Su 12:00-21:00"
