"""NominatimGeocoder: geopy over httpx.MockTransport, retries, error mapping, 1 request/s."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from geopy.adapters import AdapterHTTPError
from geopy.exc import (
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)

from codriver.errors import (
    InputError,
    ToolBadResponse,
    ToolError,
    ToolTimeout,
    ToolUnavailable,
)
from codriver.settings import ExternalSettings
from codriver.tools._http import RetryPolicy
from codriver.tools.geocoding import NominatimGeocoder, RateLimiter
from codriver.tools.geocoding._nominatim import tool_error

FIXTURES = Path(__file__).parent / "fixtures"
AGENT = "codriver-tests/0.1 (+https://example.org/codriver)"

pytestmark = pytest.mark.anyio


def payload(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class FakeClock:
    """Monotonic seconds that only move when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


class Server:
    """Scripted Nominatim: answers in order, records each request and when it came."""

    def __init__(self, clock: FakeClock, *answers: httpx.Response | Exception) -> None:
        self.clock = clock
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(self.clock.now)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def geocoder(self, *, retries: int = 2, base_url: str = "https://nominatim.test") -> NominatimGeocoder:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self))
        return NominatimGeocoder(
            client,
            base_url=base_url,
            user_agent=AGENT,
            policy=RetryPolicy(retries=retries, timeout_s=2.0, sleep=self.clock.sleep),
            limiter=RateLimiter(1.0, clock=self.clock, sleep=self.clock.sleep),
        )


def ok(name: str) -> httpx.Response:
    return httpx.Response(200, json=payload(name))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def test_request_carries_query_limit_and_user_agent(clock: FakeClock) -> None:
    server = Server(clock, ok("nominatim_kiasma.json"))
    await server.geocoder().geocode("Kiasma, Helsinki", limit=3)
    (request,) = server.requests
    assert request.url.host == "nominatim.test"
    assert request.url.path == "/search"
    assert request.url.params["q"] == "Kiasma, Helsinki"
    assert request.url.params["format"] == "json"
    assert request.url.params["limit"] == "3"
    assert request.url.params["addressdetails"] == "1"
    assert request.headers["User-Agent"] == AGENT


async def test_base_url_with_a_path_prefix(clock: FakeClock) -> None:
    server = Server(clock, ok("nominatim_empty.json"))
    assert await server.geocoder(base_url="http://geo.internal:8080/nominatim/").geocode("x") == []
    assert str(server.requests[0].url).startswith("http://geo.internal:8080/nominatim/search?")


async def test_places_are_normalised(clock: FakeClock) -> None:
    server = Server(clock, ok("nominatim_kiasma.json"))
    museum, cafe = await server.geocoder().geocode("Kiasma")
    assert (museum.name, museum.kind, museum.category) == ("Kiasma", "place", "museum")
    assert (museum.lat, museum.lon) == (60.1720154, 24.9367541)
    assert museum.score == pytest.approx(0.4508916541510435)
    assert museum.source == "nominatim"
    assert museum.place_id is None  # Nominatim's answers are not catalogue places
    assert museum.raw is not None
    assert museum.raw["osm_id"] == 8042215
    assert museum.matched is not None
    assert museum.matched.startswith("Kiasma, 2, Mannerheiminaukio")
    assert (cafe.name, cafe.category) == ("Café Kiasma", "cafe")


async def test_addresses_and_streets_are_told_apart(clock: FakeClock) -> None:
    server = Server(clock, ok("nominatim_address.json"))
    house, street = await server.geocoder().geocode("Mannerheimintie 13")
    assert (house.kind, house.name, house.category) == ("address", "Mannerheimintie 13", "house")
    assert (street.kind, street.name, street.category) == ("street", "Mannerheimintie", "primary")


async def test_no_match_is_an_empty_list(clock: FakeClock) -> None:
    server = Server(clock, ok("nominatim_empty.json"))
    assert await server.geocoder().geocode("Xyzzy plugh") == []


async def test_timeouts_are_retried_then_tool_timeout(clock: FakeClock) -> None:
    server = Server(clock, httpx.ReadTimeout("timed out"))
    with pytest.raises(ToolTimeout, match="did not answer in time"):
        await server.geocoder(retries=2).geocode("Kiasma")
    assert len(server.requests) == 3


async def test_429_then_success_honours_retry_after(clock: FakeClock) -> None:
    server = Server(clock, httpx.Response(429, headers={"Retry-After": "3"}, text="Too Many Requests"))
    server.answers.append(ok("nominatim_kiasma.json"))
    results = await server.geocoder().geocode("Kiasma")
    assert [r.name for r in results] == ["Kiasma", "Café Kiasma"]
    assert server.times == [1000.0, 1003.0]
    assert clock.sleeps == [3.0]


async def test_500_until_retries_are_exhausted_is_unavailable(clock: FakeClock) -> None:
    server = Server(clock, httpx.Response(500, text="Internal Server Error"))
    with pytest.raises(ToolUnavailable, match="HTTP 500 after 3 attempts"):
        await server.geocoder(retries=2).geocode("Kiasma")
    assert len(server.requests) == 3


async def test_503_is_unavailable_not_a_timeout(clock: FakeClock) -> None:
    # geopy itself would call a 503 GeocoderTimedOut; the project's tree says unavailable.
    server = Server(clock, httpx.Response(503, text="Service Unavailable"))
    with pytest.raises(ToolUnavailable, match="HTTP 503 after 1 attempts"):
        await server.geocoder(retries=0).geocode("Kiasma")


