"""Done when: a planned trip is drawn on the region's own basemap (vector tiles drawn at import,
MapLibre GL vendored from npm, glyphs from the API), with street and place labels, the route and
the numbered markers on top; and without WebGL the SVG map draws the region's roads instead.

A real ``codriver serve`` (SQLite, the embedded Helsinki region, imported with tilemaker) and
Debian's headless Chromium (WebGL through its software renderer). The trip is planned from a
structured request through the API, so no language model is needed. Screenshots of the trip on
the basemap (desktop and phone) go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from PIL import Image
from serve_support import ServeProcess
from test_share_export_web import _request  # the same Sunday in Helsinki: museums, a park, lunch
from web_support import DESKTOP, IN_CI, PHONE, ConsoleWatch, require_chromium, screenshot

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

# streets of central Helsinki around the planned trip (any of them may be labelled)
CENTRAL_STREETS = {
    "Aleksanterinkatu", "Fabianinkatu", "Kaisaniemenkatu", "Kaivokatu", "Keskuskatu", "Kluuvikatu",
    "Mannerheimintie", "Mikonkatu", "Pohjoisesplanadi", "Unioninkatu", "Yliopistonkatu",
}  # fmt: skip
MAPLIBRE = Path(__file__).resolve().parents[2] / "platform/codriver/api/web/vendor/maplibre-gl/maplibre-gl.mjs"


@pytest.fixture(scope="module", autouse=True)
def _basemap_tools() -> None:
    """tilemaker and the vendored MapLibre (``make map-tools web-vendor``): skipped without them, failed in CI."""
    missing = [
        what for what, ok in (("tilemaker", shutil.which("tilemaker")), ("MapLibre", MAPLIBRE.is_file())) if not ok
    ]
    if missing:
        message = f"{' and '.join(missing)} missing: run 'make map-tools web-vendor'"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def no_webgl(browser: Browser) -> Iterator[Browser]:
    """Headless Chromium with WebGL switched off (launched by the same Playwright as ``browser``)."""
    launched = browser.browser_type.launch(
        executable_path=str(require_chromium()),
        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-webgl", "--disable-3d-apis"],
    )
    yield launched
    launched.close()


def _planned_trip(base: str, email: str) -> tuple[str, dict[str, Any]]:
    """A user's bearer token and a trip planned for them through the API."""
    with httpx.Client(base_url=f"{base}/v1", timeout=120) as api:
        assert api.post("/users", json={"email": email, "password": "correct horse"}).status_code == 201
        answer = api.post("/auth/token", json={"email": email, "password": "correct horse"})
        assert answer.status_code == 201, answer.text
        token = answer.json()["access_token"]
        planned = api.post("/plan", json={"request": _request()}, headers={"Authorization": f"Bearer {token}"})
        assert planned.status_code == 201, planned.text
    return token, planned.json()


def _open_trip(page: Page, base: str, token: str, trip_id: int) -> None:
    page.goto(f"{base}/")
    page.evaluate("token => localStorage.setItem('codriver.token', token)", token)
    page.goto(f"{base}/#/trips/{trip_id}")
    page.locator("ol.timeline").wait_for()
    page.wait_for_selector(".map-svg .markers .marker")


def _rendered(page: Page, layer: str) -> list[dict[str, Any]]:
    """Properties of the features MapLibre drew in ``layer``."""
    result: list[dict[str, Any]] = page.evaluate(
        """layer => document.querySelector('.map-frame .basemap').codriverMap
              .queryRenderedFeatures({layers: [layer]}).map(f => f.properties)""",
        layer,
    )
    return result


def _check_not_blank(png: bytes) -> None:
    """A loose check that the basemap drew something: many distinct colours, none covering almost all."""
    image = Image.open(io.BytesIO(png)).convert("RGB").resize((160, 100))
    colours = image.getcolors(maxcolors=160 * 100)
    assert colours is not None
    assert len(colours) > 200, f"only {len(colours)} colours: the map looks blank"
    assert max(count for count, _ in colours) < 0.8 * 160 * 100, "one colour covers the map"


def test_trip_on_the_basemap_with_labels(web_server: ServeProcess, browser: Browser) -> None:
    token, trip = _planned_trip(web_server.url, "basemap@example.org")
    itinerary = trip["itinerary"]["itinerary"]
    watch = ConsoleWatch()
    page = watch.watch(browser.new_page(viewport=DESKTOP))
    page.set_default_timeout(60_000)
    _open_trip(page, web_server.url, token, trip["id"])
    page.wait_for_selector(".map-frame.has-basemap[data-basemap='ready']")
    frame = page.locator(".map-frame")
    assert frame.locator(".basemap canvas.maplibregl-canvas").count() == 1
    # the trip on top: one marker per stop, one route line per drawn leg, the SVG's own roads hidden
    assert page.locator(".map-svg .marker").count() == len(itinerary["stops"])
    assert page.locator(".map-svg path.route-line").count() >= 1
    assert not page.locator(".map-svg .roads").is_visible()
    # street names of the region drawn by MapLibre, in the fonts served by the API
    streets = {p.get("name") for p in _rendered(page, "road-label")}
    streets.discard(None)
    assert len(streets) >= 3, streets
    assert streets & CENTRAL_STREETS, streets
    assert _rendered(page, "building"), "buildings drawn"
    assert _rendered(page, "green") or _rendered(page, "water"), "parks or water drawn"
    _check_not_blank(page.locator(".map-frame .basemap canvas").screenshot())
    # zooming the SVG map zooms the basemap with it
    before = page.evaluate("document.querySelector('.map-frame .basemap').codriverMap.getZoom()")
    page.get_by_role("button", name="Zoom in").click()
    after = page.evaluate("document.querySelector('.map-frame .basemap').codriverMap.getZoom()")
    assert after == pytest.approx(before + 0.3785, abs=0.01)  # log2(1.3)
    page.get_by_role("button", name="Fit the route").click()
    page.wait_for_function("document.querySelector('.map-frame .basemap').codriverMap.loaded()")
    screenshot(page, "trip-basemap-desktop")

    phone = watch.watch(browser.new_page(viewport=PHONE, device_scale_factor=2))
    phone.set_default_timeout(60_000)
    _open_trip(phone, web_server.url, token, trip["id"])
    phone.wait_for_selector(".map-frame.has-basemap[data-basemap='ready']")
    phone.locator(".map-frame").scroll_into_view_if_needed()
    screenshot(phone, "trip-basemap-phone")
    assert watch.errors == []


def test_without_webgl_the_svg_map_draws_the_roads(web_server: ServeProcess, no_webgl: Browser) -> None:
    token, trip = _planned_trip(web_server.url, "no-webgl@example.org")
    watch = ConsoleWatch()
    page = watch.watch(no_webgl.new_page(viewport=DESKTOP))
    page.set_default_timeout(60_000)
    _open_trip(page, web_server.url, token, trip["id"])
    assert page.evaluate("!document.createElement('canvas').getContext('webgl')"), "WebGL is off"
    assert page.locator(".map-svg path.road").count() >= 1
    assert page.locator(".map-svg .roads").is_visible(), "the SVG map draws the region's roads"
    page.wait_for_timeout(1000)  # time for a basemap that should not come
    assert page.locator(".map-frame .basemap").count() == 0
    assert "has-basemap" not in (page.locator(".map-frame").get_attribute("class") or "")
    assert watch.errors == []
