"""The public surface of the places and opening-hours packages."""

from __future__ import annotations

import codriver.tools.opening_hours as opening_hours_tool
import codriver.tools.places as places_tool


def test_places_exports() -> None:
    assert set(places_tool.__all__) == {
        "CATEGORIES",
        "CONNECTORS",
        "DIETS",
        "OSM_CATEGORIES",
        "OSM_SOCKETS",
        "EmbeddedPlaces",
        "OverpassPlaces",
        "PlaceCatalog",
        "PlaceEntry",
        "PlaceIndex",
        "PlaceQuery",
        "PlaceResult",
        "RefreshedTags",
        "RefreshingPlaces",
        "corridor_distances",
        "default_corridor_m",
        "make_query",
        "normalise_cuisine",
        "parse_poi_id",
    }
    assert all(getattr(places_tool, name) is not None for name in places_tool.__all__)


def test_opening_hours_exports() -> None:
    assert set(opening_hours_tool.__all__) == {
        "HORIZON",
        "PLAIN_OPEN",
        "HoursFailure",
        "HoursInterval",
        "HoursProvider",
        "HoursReport",
        "HoursSource",
        "HoursState",
        "HoursStatus",
        "OpeningHours",
        "PlaceHours",
        "hours_for",
        "opening_hours_report",
        "plainly_open",
        "region_zone",
        "rewrite_comment_rules",
        "to_zone",
    }
    assert all(getattr(opening_hours_tool, name) is not None for name in opening_hours_tool.__all__)