async def test_403_is_not_retried_and_names_the_user_agent_setting(clock: FakeClock) -> None:
    server = Server(clock, httpx.Response(403, text="<html>Access blocked</html>"))
    with pytest.raises(ToolBadResponse, match="NOMINATIM_USER_AGENT"):
        await server.geocoder().geocode("Kiasma")
    assert len(server.requests) == 1


async def test_400_with_an_error_body_is_a_bad_response(clock: FakeClock) -> None:
    server = Server(clock, httpx.Response(400, json=payload("nominatim_error_400.json")))
    with pytest.raises(ToolBadResponse, match="must be a number"):
        await server.geocoder().geocode("Kiasma")


async def test_offline_is_unavailable(clock: FakeClock) -> None:
    server = Server(clock, httpx.ConnectError("[Errno -3] Temporary failure in name resolution"))
    with pytest.raises(ToolUnavailable, match="offline, use the region's gazetteer"):
        await server.geocoder(retries=0).geocode("Kiasma")


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html><body>maintenance</body></html>"),
        httpx.Response(200, json={"error": "Nominatim has a problem"}),
        httpx.Response(200, json=[{"display_name": "Kiasma", "lon": "24.9"}]),
        httpx.Response(200, json=[{"display_name": "Kiasma", "lat": "north", "lon": "24.9"}]),
        httpx.Response(200, json=["Kiasma"]),
    ],
    ids=["html", "error-object", "no-lat", "bad-lat", "list-of-strings"],
)
async def test_malformed_bodies_are_bad_responses(clock: FakeClock, response: httpx.Response) -> None:
    server = Server(clock, response)
    with pytest.raises(ToolBadResponse):
        await server.geocoder().geocode("Kiasma")
    assert len(server.requests) == 1


async def test_one_request_per_second_on_a_fake_clock(clock: FakeClock) -> None:
    server = Server(clock, ok("nominatim_empty.json"))
    geocoder = server.geocoder()
    for query in ("a", "b", "c"):
        await geocoder.geocode(query)
    assert server.times == [1000.0, 1001.0, 1002.0]
    clock.now += 5.0  # idle for a while: the next request goes at once
    await geocoder.geocode("d")
    assert server.times[-1] == 1007.0
    assert clock.sleeps == [1.0, 1.0]


async def test_concurrent_queries_are_spaced_too(clock: FakeClock) -> None:
    server = Server(clock, ok("nominatim_empty.json"))
    geocoder = server.geocoder()
    await asyncio.gather(*(geocoder.geocode(q) for q in "abcd"))
    assert sorted(server.times) == [1000.0, 1001.0, 1002.0, 1003.0]


async def test_retries_keep_the_spacing(clock: FakeClock) -> None:
    # Backoff says 0.5 s after the first 502; the usage policy says at least 1 s.
    server = Server(clock, httpx.Response(502, text="Bad Gateway"))
    server.answers.append(ok("nominatim_empty.json"))
    await server.geocoder().geocode("Kiasma")
    assert server.times[1] - server.times[0] >= 1.0


async def test_bad_arguments_are_input_errors(clock: FakeClock) -> None:
    geocoder = Server(clock, ok("nominatim_empty.json")).geocoder()
    with pytest.raises(InputError, match="empty"):
        await geocoder.geocode("  ")
    with pytest.raises(InputError, match="limit"):
        await geocoder.geocode("Kiasma", limit=0)


def test_from_settings_uses_url_agent_timeout_and_retries() -> None:
    external = ExternalSettings(
        nominatim_url="http://localhost:7070", nominatim_user_agent=AGENT, http_timeout_s=3.5, http_retries=4
    )
    geocoder = NominatimGeocoder.from_settings(httpx.AsyncClient(), external)
    assert (geocoder.policy.timeout_s, geocoder.policy.retries) == (3.5, 4)
    assert geocoder.limiter.interval_s == 1.0


def test_bad_configuration_is_an_input_error() -> None:
    with pytest.raises(InputError, match="must look like"):
        NominatimGeocoder(httpx.AsyncClient(), base_url="ftp://nominatim.test", user_agent=AGENT)
    # geopy refuses its own sample user agent on the public server (usage policy).
    with pytest.raises(InputError, match="refuses this configuration"):
        NominatimGeocoder(
            httpx.AsyncClient(), base_url="https://nominatim.openstreetmap.org", user_agent="my-application"
        )


def _http(status: int) -> GeocoderServiceError:
    error = GeocoderServiceError(f"Non-successful status code {status}")
    error.__cause__ = AdapterHTTPError("x", status_code=status, headers={}, text="body")
    return error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (GeocoderTimedOut("Service timed out"), ToolTimeout),
        (GeocoderUnavailable("Service not available"), ToolUnavailable),
        (GeocoderServiceError("something broke"), ToolUnavailable),
        (GeocoderParseError("Could not deserialize"), ToolBadResponse),
        (GeocoderQueryError("bad query"), ToolBadResponse),
        (_http(504), ToolUnavailable),
        (_http(404), ToolBadResponse),
        (GeopyError("other"), ToolBadResponse),
    ],
)
def test_geopy_errors_map_to_the_tree(error: GeopyError, expected: type[ToolError]) -> None:
    assert type(tool_error(error)) is expected


async def test_rate_limiter_waits_only_as_long_as_needed(clock: FakeClock) -> None:
    limiter = RateLimiter(1.0, clock=clock, sleep=clock.sleep)
    await limiter.acquire()
    clock.now += 0.25
    await limiter.acquire()
    assert clock.sleeps == [0.75]
    assert clock.now == 1001.0
    with pytest.raises(ValueError, match=">= 0"):
        RateLimiter(-1)
