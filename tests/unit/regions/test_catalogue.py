"""Normalisation of raw OSM tags into catalogue entries and chargers."""

from __future__ import annotations

import pytest

from codriver.regions.catalogue import (
    CATEGORIES,
    catalogue_id,
    classify,
    opening_hours_status,
    parse_charger,
    parse_place,
)


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"amenity": "restaurant"}, ("restaurant", None)),
        ({"amenity": "pub"}, ("bar", "pub")),
        ({"tourism": "hostel"}, ("hotel", "hostel")),
        ({"shop": "convenience"}, ("supermarket", "convenience")),
        ({"historic": "castle"}, ("historic", "castle")),
        ({"amenity": "charging_station"}, ("charging_station", None)),
        # amenity wins over tourism when a feature has both
        ({"amenity": "cafe", "tourism": "attraction"}, ("cafe", None)),
        ({"amenity": "bench"}, None),
        ({"historic": "yes"}, None),
        ({"shop": "clothes"}, None),
    ],
)
def test_classify(tags: dict[str, str], expected: tuple[str, str | None] | None) -> None:
    assert classify(tags) == expected


def test_every_category_is_reachable_and_listed() -> None:
    assert {
        "restaurant",
        "cafe",
        "fast_food",
        "bar",
        "museum",
        "attraction",
        "viewpoint",
        "gallery",
        "park",
        "hotel",
        "fuel",
        "charging_station",
        "supermarket",
        "toilets",
        "parking",
    } <= set(CATEGORIES)


def test_parse_place_normalises_cuisine_diets_and_fee() -> None:
    record = parse_place(
        "way",
        42,
        60.1,
        24.9,
        {
            "amenity": "restaurant",
            "name": " Kasvis ",
            "cuisine": "Vegan; indian ;;",
            "diet:vegan": "Only",
            "diet:gluten_free": "yes",
            "fee": "no",
            "opening_hours": "Mo-Fr 10:00-20:00",
            "wheelchair": "limited",
        },
    )
    assert record is not None
    assert record.place_id == "osm:way/42"
    assert record.name == "Kasvis"
    assert record.cuisine == ["vegan", "indian"]
    assert record.diets == {"vegan": "only", "gluten_free": "yes"}
    assert record.fee is False
    assert record.wheelchair == "limited"
    assert record.opening_hours_status == "ok"


def test_unnamed_places_are_listed_only_where_a_name_does_not_matter() -> None:
    assert parse_place("node", 1, 0, 0, {"amenity": "restaurant"}) is None
    toilets = parse_place("node", 2, 0, 0, {"amenity": "toilets"})
    assert toilets is not None
    assert toilets.name is None


def test_hotel_stars_become_a_price_level() -> None:
    cheap = parse_place("node", 1, 0, 0, {"tourism": "hotel", "name": "A", "stars": "2"})
    grand = parse_place("node", 2, 0, 0, {"tourism": "hotel", "name": "B", "stars": "5"})
    assert cheap is not None
    assert grand is not None
    assert cheap.price_level == 1
    assert grand.price_level == 4


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (None, "missing"),
        ("  ", "missing"),
        ("Mo-Fr 09:00-17:00; PH off", "ok"),
        ("24/7", "ok"),
        ('"by appointment"', "comment_only"),
        ("sometimes, maybe", "invalid"),
        ("Mo-Fr 25:00-27:00x", "invalid"),
    ],
)
def test_opening_hours_status(raw: str | None, status: str) -> None:
    assert opening_hours_status(raw) == status


def test_catalogue_id_refuses_unknown_types() -> None:
    assert catalogue_id("relation", 7) == "osm:relation/7"
    with pytest.raises(ValueError, match="unknown OSM element type"):
        catalogue_id("area", 7)


def test_charger_sockets_are_mapped_and_powers_parsed() -> None:
    charger = parse_charger(
        "osm:node/1",
        {
            "socket:type2_combo": "2",
            "socket:type2_combo:output": "150 kW",
            "socket:type2": "4",
            "socket:type2:output": "22000 W",
            "socket:chademo": "no",
            "socket:tesla_supercharger": "yes",
            "capacity": "6",
            "brand": "Recharge",
            "fee": "yes",
            "access": "customers",
        },
    )
    assert charger.sockets_known is True
    assert charger.sockets["ccs"] == {"count": 2, "power_kw": 150.0}
    assert charger.sockets["type2"] == {"count": 4, "power_kw": 22.0}
    assert "chademo" not in charger.sockets
    assert charger.sockets["tesla"] == {"count": 1, "power_kw": None}
    assert charger.max_power_kw == 150.0
    assert charger.capacity == 6
    assert charger.network == "Recharge"
    assert charger.fee is True
    assert charger.access == "customers"


def test_charger_without_socket_tags_stays_unknown() -> None:
    charger = parse_charger("osm:node/2", {"amenity": "charging_station", "charging_station:output": "3.7 kW;11 kW"})
    assert charger.sockets == {}
    assert charger.sockets_known is False
    assert charger.max_power_kw == 11.0
