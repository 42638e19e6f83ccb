"""With OSRM and Open Charge Map configured, plans are driven on OSRM and charge at OCM's stations.

The runtime is built from settings alone (``external.osrm_url``, ``external.open_charge_map_key``
and ``open_charge_map_url``), as ``codriver serve`` would build it; both point at loopback
replay servers: OSRM's recorded answers (genuine OSRM 26.10 on the test extract) and Open
Charge Map's recorded-format payloads of ``tests/unit/tools/charging/payloads``.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from contract_replay import ReplayServer

from codriver.bootstrap import Runtime
from codriver.errors import ToolUnavailable
from codriver.planning import Itinerary, RegionTools, TripRequest, build_problem, plan_trip
from codriver.settings import ExternalSettings, Settings
from codriver.tools.geo import LatLon

PAYLOADS = Path(__file__).parents[1] / "unit" / "tools" / "charging" / "payloads"


def _ocm_exchanges() -> list[dict[str, Any]]:
    def read(name: str) -> Any:
        return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))

    return [
        {"request": "GET /v3/poi", "status": 200, "response": read("ocm_poi_helsinki.json")},
        {"request": "GET /v3/referencedata", "status": 200, "response": read("ocm_referencedata.json")},
    ]


@pytest.fixture(scope="module")
def ocm() -> Iterator[ReplayServer]:
    with ReplayServer(_ocm_exchanges(), drop=("key",)) as server:
        yield server


@pytest.fixture(scope="module", params=["osrm-replay", "osrm-live"])
def osrm_url(request: pytest.FixtureRequest) -> str:
    """OSRM replayed from the recording, then the live osrm-routed (where its programs are installed)."""
    if request.param == "osrm-live":
        return str(request.getfixturevalue("live_osrm"))
    server: ReplayServer = request.getfixturevalue("osrm_replay")
    return server.url


@pytest.fixture(scope="module")
def configured(helsinki: Runtime, osrm_url: str, ocm: ReplayServer) -> Iterator[RegionTools]:
    external = ExternalSettings(osrm_url=osrm_url, open_charge_map_key="test-key", open_charge_map_url=f"{ocm.url}/v3")
    runtime = Runtime(Settings(data_dir=helsinki.settings.data_dir, external=external))
    yield RegionTools.load(runtime, "helsinki")
    assert runtime.osrm is not None
    runtime.osrm.close()


def ev_request() -> TripRequest:
    """Museums around the Esplanadi in a 40 kWh EV at 30 %, half full wanted at the end: it must charge."""
    return TripRequest.model_validate(
        {
            "origin": "60.1699,24.9384",
            "depart_at": "2025-06-14T10:00:00+03:00",
            "return_by": "2025-06-14T16:00:00+03:00",
            "party": {"adults": 2},
            "interests": {"museum": 1.0},
            "vehicle": {"powertrain": "ev", "battery_kwh": 40, "soc": 0.3, "reserve_soc": 0.1, "target_soc": 0.5},
        }
    )


def recorded_pairs(recording: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[float, float]]:
    """(seconds, metres) of every source -> destination pair in the recorded OSRM tables, by coordinates."""
    pairs = {}
    for exchange in recording:
        parts = urlsplit(exchange["request"].split(" ", 1)[1])
        if not parts.path.startswith("/table/") or "distances" not in exchange["response"]:
            continue
        coords = parts.path.rsplit("/", 1)[1].split(";")
        query = dict(parse_qsl(parts.query))
        sources = [coords[int(i)] for i in query["sources"].split(";")]
        targets = [coords[int(i)] for i in query["destinations"].split(";")]
        body = exchange["response"]
        for i, a in enumerate(sources):
            for j, b in enumerate(targets):
                pairs[a, b] = (body["durations"][i][j], body["distances"][i][j])
    return pairs


@pytest.fixture(scope="module")
def itinerary(configured: RegionTools) -> Itinerary:
    return plan_trip(ev_request(), configured, max_candidates=8, time_limit_s=0.4)


def test_the_runtime_chose_osrm_and_the_plan_passes_the_verifier_on_it(
    configured: RegionTools, itinerary: Itinerary
) -> None:
    assert configured.router.provider == "osrm"
    assert configured.graph_router.provider == "graph"  # the region's graph stays for its map and catalogue
    assert itinerary.status == "feasible", itinerary.violations
    assert len(itinerary.legs) >= 3


def test_every_drive_is_a_recorded_osrm_table_entry(
    configured: RegionTools, itinerary: Itinerary, osrm_url: str, osrm_replay: ReplayServer
) -> None:
    if osrm_replay.upstream is not None or osrm_url != osrm_replay.url:
        pytest.skip("the recorded answers are checked where they are replayed")
    recorded = list(recorded_pairs(osrm_replay.exchanges).values())
    graph = configured.graph_router
    drives = [leg for leg in itinerary.legs if leg.mode == "drive" and leg.distance_m > 0]
    assert drives
    differs = 0
    for leg in drives:
        # metres as OSRM's table gave them; the plan counts whole seconds, walks at the ends included
        same = [s for s, m in recorded if m is not None and abs(m - leg.distance_m) <= 0.05]
        assert same, f"a drive of {leg.distance_m} m is no recorded OSRM answer"
        assert any(abs(s - leg.duration_s) <= 1.0 for s in same), (leg.duration_s, same)
        (lon_a, lat_a), (lon_b, lat_b) = leg.geometry["coordinates"][0], leg.geometry["coordinates"][-1]
        embedded = float(graph.table([LatLon(lat_a, lon_a)], [LatLon(lat_b, lon_b)]).seconds[0, 0])
        differs += abs(embedded - leg.duration_s) > 5.0
    assert differs > 0  # OSRM's car profile is not the embedded router's speeds: these drives are OSRM's


def test_open_charge_map_stations_are_charging_candidates_and_one_is_used(
    configured: RegionTools, itinerary: Itinerary
) -> None:
    problem = build_problem(ev_request(), configured, max_candidates=8)
    candidates = {c.poi_id for c in problem.chargers}
    assert any(c.startswith("ocm:") for c in candidates), candidates
    assert any(c.startswith("osm:") for c in candidates), candidates  # OSM's own stay candidates too
    charged = [s.charger for s in itinerary.stops if s.charges]
    assert charged
    assert all(c is not None and c.startswith("ocm:") for c in charged)  # sockets known beat unverified OSM ones


def test_without_its_osrm_server_a_plan_fails_as_unavailable_never_on_the_embedded_graph(helsinki: Runtime) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    external = ExternalSettings(osrm_url=f"http://127.0.0.1:{port}", http_retries=0)
    runtime = Runtime(Settings(data_dir=helsinki.settings.data_dir, external=external))
    tools = RegionTools.load(runtime, "helsinki")
    with pytest.raises(ToolUnavailable, match="OSRM is unreachable"):
        plan_trip(ev_request(), tools, max_candidates=8, time_limit_s=0.4)
    assert runtime.osrm is not None
    runtime.osrm.close()
