"""The basemap over HTTP: the embedded Helsinki region's vector tiles (drawn by tilemaker at
import) and the glyphs of their labels, with every kind of bad address answered 4xx, never 5xx.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Iterator
from typing import Any

import mapbox_vector_tile
import pytest
from fastapi.testclient import TestClient

from codriver.api import ApiSettings, create_app
from codriver.bootstrap import Runtime

pytestmark = pytest.mark.slow

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
RAUTATIENTORI = (60.1710, 24.9414)  # lat, lon: the railway station square


def _tile_of(lat: float, lon: float, z: int) -> tuple[int, int]:
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.fixture(scope="module")
def client(helsinki: Runtime) -> Iterator[TestClient]:
    if shutil.which("tilemaker") is None:
        if IN_CI:
            pytest.fail("tilemaker is required in CI (make map-tools)")
        pytest.skip("tilemaker is not installed (make map-tools)")
    api = ApiSettings(scrypt_n=2**4, scheduler=False, rate_per_s=1000, rate_burst=1000)
    with TestClient(create_app(helsinki, api_settings=api), raise_server_exceptions=False) as test_client:
        yield test_client


def test_tilejson_describes_the_regions_tiles(client: TestClient) -> None:
    answer = client.get("/v1/regions/helsinki/tiles.json")
    assert answer.status_code == 200, answer.text
    tilejson = answer.json()
    assert tilejson["tilejson"] == "3.0.0"
    (template,) = tilejson["tiles"]
    assert template.startswith("http://testserver/v1/regions/helsinki/tiles/{z}/{x}/{y}.pbf?v=")
    assert (tilejson["minzoom"], tilejson["maxzoom"]) == (11, 14)
    west, south, east, north = tilejson["bounds"]
    assert west < RAUTATIENTORI[1] < east
    assert south < RAUTATIENTORI[0] < north
    assert {layer["id"] for layer in tilejson["vector_layers"]} >= {"road", "water", "green", "building", "place"}
    assert tilejson["glyphs"] == "http://testserver/v1/fonts/{fontstack}/{range}.pbf"
    assert "OpenStreetMap" in tilejson["attribution"]
    assert answer.headers["cache-control"] == "no-cache"


def _decoded(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    tile: dict[str, Any] = mapbox_vector_tile.decode(answer.content)
    return tile


def test_a_tile_holds_named_streets_water_green_and_buildings(client: TestClient) -> None:
    x, y = _tile_of(*RAUTATIENTORI, 14)
    answer = client.get(f"/v1/regions/helsinki/tiles/14/{x}/{y}.pbf", headers={"Accept-Encoding": "gzip"})
    assert answer.headers["content-encoding"] == "gzip"  # stored compressed, sent as it is (httpx inflates it)
    assert answer.headers["vary"] == "Accept-Encoding"
    assert answer.headers["cache-control"].startswith("public, max-age=")
    tile = _decoded(answer)
    assert {"road", "building", "green", "place"} <= set(tile)
    streets = {f["properties"].get("name") for f in tile["road"]["features"]}
    assert {"Kaivokatu", "Mannerheimintie", "Aleksanterinkatu"} <= streets
    assert all(f["geometry"]["type"] in {"LineString", "MultiLineString"} for f in tile["road"]["features"])
    classes = {f["properties"]["class"] for f in tile["road"]["features"]}
    assert {"primary", "path"} <= classes
    places = {f["properties"]["name"] for f in tile["place"]["features"]}
    assert "Rautatientori" in places
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in tile["building"]["features"])
    # the same tile for a client that takes no gzip: plain MVT bytes
    plain = client.get(f"/v1/regions/helsinki/tiles/14/{x}/{y}.pbf", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == answer.content
    assert plain.content[:2] != b"\x1f\x8b"
    # cacheable: the ETag answers 304 when the client has it
    again = client.get(f"/v1/regions/helsinki/tiles/14/{x}/{y}.pbf", headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_water_lies_in_the_regions_tiles(client: TestClient) -> None:
    x, y = _tile_of(60.1745, 24.9360, 14)  # Töölönlahti's shore
    tile = _decoded(client.get(f"/v1/regions/helsinki/tiles/14/{x}/{y}.pbf"))
    assert tile["water"]["features"]


def test_tiles_without_data_are_204_and_zooms_outside_the_set_404(client: TestClient) -> None:
    empty = client.get("/v1/regions/helsinki/tiles/14/0/0.pbf")  # the Arctic Ocean off Alaska
    assert empty.status_code == 204
    assert empty.content == b""
    assert empty.headers["cache-control"].startswith("public")
    x, y = _tile_of(*RAUTATIENTORI, 5)
    low = client.get(f"/v1/regions/helsinki/tiles/5/{x}/{y}.pbf")
    assert low.status_code == 404
    assert low.json()["field"] == "z"
    assert "11..14" in low.json()["detail"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/regions/helsinki/tiles/14/16384/4742.pbf", "x"),
        ("/v1/regions/helsinki/tiles/14/9327/99999.pbf", "y"),
        ("/v1/regions/helsinki/tiles/0/1/0.pbf", "x"),
        ("/v1/regions/helsinki/tiles/25/0/0.pbf", "z"),
        ("/v1/regions/helsinki/tiles/-1/0/0.pbf", "z"),
        ("/v1/regions/helsinki/tiles/14/-3/0.pbf", "x"),
        ("/v1/regions/helsinki/tiles/14/a/0.pbf", "x"),
        ("/v1/regions/helsinki/tiles/14/0/1e3.pbf", "y"),
        ("/v1/regions/Hel..sinki/tiles/14/0/0.pbf", "name"),
    ],
)
def test_bad_tile_addresses_are_422_naming_the_part(client: TestClient, path: str, field: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


def test_unknown_regions_are_404(client: TestClient) -> None:
    for path in ("/v1/regions/atlantis/tiles.json", "/v1/regions/atlantis/tiles/14/9327/4742.pbf"):
        answer = client.get(path)
        assert answer.status_code == 404, answer.text
        assert "atlantis" in answer.json()["detail"]
    assert client.get("/v1/regions/helsinki/tiles/14/9327/4742.png").status_code == 404


def test_the_region_map_says_it_has_a_basemap(client: TestClient) -> None:
    assert client.post("/v1/users", json={"email": "tiles@example.org", "password": "correct horse"}).status_code == 201
    token = client.post("/v1/auth/token", json={"email": "tiles@example.org", "password": "correct horse"}).json()
    answer = client.get("/v1/regions/helsinki/map", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert answer.status_code == 200
    assert answer.json()["basemap"] is True


def _fields(data: bytes) -> Iterator[tuple[int, int, Any]]:
    """(field number, wire type, value) of one protobuf message: varints and length-delimited only."""
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
            yield field, wire, value
        elif wire == 2:
            size, i = _varint(data, i)
            yield field, wire, data[i : i + size]
            i += size
        else:
            msg = f"unexpected wire type {wire}"
            raise AssertionError(msg)


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def test_glyphs_are_sdf_ranges_of_our_fonts(client: TestClient) -> None:
    answer = client.get("/v1/fonts/Codriver%20Sans/0-255.pbf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/x-protobuf"
    assert answer.headers["cache-control"].startswith("public")
    ((_, _, stack),) = list(_fields(answer.content))  # glyphs.stacks
    parts = list(_fields(stack))
    assert (1, 2, b"Codriver Sans") in parts
    assert (2, 2, b"0-255") in parts
    glyphs = {}
    for field, _, value in parts:
        if field == 3:
            glyph = {f: v for f, _, v in _fields(value)}
            glyphs[glyph[1]] = glyph
    assert {ord(c) for c in "Helsinki Äö"} <= set(glyphs)
    capital = glyphs[ord("H")]
    width, height = capital[3], capital[4]
    assert 10 <= width <= 20
    assert 15 <= height <= 20
    assert len(capital[2]) == (width + 6) * (height + 6)  # a 3-px buffer around the glyph
    assert max(capital[2]) > 191 > min(capital[2])  # inside and outside the outline's 0.75 edge
    assert glyphs[ord(" ")][7] > 0  # a space has an advance and no bitmap
    assert 2 not in glyphs[ord(" ")]
    # the first font of a stack that we have; an unknown stack is 404; a bad range 422
    bold = client.get("/v1/fonts/Noto%20Sans%20Regular,Codriver%20Sans%20Bold/8192-8447.pbf")
    assert bold.status_code == 200
    assert b"Codriver Sans Bold" in bold.content
    assert client.get("/v1/fonts/Comic%20Sans/0-255.pbf").status_code == 404
    for bad in ("1-256", "0-511", "65536-65791"):
        refused = client.get(f"/v1/fonts/Codriver%20Sans/{bad}.pbf")
        assert refused.status_code == 422, (bad, refused.text)
