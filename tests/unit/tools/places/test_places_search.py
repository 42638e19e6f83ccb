"""Searching the embedded catalogue: filters, distances, hours, order and limit."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from places_support import HELSINKI, ORIGIN, TUESDAY_NOON, entry, offset

from codriver.errors import InputError, PlaceNotFound
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.places import EmbeddedPlaces, PlaceQuery


@pytest.fixture
def places() -> EmbeddedPlaces:
    entries = [
        entry(
            1,
            "Vegaani Keittiö",
            "restaurant",
            offset(100, 0),
            cuisine=("vegan", "thai"),
            diets={"vegan": "only", "vegetarian": "yes"},
            wheelchair="yes",
            opening_hours="Mo-Su 11:00-22:00",
        ),
        entry(
            2,
            "Pizzeria Roma",
            "restaurant",
            offset(0, 300),
            cuisine=("pizza", "italian"),
            diets={"vegetarian": "yes", "vegan": "limited"},
            price_level=2,
            wheelchair="no",
            opening_hours="Mo-Fr 10:00-14:00",
        ),
        entry(
            3, "Halal Grill", "fast_food", offset(-500, 0), cuisine=("kebab",), diets={"halal": "yes"}, price_level=1
        ),
        entry(
            4,
            "Kallis",
            "restaurant",
            offset(0, -800),
            price_level=4,
            diets={"gluten_free": "yes", "vegan": "no"},
            opening_hours="sometimes, maybe",
        ),
        entry(
            5,
            "Town Museum",
            "museum",
            offset(50, 0),
            fee=True,
            wheelchair="designated",
            opening_hours="Tu-Su 10:00-18:00",
        ),
        entry(6, None, "toilets", offset(1500, 0), fee=False),
    ]
    return EmbeddedPlaces(entries, region="town", timezone="Europe/Helsinki", clock=lambda: TUESDAY_NOON)


def ids(results: list) -> list[str]:  # type: ignore[type-arg]
    return [r.poi_id for r in results]


def test_near_with_radius_sorts_by_true_distance(places: EmbeddedPlaces) -> None:
    results = places.search_sync(PlaceQuery(near=ORIGIN, radius_m=400))
    assert ids(results) == ["osm:node/5", "osm:node/1", "osm:node/2"]
    for result in results:
        assert result.distance_m == pytest.approx(haversine_m(ORIGIN, LatLon(result.lat, result.lon)), abs=0.1)
    assert [round(r.distance_m or 0) for r in results] == [50, 100, 300]


def test_radius_is_a_hard_cut(places: EmbeddedPlaces) -> None:
    assert ids(places.search_sync(PlaceQuery(near=ORIGIN, radius_m=299))) == ["osm:node/5", "osm:node/1"]


def test_near_without_radius_lists_everything_by_distance(places: EmbeddedPlaces) -> None:
    results = places.search_sync(PlaceQuery(near=ORIGIN, limit=3))
    assert ids(results) == ["osm:node/5", "osm:node/1", "osm:node/2"]


def test_without_a_point_results_are_by_name_with_unnamed_last(places: EmbeddedPlaces) -> None:
    results = places.search_sync(PlaceQuery())
    assert [r.name for r in results] == [
        "Halal Grill",
        "Kallis",
        "Pizzeria Roma",
        "Town Museum",
        "Vegaani Keittiö",
        None,
    ]
    assert all(r.distance_m is None for r in results)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (PlaceQuery(categories=["restaurant"]), [4, 2, 1]),
        (PlaceQuery(categories=["museum", "fast_food"]), [3, 5]),
        (PlaceQuery(cuisine=["Pizza"]), [2]),
        (PlaceQuery(cuisine=["thai", "kebab"]), [3, 1]),
        (PlaceQuery(diets=["vegan"]), [1]),  # "only" counts, "limited" and "no" do not
        (PlaceQuery(diets=["vegan"], diet_limited_ok=True), [2, 1]),
        (PlaceQuery(diets=["vegan", "vegetarian"]), [1]),
        (PlaceQuery(diets=["halal"]), [3]),
        (PlaceQuery(diets=["gluten_free"]), [4]),
        (PlaceQuery(wheelchair=True), [5, 1]),
        (PlaceQuery(no_fee=True, categories=["museum", "toilets"]), [6]),
        (PlaceQuery(max_price_level=2), [3, 2, 5, 1, 6]),  # untagged prices pass
        (PlaceQuery(name="ROMA"), [2]),
        (PlaceQuery(name="keittiö"), [1]),
    ],
)
def test_attribute_filters(places: EmbeddedPlaces, query: PlaceQuery, expected: list[int]) -> None:
    assert ids(places.search_sync(query)) == [f"osm:node/{i}" for i in expected]


def test_open_at_keeps_open_places_only(places: EmbeddedPlaces) -> None:
    noon = PlaceQuery(open_at=TUESDAY_NOON)
    results = places.search_sync(noon)
    assert ids(results) == ["osm:node/2", "osm:node/5", "osm:node/1"]
    assert all(r.hours.state == "open" for r in results)
    # Missing hours (3, 6) and invalid ones (4) are unknown: kept only when asked for.
    with_unknown = places.search_sync(noon.model_copy(update={"include_unknown_hours": True}))
    assert sorted(ids(with_unknown)) == [f"osm:node/{i}" for i in range(1, 7)]
    afternoon = PlaceQuery(open_at=TUESDAY_NOON + timedelta(hours=3), include_unknown_hours=True)
    assert "osm:node/2" not in ids(places.search_sync(afternoon))  # closed at 15:00


def test_hours_are_reported_for_open_at_or_now(places: EmbeddedPlaces) -> None:
    saturday = datetime(2024, 12, 7, 9, tzinfo=HELSINKI)
    # closed on Saturdays, so filtered out even with unknown hours allowed
    assert places.search_sync(PlaceQuery(name="roma", open_at=saturday, include_unknown_hours=True)) == []
    [pizzeria] = places.search_sync(PlaceQuery(name="roma"))
    assert pizzeria.hours.at == TUESDAY_NOON  # the injected clock
    assert (pizzeria.hours.state, pizzeria.hours.open_until) == ("open", TUESDAY_NOON + timedelta(hours=2))


def test_limit_applies_after_the_hours_filter(places: EmbeddedPlaces) -> None:
    results = places.search_sync(PlaceQuery(near=ORIGIN, open_at=TUESDAY_NOON, limit=2))
    assert ids(results) == ["osm:node/5", "osm:node/1"]


def test_results_carry_the_catalogue_facts(places: EmbeddedPlaces) -> None:
    [vegan] = places.search_sync(PlaceQuery(near=ORIGIN, diets=["vegan"]))
    data = vegan.model_dump(mode="json")
    assert data["poi_id"] == "osm:node/1"
    assert data["name"] == "Vegaani Keittiö"
    assert data["cuisine"] == ["vegan", "thai"]
    assert data["diets"] == {"vegan": "only", "vegetarian": "yes"}
    assert data["hours"]["state"] == "open"
    assert data["hours"]["open_until"] == "2024-12-03T22:00:00+02:00"
    assert data["detour_s"] is None


def test_get_by_catalogue_id(places: EmbeddedPlaces) -> None:
    assert places.get_sync("osm:node/3").name == "Halal Grill"
    with pytest.raises(PlaceNotFound, match="osm:node/99"):
        places.get_sync("osm:node/99")


def test_radius_needs_a_point() -> None:
    with pytest.raises(InputError, match="near") as info:
        PlaceQuery(radius_m=100)
    assert info.value.field == "radius_m"


@pytest.mark.anyio
async def test_async_protocol_gives_the_same_answers(places: EmbeddedPlaces) -> None:
    query = PlaceQuery(near=ORIGIN, radius_m=400)
    assert await places.search(query) == places.search_sync(query)
    assert (await places.get("osm:node/1")).name == "Vegaani Keittiö"
