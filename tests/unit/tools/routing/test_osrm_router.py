"""OsrmRouter against recorded-style OSRM answers served by httpx.MockTransport."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import pytest

from codriver.errors import InputError, ToolBadResponse, ToolTimeout, ToolUnavailable
from codriver.settings import ExternalSettings
from codriver.tools._http import RetryPolicy
from codriver.tools.geo import LatLon
from codriver.tools.routing import OsrmRouter

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "http://osrm.test:5000"
A = LatLon(60.17070, 24.94375)
B = LatLon(60.16841, 24.94826)
C = LatLon(60.16570, 24.95060)

pytestmark = pytest.mark.anyio


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


class Recorder:
    """Serves scripted answers in order and records the requests."""

    def __init__(self, *answers: httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def router(self, retries: int = 2) -> OsrmRouter:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self))
        return OsrmRouter(client, BASE + "/", policy=RetryPolicy(retries=retries, timeout_s=3.0, sleep=self.sleep))


def ok(name: str) -> httpx.Response:
    return httpx.Response(200, json=payload(name))


async def test_route_requests_full_geojson_overview_and_normalises_it() -> None:
    recorder = Recorder(ok("osrm_route_one_leg.json"))
    depart = datetime(2025, 6, 14, 9, 30, tzinfo=ZoneInfo("Europe/Helsinki"))
    route = await recorder.router().route(A, B, depart_at=depart)

    request = recorder.requests[0]
    assert request.url.path == "/route/v1/driving/24.943750,60.170700;24.948260,60.168410"
    assert dict(request.url.params) == {"overview": "full", "geometries": "geojson", "steps": "false"}
    assert route.provider == "osrm"
    assert (route.distance_m, route.duration_s) == (604.2, 118.6)
    assert route.arrive_at == depart + timedelta(seconds=118.6)
    assert route.raw == payload("osrm_route_one_leg.json")
    (leg,) = route.legs
    assert (leg.distance_m, leg.duration_s) == (604.2, 118.6)
    assert leg.geometry["type"] == "LineString"
    assert leg.geometry["coordinates"] == payload("osrm_route_one_leg.json")["routes"][0]["geometry"]["coordinates"]
    assert (leg.start.lat, leg.start.lon, leg.start.distance_m) == (60.170653, 24.943822, 5.312)
    assert (leg.end.lat, leg.end.lon, leg.end.distance_m) == (60.168391, 24.948207, 3.041)
    assert leg.start.node_id is None


async def test_route_through_a_waypoint_splits_the_geometry_at_it() -> None:
    recorder = Recorder(ok("osrm_route_via.json"))
    route = await recorder.router().route(A, C, [B])

    assert recorder.requests[0].url.path.endswith("24.943750,60.170700;24.948260,60.168410;24.950600,60.165700")
    first, second = route.legs
    assert (first.duration_s, second.duration_s, route.duration_s) == (118.6, 97.9, 216.5)
    assert (first.distance_m, second.distance_m, route.distance_m) == (604.2, 512.8, 1117.0)
    full = payload("osrm_route_via.json")["routes"][0]["geometry"]["coordinates"]
    assert first.geometry["coordinates"] == full[:7]
    assert second.geometry["coordinates"] == full[6:]
    assert first.geometry["coordinates"][-1] == [first.end.lon, first.end.lat]
    assert first.end == second.start
    assert second.end.distance_m == 11.874
    assert route.depart_at is None
    assert route.arrive_at is None


async def test_matrix_uses_the_table_service() -> None:
    recorder = Recorder(ok("osrm_table.json"))
    matrix = await recorder.router().matrix([A, B, C])

    request = recorder.requests[0]
    assert request.url.path.startswith("/table/v1/driving/24.943750,60.170700;")
    assert dict(request.url.params) == {"annotations": "duration,distance"}
    assert matrix.provider == "osrm"
    assert matrix.durations_s[1] == [131.2, 0.0, 97.9]
    assert matrix.distances_m[2] == [1204.7, 530.1, 0.0]
    assert [s.distance_m for s in matrix.snaps] == [5.312, 3.041, 11.874]


async def test_unroutable_pairs_in_a_table_are_none() -> None:
    body = payload("osrm_table.json")
    body["durations"][0][2] = None
    body["distances"][0][2] = None
    recorder = Recorder(httpx.Response(200, json=body))
    matrix = await recorder.router().matrix([A, B, C])
    assert matrix.durations_s[0] == [0.0, 118.6, None]
    assert matrix.distances_m[0] == [0.0, 604.2, None]


async def test_empty_matrix_asks_nothing() -> None:
    recorder = Recorder()
    matrix = await recorder.router().matrix([])
    assert matrix.durations_s == []
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("fixture", "error", "text"),
    [
        ("osrm_error_noroute.json", InputError, "no road route connects these points"),
        ("osrm_error_nosegment.json", InputError, "too far from any road"),
        ("osrm_error_invalidquery.json", ToolBadResponse, "'InvalidQuery': Query string malformed"),
        ("osrm_error_toobig.json", ToolBadResponse, "'TooBig'"),
    ],
)
async def test_osrm_error_codes_map_to_clear_errors(fixture: str, error: type[Exception], text: str) -> None:
    # OSRM answers these with HTTP 400 and the code in the body.
    recorder = Recorder(httpx.Response(400, json=payload(fixture)))
    with pytest.raises(error, match=text) as caught:
        await recorder.router().route(A, B)
    assert type(caught.value) is error
    assert len(recorder.requests) == 1


async def test_error_code_in_a_200_answer_is_honoured_too() -> None:
    recorder = Recorder(httpx.Response(200, json=payload("osrm_error_noroute.json")))
    with pytest.raises(InputError, match="Impossible route between points"):
        await recorder.router().matrix([A, B])


async def test_a_4xx_without_an_osrm_body_stays_a_bad_response() -> None:
    recorder = Recorder(httpx.Response(404, text="<html>Not Found</html>"))
    with pytest.raises(ToolBadResponse, match="HTTP 404"):
        await recorder.router().route(A, B)


async def test_timeout_after_retries_is_tool_timeout() -> None:
    recorder = Recorder(*(httpx.ReadTimeout("read timed out") for _ in range(3)))
    with pytest.raises(ToolTimeout, match=r"OSRM did not answer within 3 s"):
        await recorder.router(retries=2).route(A, B)
    assert len(recorder.requests) == 3
    assert recorder.sleeps == [0.5, 1.0]


async def test_429_then_success_is_retried() -> None:
    recorder = Recorder(
        httpx.Response(429, headers={"Retry-After": "2"}, text="Too Many Requests"), ok("osrm_route_one_leg.json")
    )
    route = await recorder.router().route(A, B)
    assert route.duration_s == 118.6
    assert len(recorder.requests) == 2
    assert recorder.sleeps == [2.0]


async def test_500_until_retries_are_exhausted_is_unavailable() -> None:
    recorder = Recorder(*(httpx.Response(500, text="Internal Server Error") for _ in range(3)))
    with pytest.raises(ToolUnavailable, match="HTTP 500 after 3 attempts"):
        await recorder.router(retries=2).matrix([A, B])
    assert len(recorder.requests) == 3


async def test_unreachable_server_is_unavailable() -> None:
    recorder = Recorder(httpx.ConnectError("connection refused"))
    with pytest.raises(ToolUnavailable, match="unreachable"):
        await recorder.router(retries=0).route(A, B)


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>gateway says hi</html>"),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, json={"code": "Ok", "routes": [], "waypoints": []}),
        httpx.Response(200, json={"code": "Ok", "durations": [[0, 1]], "distances": [[0, 1]], "sources": []}),
        httpx.Response(200, json={"routes": []}),
    ],
    ids=["html", "list", "no-routes", "ragged-table", "no-code"],
)
async def test_malformed_bodies_are_bad_responses(response: httpx.Response) -> None:
    recorder = Recorder(response)
    router = recorder.router()
    with pytest.raises(ToolBadResponse):
        if "durations" in response.text:
            await router.matrix([A, B])
        else:
            await router.route(A, B)


async def test_route_with_fewer_legs_than_points_is_a_bad_response() -> None:
    body = payload("osrm_route_via.json")
    body["routes"][0]["legs"].pop()
    recorder = Recorder(httpx.Response(200, json=body))
    with pytest.raises(ToolBadResponse, match="1 legs and 3 waypoints"):
        await recorder.router().route(A, C, [B])


def test_from_settings_takes_url_timeout_and_retries() -> None:
    client = httpx.AsyncClient()
    router = OsrmRouter.from_settings(
        client, ExternalSettings(osrm_url="http://osrm:5000/", http_timeout_s=4.5, http_retries=5)
    )
    assert router.base_url == "http://osrm:5000"
    assert (router.policy.timeout_s, router.policy.retries) == (4.5, 5)
    with pytest.raises(InputError, match="CODRIVER_EXTERNAL__OSRM_URL"):
        OsrmRouter.from_settings(client, ExternalSettings())


def waypoint(lon: float, lat: float, distance: float) -> dict[str, Any]:
    return {"hint": "", "location": [lon, lat], "name": "", "distance": distance}


def test_snap_is_none_where_osrm_finds_no_segment_or_snaps_too_far() -> None:
    far = {"code": "Ok", "waypoints": [waypoint(24.9, 59.9, 29504.2)]}
    near = {"code": "Ok", "waypoints": [waypoint(24.943805, 60.170551, 5.47)]}
    recorder = Recorder(
        httpx.Response(400, json=payload("osrm_error_nosegment.json")),
        httpx.Response(200, json=far),
        httpx.Response(200, json=near),
    )
    router = recorder.router()
    snaps = router.snap([A, B, C])
    assert [r.url.path.split("/")[1] for r in recorder.requests] == ["nearest"] * 3
    assert snaps[0] is None  # NoSegment
    assert snaps[1] is None  # 29.5 km off: past max_snap_m, as the graph router refuses it
    assert snaps[2] is not None
    assert (snaps[2].lat, snaps[2].lon, snaps[2].distance_m) == (60.170551, 24.943805, 5.47)
    assert router.snap([C]) == [snaps[2]]  # remembered: no fourth request
    assert len(recorder.requests) == 3
    router.close()


def test_table_asks_sources_and_destinations_and_reads_null_as_unreachable() -> None:
    body = {
        "code": "Ok",
        "durations": [[128.5, None]],
        "distances": [[680.5, None]],
        "sources": [waypoint(24.943805, 60.170551, 5.5)],
        "destinations": [waypoint(24.948146, 60.16896, 62.5), waypoint(24.9, 59.9, 29504.2)],
    }
    recorder = Recorder(httpx.Response(200, json=body))
    router = recorder.router()
    table = router.table([A], [B, C])
    params = dict(recorder.requests[0].url.params)
    assert params == {"sources": "0", "destinations": "1;2", "annotations": "duration,distance"}
    assert table.seconds.tolist() == [[128.5, math.inf]]
    assert table.metres is not None
    assert table.metres.tolist() == [[680.5, math.inf]]
    router.close()


def test_a_table_past_the_server_limit_is_asked_in_blocks() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        coords = request.url.path.rsplit("/", 1)[1].split(";")
        sources = [int(i) for i in request.url.params["sources"].split(";")]
        targets = [int(i) for i in request.url.params["destinations"].split(";")]
        at = [tuple(float(x) for x in c.split(",")) for c in coords]
        return httpx.Response(
            200,
            json={
                "code": "Ok",
                "durations": [[at[i][1] * 1000 + at[j][1] for j in targets] for i in sources],
                "sources": [waypoint(*at[i], 1.0) for i in sources],
                "destinations": [waypoint(*at[j], 1.0) for j in targets],
            },
        )

    points = [LatLon(60.1 + k / 100, 24.9) for k in range(5)]
    recorder = Recorder(*[answer] * 9)
    client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    router = OsrmRouter(client, BASE, max_table_size=4)
    table = router.table(points, points, distances=False)
    assert len(recorder.requests) == 9  # 5 x 5 in blocks of 2 x 2 (at most 4 coordinates a request)
    assert all(len(r.url.path.rsplit("/", 1)[1].split(";")) <= 4 for r in recorder.requests)
    expected = [[p.lat * 1000 + q.lat for q in points] for p in points]
    assert table.seconds == pytest.approx(np.array(expected))
    assert table.metres is None
    router.close()
