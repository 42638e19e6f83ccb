"""Validation of place queries: valid values only, named in the error."""

from __future__ import annotations

from datetime import datetime

import pytest

from codriver.errors import InputError
from codriver.regions import CATEGORIES
from codriver.tools.geo import LatLon
from codriver.tools.places import DIETS, PlaceQuery, make_query


def test_unknown_category_lists_the_valid_ones() -> None:
    with pytest.raises(InputError) as info:
        PlaceQuery(categories=["restaurant", "food"])
    assert info.value.field == "categories"
    message = str(info.value)
    assert "'food'" in message
    assert all(category in message for category in CATEGORIES)


def test_unknown_diet_lists_the_valid_ones() -> None:
    with pytest.raises(InputError, match="unknown diet 'paleo'") as info:
        PlaceQuery(diets=["vegan", "paleo"])
    assert all(diet in str(info.value) for diet in DIETS)


def test_values_are_normalised() -> None:
    query = PlaceQuery(categories=[" Cafe", "cafe"], diets=["Gluten-Free"], cuisine=["Coffee Shop", " "])
    assert query.categories == ["cafe"]
    assert query.diets == ["gluten_free"]
    assert query.cuisine == ["coffee_shop"]


def test_open_at_must_be_aware() -> None:
    with pytest.raises(InputError, match="no UTC offset"):
        PlaceQuery(open_at=datetime(2024, 6, 1, 12))


def test_near_must_be_in_range() -> None:
    with pytest.raises(InputError, match="out of range"):
        PlaceQuery(near=LatLon(95.0, 24.0))


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"limit": 0}, "limit"), ({"radius_m": -5}, "radius_m"), ({"max_price_level": 7}, "max_price_level")],
)
def test_make_query_turns_validation_errors_into_input_errors(fields: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        make_query(**fields)
    assert info.value.field == field
    assert field in str(info.value)


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(InputError, match="categorie"):
        make_query(categorie=["cafe"])


def test_json_schema_constrains_categories_and_diets() -> None:
    schema = PlaceQuery.model_json_schema()["properties"]
    assert schema["categories"]["items"]["enum"] == list(CATEGORIES)
    assert schema["diets"]["items"]["enum"] == list(DIETS)
