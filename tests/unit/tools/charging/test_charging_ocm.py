"""Open Charge Map against recorded-style payloads: parsing, filters, errors, retries."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from pydantic import SecretStr

from codriver.bootstrap import Runtime
from codriver.errors import ToolBadResponse, ToolTimeout, ToolUnavailable
from codriver.settings import ExternalSettings, Settings
from codriver.tools._http import RetryPolicy
from codriver.tools.charging import ChargerFilter, ChargingCatalog, OpenChargeMap, parse_poi
from codriver.tools.geo import LatLon

PAYLOADS = Path(__file__).with_name("payloads")
POIS: list[dict[str, Any]] = json.loads((PAYLOADS / "ocm_poi_helsinki.json").read_text(encoding="utf-8"))
REFERENCE: dict[str, Any] = json.loads((PAYLOADS / "ocm_referencedata.json").read_text(encoding="utf-8"))
CENTRE = LatLon(60.1699, 24.9384)
BASE = "https://api.openchargemap.io/v3"

Handler = Callable[[httpx.Request], httpx.Response]
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


class Recorder:
    """A MockTransport handler that serves the recorded payloads and keeps every request."""

    def __init__(self, poi: Handler | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self._poi = poi or (lambda _request: httpx.Response(200, json=POIS))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path.endswith("/referencedata"):
            return httpx.Response(200, json=REFERENCE)
        return self._poi(request)

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


def _no_sleep_policy(sleeps: list[float] | None = None, retries: int = 2) -> RetryPolicy:
    async def sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)

    return RetryPolicy(retries=retries, backoff_s=0.5, sleep=sleep, timeout_s=1.0)


def _ocm(handler: Handler, *, key: str | None = "test-key", policy: RetryPolicy | None = None) -> OpenChargeMap:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return OpenChargeMap(client, api_key=key, base_url=BASE, policy=policy or _no_sleep_policy())


def test_request_carries_the_documented_parameters() -> None:
    recorder = Recorder()
    catalog: ChargingCatalog = _ocm(recorder)  # type-checked: OCM fits the protocol
    run(catalog.near(CENTRE, 1500, ChargerFilter()))
    poi = next(r for r in recorder.requests if r.url.path == "/v3/poi")
    assert poi.method == "GET"
    assert dict(poi.url.params) == {
        "latitude": "60.169900",
        "longitude": "24.938400",
        "distance": "1.500",
        "distanceunit": "km",
        "maxresults": "250",
        "compact": "true",
        "verbose": "false",
        "key": "test-key",
    }


def test_compact_pois_are_mapped_to_our_connectors_and_operators() -> None:
    recorder = Recorder()
    stations = {s.poi_id: s for s in run(_ocm(recorder).fetch(CENTRE, 2000))}
    assert set(stations) == {f"ocm:{p['ID']}" for p in POIS}
    kamppi = stations["ocm:187230"]
    assert kamppi.name == "Kampin keskus P-halli"
    assert kamppi.source == "ocm"
    assert kamppi.operator == "K-Lataus"  # from the reference data: compact POIs only carry OperatorID
    assert {(c.connector, c.count, c.power_kw) for c in kamppi.connectors} == {("ccs", 2, 150.0), ("type2", 2, 22.0)}
    assert kamppi.max_power_kw == 150.0
    assert (kamppi.fee, kamppi.access, kamppi.operational, kamppi.capacity) == (True, "yes", True, 4)
    tesla = stations["ocm:176890"]
    assert {c.connector for c in tesla.connectors} == {"tesla", "ccs"}
    stockmann = stations["ocm:201455"]
    assert (stockmann.fee, stockmann.access) == (False, "customers")
    assert [(c.connector, c.count, c.power_kw) for c in stockmann.connectors] == [("type2", 4, 11.0)]
    unknown = stations["ocm:155001"]
    assert unknown.sockets_known is False
    assert unknown.operator is None  # "(Unknown Operator)" names nobody
    assert unknown.operational is None
    assert stations["ocm:160222"].operational is False
    # The broken CCS connection of a partly operational site is not offered.
    partly = stations["ocm:190777"]
    assert [c.connector for c in partly.connectors] == ["type2"]
    assert partly.operational is True


def test_reference_data_is_fetched_once() -> None:
    recorder = Recorder()
    ocm = _ocm(recorder)
    run(ocm.fetch(CENTRE, 2000))
    run(ocm.fetch(CENTRE, 2000))
    assert recorder.paths().count("/v3/referencedata") == 1
    assert recorder.paths().count("/v3/poi") == 2


def test_verbose_records_are_read_too() -> None:
    record = {
        "ID": 5,
        "AddressInfo": {"Title": "Verbose", "Latitude": 60.17, "Longitude": 24.94},
        "OperatorInfo": {"ID": 3296, "Title": "Virta"},
        "StatusType": {"IsOperational": False, "ID": 30, "Title": "Temporarily Unavailable"},
        "UsageType": {"ID": 6, "Title": "Private - For Staff, Visitors or Customers"},
        "Connections": [{"ConnectionTypeID": 32, "PowerKW": 62.5, "Quantity": None}],
    }
    station = parse_poi(record)
    assert (station.operator, station.operational, station.access) == ("Virta", False, "customers")
    assert [(c.connector, c.count, c.power_kw) for c in station.connectors] == [("ccs", 1, 62.5)]


def test_near_applies_the_filter_and_orders_by_distance() -> None:
    ocm = _ocm(Recorder())
    results = run(ocm.near(CENTRE, 2000, ChargerFilter(connectors=("ccs",))))
    # Stockmann: customers only; Lasipalatsi: out of order; Kaivokatu: its CCS is broken.
    assert [r.poi_id for r in results] == ["ocm:176890", "ocm:155001", "ocm:187230"]
    assert [r.compatibility for r in results] == ["compatible", "unknown", "compatible"]
    assert [r.distance_m for r in results] == sorted(r.distance_m for r in results)  # type: ignore[type-var]
    assert results[0].usable_power_kw == 250.0
    known = run(ocm.near(CENTRE, 2000, ChargerFilter(connectors=("ccs",), require_known=True, networks=("tesla",))))
    assert [r.poi_id for r in known] == ["ocm:176890"]
    customers = run(ocm.near(CENTRE, 2000, ChargerFilter(connectors=("type2",), access="customers", fee=False)))
    assert [r.poi_id for r in customers] == ["ocm:201455"]


def test_radius_is_checked_here_too() -> None:
    results = run(_ocm(Recorder()).near(CENTRE, 300, ChargerFilter(include_non_operational=True)))
    assert results
    assert all(r.distance_m is not None and r.distance_m <= 300 for r in results)
    assert "ocm:187230" not in {r.poi_id for r in results}  # 0.4 km away, although OCM returned it


def test_missing_key_fails_before_any_request() -> None:
    recorder = Recorder()
    with pytest.raises(ToolUnavailable, match="CODRIVER_EXTERNAL__OPEN_CHARGE_MAP_KEY"):
        run(_ocm(recorder, key=None).near(CENTRE, 1000))
    assert recorder.requests == []


@pytest.mark.parametrize("status", [401, 403])
def test_bad_key_says_which_setting_to_fix(status: int) -> None:
    recorder = Recorder(lambda _r: httpx.Response(status, json={"status": "error", "message": "Invalid API key"}))
    with pytest.raises(ToolUnavailable, match="CODRIVER_EXTERNAL__OPEN_CHARGE_MAP_KEY") as info:
        run(_ocm(recorder).near(CENTRE, 1000))
    assert f"HTTP {status}" in str(info.value)
    assert len(recorder.requests) == 1  # not retried


def test_429_is_retried_after_the_servers_delay() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "3"}, text="Too Many Requests")])
    sleeps: list[float] = []
    recorder = Recorder(lambda _r: next(answers, httpx.Response(200, json=POIS)))
    results = run(_ocm(recorder, policy=_no_sleep_policy(sleeps)).near(CENTRE, 2000))
    assert results
    assert sleeps == [3.0]
    assert recorder.paths().count("/v3/poi") == 2


def test_500_after_retries_is_unavailable() -> None:
    recorder = Recorder(lambda _r: httpx.Response(500, text="Internal Server Error"))
    with pytest.raises(ToolUnavailable, match="HTTP 500 after 3 attempts"):
        run(_ocm(recorder).near(CENTRE, 1000))
    assert recorder.paths().count("/v3/poi") == 3


def test_timeout_is_a_tool_timeout() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        msg = "timed out"
        raise httpx.ReadTimeout(msg, request=request)

    with pytest.raises(ToolTimeout):
        run(_ocm(Recorder(slow), policy=_no_sleep_policy(retries=0)).near(CENTRE, 1000))


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(200, text="<html>maintenance</html>"), "not JSON"),
        (httpx.Response(200, json={"error": "bad request"}), "list of POIs"),
        (httpx.Response(200, json=[{"ID": 1}, {"AddressInfo": {"Latitude": "north"}}]), "none with an ID"),
    ],
)
def test_malformed_answers_are_bad_responses(response: httpx.Response, message: str) -> None:
    with pytest.raises(ToolBadResponse, match=message):
        run(_ocm(Recorder(lambda _r: response)).near(CENTRE, 1000))


def test_one_broken_record_does_not_hide_the_others() -> None:
    body = [*POIS, {"ID": 9, "AddressInfo": {"Latitude": 999, "Longitude": 0}}]
    stations = run(_ocm(Recorder(lambda _r: httpx.Response(200, json=body))).fetch(CENTRE, 2000))
    assert len(stations) == len(POIS)


def test_from_settings_uses_url_key_and_policy() -> None:
    settings = Settings(
        external=ExternalSettings(
            open_charge_map_url="https://ocm.example/v3/", open_charge_map_key=SecretStr("s3cret"), http_retries=5
        )
    )
    recorder = Recorder()
    ocm = OpenChargeMap.from_settings(httpx.AsyncClient(transport=httpx.MockTransport(recorder)), settings.external)
    assert ocm.policy.retries == 5
    run(ocm.fetch(CENTRE, 100))
    assert [str(r.url).split("?")[0] for r in recorder.requests] == [
        "https://ocm.example/v3/poi",
        "https://ocm.example/v3/referencedata",
    ]
    assert {r.url.params["key"] for r in recorder.requests} == {"s3cret"}


def test_along_route_keeps_stations_within_the_detour(helsinki: Runtime) -> None:
    router = helsinki.router(helsinki.region("helsinki"))
    recorder = Recorder()
    client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    ocm = OpenChargeMap(client, api_key="k", base_url=BASE, policy=_no_sleep_policy(), router=router)
    origin, destination = LatLon(60.1660, 24.9360), LatLon(60.1760, 24.9500)
    results = run(ocm.along_route(origin, destination, filter=ChargerFilter(connectors=("ccs",)), max_detour_s=900))
    assert {r.poi_id for r in results} == {"ocm:155001", "ocm:176890", "ocm:187230"}
    direct = router.route_sync(origin, destination).duration_s
    for result in results:
        via = router.route_sync(origin, destination, [LatLon(result.lat, result.lon)]).duration_s
        assert result.detour_s == pytest.approx(via - direct, abs=1e-6)
    poi = next(r for r in recorder.requests if r.url.path == "/v3/poi")
    # The search circle covers the drive plus how far a 900 s detour can reach.
    assert float(poi.url.params["distance"]) > 900 / 2 * 130 / 3.6 / 1000
