"""With a key configured, Open Charge Map confirms the sockets of OSM chargers and adds its own stations.

The answers are the recorded-format payloads of ``tests/unit/tools/charging/payloads``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from planning_cases import ev_request

from codriver.bootstrap import Runtime
from codriver.planning._engine import plan_trip
from codriver.planning._region_world import RegionTools
from codriver.settings import ExternalSettings, Settings
from codriver.tools.charging import ChargingStationInfo, confirm_sockets, parse_poi

PAYLOADS = Path(__file__).parents[1] / "tools" / "charging" / "payloads"
POIS: list[dict[str, Any]] = json.loads((PAYLOADS / "ocm_poi_helsinki.json").read_text(encoding="utf-8"))
REFERENCE: dict[str, Any] = json.loads((PAYLOADS / "ocm_referencedata.json").read_text(encoding="utf-8"))


def osm(poi_id: str, lat: float, lon: float) -> ChargingStationInfo:
    return ChargingStationInfo(poi_id=poi_id, source="osm", lat=lat, lon=lon, sockets_known=False)


def test_a_station_at_the_same_place_confirms_the_sockets() -> None:
    ocm = [parse_poi(record, None) for record in POIS]
    with_sockets = next(s for s in ocm if s.sockets_known and s.connectors)
    near = osm("osm:node/1", with_sockets.lat + 0.0002, with_sockets.lon)  # about 22 m north
    far = osm("osm:node/2", with_sockets.lat + 0.003, with_sockets.lon)  # about 330 m north
    [confirmed, alone] = confirm_sockets([near, far], ocm)
    assert confirmed.sockets_known
    assert confirmed.connectors == with_sockets.connectors
    assert confirmed.poi_id == "osm:node/1"  # the catalogue ID stays OSM's
    assert alone == far


def test_the_recorded_helsinki_stations_are_not_at_the_osm_chargers(tools: RegionTools) -> None:
    # The recorded OCM answer lists other stations than OSM's four: none is within 50 m.
    ocm = [parse_poi(record, None) for record in POIS]
    assert confirm_sockets(tools.chargers.stations, ocm) == tools.chargers.stations


def _runtime(helsinki: Runtime, client: httpx.AsyncClient) -> Runtime:
    external = ExternalSettings(open_charge_map_key="test-key")
    return Runtime(Settings(data_dir=helsinki.settings.data_dir, external=external), http=lambda: client)


def _at_first_osm_charger(tools: RegionTools) -> list[dict[str, Any]]:
    """The recorded answer with its first CCS station moved onto the first OSM charger."""
    target = tools.chargers.stations[0]
    records = copy.deepcopy(POIS)
    records[0]["AddressInfo"]["Latitude"] = target.lat + 0.0001
    records[0]["AddressInfo"]["Longitude"] = target.lon
    return records


def test_region_tools_take_confirmed_sockets_from_open_charge_map(helsinki: Runtime, tools: RegionTools) -> None:
    records = _at_first_osm_charger(tools)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith("/referencedata"):
            return httpx.Response(200, json=REFERENCE)
        return httpx.Response(200, json=records)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    confirmed = RegionTools.load(_runtime(helsinki, client), "helsinki")
    assert "/v3/poi" in seen
    first = confirmed.station(tools.chargers.stations[0].poi_id)
    assert first is not None
    assert first.sockets_known
    assert "ccs" in {c.connector for c in first.connectors}
    # a low EV now charges there without the unverified warning
    itinerary = plan_trip(ev_request(0.3), confirmed, max_candidates=8, time_limit_s=0.3)
    used = {s.charger for s in itinerary.stops if s.charges}
    assert used == {first.poi_id}
    assert "CHARGER_UNVERIFIED" not in {v.code for v in itinerary.violations}


def test_chargers_stay_unverified_when_open_charge_map_fails(
    helsinki: Runtime, tools: RegionTools, caplog: pytest.LogCaptureFixture
) -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda _r: httpx.Response(401, json={})))
    loaded = RegionTools.load(_runtime(helsinki, client), "helsinki")
    assert loaded.chargers.stations == tools.chargers.stations  # OSM's alone, unverified as before
    assert [s.sockets_known for s in loaded.chargers.stations] == [False] * len(tools.chargers.stations)
    assert "Open Charge Map could not confirm" in caplog.text
