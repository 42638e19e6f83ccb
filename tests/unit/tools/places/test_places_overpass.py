"""OverpassPlaces against recorded-style Overpass answers served by httpx.MockTransport."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from codriver.errors import InputError, PlaceNotFound, ToolBadResponse, ToolTimeout, ToolUnavailable
from codriver.settings import ExternalSettings, Settings
from codriver.tools._http import RetryPolicy
from codriver.tools.places import OverpassPlaces, parse_poi_id

FIXTURES = Path(__file__).parent / "fixtures"
URL = "http://overpass.test/api/interpreter"

pytestmark = pytest.mark.anyio


def recorded(name: str, status: int = 200) -> httpx.Response:
    content_type = "application/json" if name.endswith(".json") else "text/html"
    return httpx.Response(status, content=(FIXTURES / name).read_bytes(), headers={"Content-Type": content_type})


class Script:
    """Serves scripted answers in order and records the requests and the back-off waits."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def adapter(self, retries: int = 2) -> OverpassPlaces:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self))
        return OverpassPlaces(client, url=URL, policy=RetryPolicy(retries=retries, timeout_s=3.0, sleep=self.sleep))


async def test_node_tags_are_refreshed_with_one_post() -> None:
    script = Script(recorded("overpass_node.json"))
    refreshed = await script.adapter().refresh("osm:node/2349334832")
    assert refreshed.poi_id == "osm:node/2349334832"
    assert refreshed.tags["name"] == "Factory Aleksi"
    assert refreshed.tags["opening_hours"] == 'Mo-Fr 08:00-20:00; Sa 10:00-18:00; Su "by appointment"'
    assert refreshed.osm_base == "2024-12-03T10:41:22Z"
    assert (refreshed.lat, refreshed.lon) == (None, None)  # "out tags" gives no node position
    [request] = script.requests
    assert request.method == "POST"
    assert str(request.url) == URL
    query = parse_qs(request.content.decode())["data"][0]
    assert query == "[out:json][timeout:25];node(2349334832);out tags center;"


async def test_way_tags_come_with_the_centre() -> None:
    script = Script(recorded("overpass_way.json"))
    refreshed = await script.adapter().refresh("osm:way/8042255")
    assert refreshed.tags["tourism"] == "museum"
    assert (refreshed.lat, refreshed.lon) == (60.1697222, 24.9407014)
    assert "way(8042255)" in parse_qs(script.requests[0].content.decode())["data"][0]


async def test_an_element_that_no_longer_exists_is_place_not_found() -> None:
    with pytest.raises(PlaceNotFound, match="no longer exists"):
        await Script(recorded("overpass_gone.json")).adapter().refresh("osm:node/1")


async def test_a_runtime_error_remark_is_not_mistaken_for_a_deleted_element() -> None:
    with pytest.raises(ToolUnavailable, match="Query timed out"):
        await Script(recorded("overpass_remark.json")).adapter().refresh("osm:node/1")


async def test_rate_limit_is_retried_then_succeeds() -> None:
    script = Script(recorded("overpass_429.html", 429), recorded("overpass_node.json"))
    refreshed = await script.adapter().refresh("osm:node/2349334832")
    assert refreshed.tags["amenity"] == "restaurant"
    assert len(script.requests) == 2
    assert script.sleeps == [0.5]


async def test_rate_limit_that_persists_is_unavailable() -> None:
    script = Script(*(recorded("overpass_429.html", 429) for _ in range(3)))
    with pytest.raises(ToolUnavailable, match="HTTP 429"):
        await script.adapter(retries=2).refresh("osm:node/1")
    assert len(script.requests) == 3


async def test_server_error_is_unavailable() -> None:
    script = Script(httpx.Response(500, text="Internal Server Error"), httpx.Response(504, text="Gateway Timeout"))
    with pytest.raises(ToolUnavailable, match="HTTP 504"):
        await script.adapter(retries=1).refresh("osm:node/1")


async def test_timeout_is_tool_timeout() -> None:
    script = Script(httpx.ReadTimeout("read timed out"), httpx.ReadTimeout("read timed out"))
    with pytest.raises(ToolTimeout, match="did not answer"):
        await script.adapter(retries=1).refresh("osm:node/1")


async def test_html_instead_of_json_is_a_bad_response() -> None:
    with pytest.raises(ToolBadResponse, match="not JSON"):
        await Script(recorded("overpass_429.html", 200)).adapter().refresh("osm:node/1")


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ([], "instead of a JSON object"),
        ({"version": 0.6}, "no 'elements' list"),
        ({"elements": [{"type": "node", "id": 1, "tags": {"name": 5}}]}, "malformed tags"),
        ({"elements": [{"type": "node", "id": 2, "tags": {}}]}, "other elements"),
    ],
)
async def test_malformed_answers_are_bad_responses(body: object, match: str) -> None:
    with pytest.raises(ToolBadResponse, match=match):
        await Script(httpx.Response(200, json=body)).adapter().refresh("osm:node/1")


async def test_a_bad_request_is_not_retried() -> None:
    script = Script(httpx.Response(400, text="Error: line 1: parse error"))
    with pytest.raises(ToolBadResponse, match="HTTP 400"):
        await script.adapter().refresh("osm:node/1")
    assert len(script.requests) == 1


@pytest.mark.parametrize("poi_id", ["node/1", "osm:node/abc", "osm:changeset/1", "Factory Aleksi"])
async def test_invalid_catalogue_ids_are_refused_before_any_request(poi_id: str) -> None:
    script = Script()
    with pytest.raises(InputError, match="not a catalogue ID"):
        await script.adapter().refresh(poi_id)
    assert script.requests == []


def test_parse_poi_id() -> None:
    assert parse_poi_id("osm:relation/42") == ("relation", 42)


async def test_from_settings_uses_the_configured_url_and_retries() -> None:
    settings = Settings(external={"overpass_url": URL, "http_retries": 0, "http_timeout_s": 4})  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(503))) as client:
        adapter = OverpassPlaces.from_settings(client, settings.external)
        assert adapter.url == URL
        with pytest.raises(ToolUnavailable, match="after 1 attempts"):
            await adapter.refresh("osm:node/1")


async def test_from_settings_without_a_url_says_what_to_set() -> None:
    external = ExternalSettings()
    assert external.overpass_url is None  # unset by default: places come from the catalogue alone
    async with httpx.AsyncClient() as client:
        with pytest.raises(
            ToolUnavailable, match="Overpass API is not configured: set CODRIVER_EXTERNAL__OVERPASS_URL"
        ):
            OverpassPlaces.from_settings(client, external)
