"""Trip titles say what the day is about and which day it is, never "Trip on 2026-12-13"."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from api_support import Api, trip_request

from codriver.api._titles import MAX_TITLE, trip_title
from codriver.planning import Itinerary, ItineraryStop, MealWish, TripRequest

DEPART = datetime(2026, 12, 13, 8, 0, tzinfo=UTC)  # Sunday, 10:00 in Helsinki


def _request(**fields: Any) -> TripRequest:
    return TripRequest.model_validate(
        {"origin": "60.17,24.94", "depart_at": DEPART, "return_by": DEPART + timedelta(hours=8), **fields}
    )


def _stop(name: str, kind: str = "visit", category: str | None = None, **fields: Any) -> ItineraryStop:
    return ItineraryStop(
        poi_id=fields.pop("poi_id", f"osm:node/{sum(map(ord, name))}"),
        name=name,
        kind=kind,  # type: ignore[arg-type]
        lat=60.17,
        lon=24.94,
        arrive_at=DEPART,
        depart_at=DEPART,
        category=category,
        **fields,
    )


def _plan(*stops: ItineraryStop, zone: str = "Europe/Helsinki") -> Itinerary:
    ends = [_stop("Home", "start", poi_id=None), *stops, _stop("Home", "end", poi_id=None)]
    return Itinerary(status="feasible", timezone=zone, stops=ends)


def test_kinds_of_visits_name_the_day() -> None:
    plan = _plan(
        _stop("Ateneum", category="museum"), _stop("Kiasma", category="museum"), _stop("Esplanadi", category="park")
    )
    assert trip_title(_request(interests={"museum": 1}), plan) == "Museums and a park, Sun 13 Dec"


def test_must_see_places_by_name_then_meals_with_the_diet() -> None:
    request = _request(
        must_visit=["osm:node/1"], diet=["vegan"], meals=[MealWish(meal="lunch", earliest=time(11), latest=time(14))]
    )
    plan = _plan(
        _stop("Ateneum", category="museum", poi_id="osm:node/1"),
        _stop("Kappeli", "meal", category="restaurant", meal="lunch"),
        _stop("Esplanadi charger", "charge", category="charging_station"),
    )
    assert trip_title(request, plan) == "Ateneum and vegan lunch, Sun 13 Dec"


def test_many_things_end_in_more_and_the_day_is_the_trips_own() -> None:
    plan = _plan(
        _stop("A", category="museum"),
        _stop("B", category="gallery"),
        _stop("C", category="park"),
        _stop("D", category="viewpoint"),
        zone="America/Los_Angeles",
    )
    late = _request(depart_at=datetime(2026, 12, 14, 6, 0, tzinfo=UTC), return_by=datetime(2026, 12, 14, 9, tzinfo=UTC))
    # 06:00 UTC on Monday is still Sunday evening in Los Angeles
    assert trip_title(late, plan) == "A museum, a gallery and more, Sun 13 Dec"


def test_without_a_plan_the_request_names_it_and_nothing_at_all_is_a_day_out() -> None:
    assert trip_title(_request(interests={"park": 1.0, "museum": 0.5})) == "A park and a museum, Sun 13 Dec"
    assert trip_title(_request()) == "Day out, Sun 13 Dec"
    assert trip_title(_request(destination="Porvoo")) == "Drive to Porvoo, Sun 13 Dec"
    long_name = "Suomenlinna " * 20
    title = trip_title(_request(must_visit=[long_name]))
    assert len(title) <= MAX_TITLE
    assert title.endswith("…, Sun 13 Dec")


def test_planned_trips_get_the_title_unless_one_is_given(api: Api) -> None:
    ann = api.user()
    assert api.plan(ann)["title"] == "Ateneum and Kiasma, Mon 1 Jun"
    assert api.plan(ann, must_visit=[], interests={"museum": 1.0})["title"] == "Museums, Mon 1 Jun"
    named = api.client.post("/v1/plan", json={"request": trip_request(must_visit=[]), "title": "Our day"}, headers=ann)
    assert named.json()["title"] == "Our day"
