"""Charger choice at a charging stop: the chargers listed with their facts, and re-planning with another.

The API over the fake planner (its EV trips below 30 % charge first), and the listing itself
over real catalogue stations (``charger_options``): sockets, power, network, unverified.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from api_support import Api

from codriver.api._charger_views import charger_options
from codriver.planning import Itinerary, ItineraryStop, TripRequest
from codriver.tools.charging import ChargingStationInfo, ConnectorInfo, OsmChargers


def _ev_trip(api: Api, headers: dict[str, str]) -> dict[str, Any]:
    return api.plan(headers, vehicle={"powertrain": "ev", "soc": 0.2})


def _stops(detail: dict[str, Any]) -> list[dict[str, Any]]:
    return list(detail["itinerary"]["itinerary"]["stops"])


def test_a_charging_stop_lists_its_chargers_with_sockets_power_and_network(api: Api) -> None:
    ann = api.user()
    trip = _ev_trip(api, ann)
    stop = _stops(trip)[1]
    assert (stop["kind"], stop["poi_id"]) == ("charge", "osm:node/5")
    listed = api.client.get(f"/v1/trips/{trip['id']}/stops/1/chargers", headers=ann)
    assert listed.status_code == 200, listed.text
    options = listed.json()
    assert [o["poi_id"] for o in options] == ["osm:node/5", "osm:node/7"]  # the plan's own first
    first, second = options
    assert first["current"]
    assert not second["current"]
    assert (first["verified"], first["network"], first["power_kw"]) == (True, "Helen", 50.0)
    assert {s["connector"] for s in first["sockets"]} == {"ccs", "type2"}
    assert (second["verified"], second["sockets"], second["assumed_socket"]) == (False, [], "Type 2 AC")


def test_choosing_another_charger_replans_with_it_and_keeps_the_stops(api: Api) -> None:
    ann = api.user()
    trip = _ev_trip(api, ann)
    visits = [s["poi_id"] for s in _stops(trip) if s["kind"] == "visit"]
    chosen = api.client.post(
        f"/v1/trips/{trip['id']}/stops/1/charger",
        json={"charger_id": "osm:node/7"},
        headers={**ann, "If-Match": '"1"'},
    )
    assert chosen.status_code == 200, chosen.text
    detail = chosen.json()
    assert detail["current_version"] == 2
    stops = _stops(detail)
    assert stops[1]["poi_id"] == "osm:node/7"
    assert [s["poi_id"] for s in stops if s["kind"] == "visit"] == visits  # the visits keep their order
    sent = api.planner.plans[-1]
    assert sent.constraints.use_chargers == ["osm:node/7"]
    assert [c.poi_id for c in sent.stops or []] == visits
    versions = api.client.get(f"/v1/trips/{trip['id']}/itineraries", headers=ann).json()
    assert versions[-1]["reason"] == "charging at Charging station instead"


def test_a_charger_choice_is_refused_in_plain_words(api: Api) -> None:
    ann = api.user()
    trip = _ev_trip(api, ann)
    tid = trip["id"]
    not_charging = api.client.get(f"/v1/trips/{tid}/stops/2/chargers", headers=ann)
    assert not_charging.status_code == 422
    assert not_charging.json()["field"] == "index"
    same = api.client.post(f"/v1/trips/{tid}/stops/1/charger", json={"charger_id": "osm:node/5"}, headers=ann)
    assert same.status_code == 422
    assert "already" in same.json()["detail"]
    unknown = api.client.post(f"/v1/trips/{tid}/stops/1/charger", json={"charger_id": "osm:node/99"}, headers=ann)
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "charger_id"
    assert "choose one from the list" in unknown.json()["detail"]
    stale = api.client.post(
        f"/v1/trips/{tid}/stops/1/charger", json={"charger_id": "osm:node/7"}, headers={**ann, "If-Match": '"0"'}
    )
    assert stale.status_code == 409
    bob = api.user("bob@example.org")
    assert api.client.get(f"/v1/trips/{tid}/stops/1/chargers", headers=bob).status_code == 404


# -- the listing over catalogue stations -------------------------------------------------------


def _station(poi: str, lat: float, **facts: Any) -> ChargingStationInfo:
    return ChargingStationInfo(poi_id=poi, source="osm", lat=lat, lon=24.94, **facts)


def _plan(charger: str) -> tuple[TripRequest, Itinerary]:
    request = TripRequest.model_validate(
        {
            "origin": {"lat": 60.17, "lon": 24.94},
            "depart_at": "2026-06-01T10:00:00+03:00",
            "return_by": "2026-06-01T17:00:00+03:00",
            "vehicle": {"powertrain": "ev", "soc": 0.2, "connectors": ["ccs", "type2"], "max_charge_kw": 100},
        }
    )
    at = "2026-06-01T10:10:00+03:00"
    stops = [
        ItineraryStop(poi_id=None, name="start", kind="start", lat=60.17, lon=24.94, arrive_at=None, depart_at=at),
        ItineraryStop(
            poi_id="osm:node/10",
            name="Museum",
            kind="visit",
            lat=60.171,
            lon=24.94,
            arrive_at=at,
            depart_at="2026-06-01T11:00:00+03:00",
            charger_id=charger,
            soc_before=0.19,
            soc_after=0.5,
        ),
        ItineraryStop(
            poi_id=None,
            name="end",
            kind="end",
            lat=60.17,
            lon=24.94,
            arrive_at="2026-06-01T11:10:00+03:00",
            depart_at=None,
        ),
    ]
    return request, Itinerary(stops=stops, request=request)


def test_options_say_what_the_catalogue_records_and_never_offer_a_charger_that_does_not_fit() -> None:
    stations = [
        _station(
            "osm:node/1",
            60.172,
            name="Fast",
            network="Virta",
            sockets_known=True,
            connectors=(ConnectorInfo(connector="ccs", count=2, power_kw=150.0),),
        ),
        _station("osm:node/2", 60.1705, sockets_known=False, operator="Helen"),  # no socket tags: unverified
        _station(
            "osm:node/3",
            60.1712,
            sockets_known=True,
            connectors=(ConnectorInfo(connector="chademo", count=1, power_kw=50.0),),  # does not fit
        ),
        _station(
            "osm:node/4",
            60.1708,
            sockets_known=True,
            connectors=(ConnectorInfo(connector="type2", count=2),),  # no power recorded: not plannable
        ),
        _station("osm:node/5", 60.30, sockets_known=False),  # 14 km away
    ]
    tools = SimpleNamespace(chargers=OsmChargers(stations))
    request, itinerary = _plan("osm:node/1")
    options = charger_options(tools, request, itinerary, 1, limit=10)  # type: ignore[arg-type]
    by_id = {o.poi_id: o for o in options}
    # the plan's own first; a socket that does not fit, one without power and one 14 km away are left out
    assert [o.poi_id for o in options] == ["osm:node/1", "osm:node/2"]
    fast = by_id["osm:node/1"]
    assert (fast.verified, fast.current, fast.power_kw) == (True, True, 100.0)  # the car draws at most 100 kW
    assert fast.network == "Virta"
    assert [s.connector for s in fast.sockets] == ["ccs"]
    helen = by_id["osm:node/2"]
    assert (helen.verified, helen.current, helen.name, helen.assumed_socket) == (False, False, "Helen", "Type 2 AC")
    assert helen.power_kw == 11.0  # what the planner assumes
