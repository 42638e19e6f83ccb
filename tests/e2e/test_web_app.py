"""Done when: in a real browser, register, plan a Helsinki trip from free text, see it, change it.

A real ``codriver serve`` (subprocess on 127.0.0.1, SQLite in a temporary data directory,
the embedded region and the default assistant with the embedded model) serves the web app
at ``/``; headless Chromium (Debian's, driven by Playwright) registers, plans a trip from
free text, checks the stops on the map and the timeline against the API, replaces a stop
from its alternatives, moves the return time, rates a stop, and looks at it on a phone.
Screenshots go to ``artifacts/screenshots/``. Any console error or uncaught exception fails.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from serve_support import ServeProcess
from web_support import DESKTOP, PHONE, ConsoleWatch, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

TEXT = "Sunday with the kids, a museum, vegan lunch, back by 18:00, EV at 40 %"
START = "Rautatientori"  # a square of central Helsinki, in the region's gazetteer
PLAN_TIMEOUT_MS = 180_000


def _api(base: str, page: Page) -> httpx.Client:
    token = page.evaluate("localStorage.getItem('codriver.token')")
    assert token, "signed in, the app keeps its bearer token"
    return httpx.Client(base_url=f"{base}/v1", headers={"Authorization": f"Bearer {token}"}, timeout=60)


def _trip_id(page: Page) -> int:
    match = re.fullmatch(r"#/trips/(\d+)", page.evaluate("location.hash"))
    assert match, page.evaluate("location.hash")
    return int(match.group(1))


def _stop_names(page: Page) -> list[str]:
    return [
        n.strip()
        for n in page.locator("ol.timeline li.stop .stop-name").evaluate_all(
            "els => els.map(e => e.lastChild.textContent)"
        )
    ]


def _check_trip_page(page: Page, itinerary: dict[str, Any]) -> None:
    """The map and the timeline show exactly the itinerary's stops, route and explanations."""
    stops = itinerary["stops"]
    inner = [s for s in stops if s["kind"] not in {"start", "end"}]
    assert inner, "the plan has stops between start and end"
    timeline = page.locator("ol.timeline li.stop")
    assert timeline.count() == len(stops)
    assert _stop_names(page)[1:-1] == [s["name"] for s in inner]
    for i, stop in enumerate(stops):
        item = timeline.nth(i)
        if stop["kind"] in {"visit", "meal", "charge", "fuel"}:
            assert stop["explanation"]
            assert item.locator(".why").inner_text() == stop["explanation"]
            assert item.locator(".times").inner_text().startswith("Arrive ")
        if stop.get("soc_after") is not None:
            assert "→" in item.locator(".charge").inner_text()
    # the verifier's findings, each in plain words: no code such as HOURS_UNKNOWN in what a traveller reads
    findings = page.locator(".problems li.violation")
    assert findings.count() == len(itinerary["violations"])
    if itinerary["violations"]:
        assert not re.search(r"\b[A-Z]{3,}_[A-Z_]+\b", page.locator(".problems").inner_text())
        assert sorted(findings.evaluate_all("els => els.map(e => e.dataset.code)")) == sorted(
            v["code"] for v in itinerary["violations"]
        )
    # the map: one marker per stop, a drawn route per leg, roads of the region under them
    page.wait_for_selector(".map-svg .markers .marker")
    assert page.locator(".map-svg .marker").count() == len(stops)
    labels = page.locator(".map-svg .marker text").evaluate_all("els => els.map(e => e.textContent)")
    assert sorted(labels) == sorted(["S", "E", *[str(i) for i in range(1, len(stops) - 1)]])
    drives = [leg for leg in itinerary["legs"] if leg.get("mode", "drive") == "drive"]
    drawn_legs = [leg for leg in drives if len(leg["geometry"]["coordinates"]) >= 2]
    assert page.locator(".map-svg path.route-line").count() == len(drawn_legs)
    # park and walk: walking legs and the walks to and from the parked car are drawn dotted, not as drives
    walks = [leg["geometry"] for leg in itinerary["legs"] if leg.get("mode") == "walk"]
    walks += [line for leg in drives for line in leg.get("walk_geometry", [])]
    drawn_walks = [w for w in walks if len(w["coordinates"]) >= 2]
    assert page.locator(".map-svg path.route-walk").count() == len(drawn_walks)
    assert len(drawn_legs) + len(drawn_walks) >= 1  # a day walked from the start drives nowhere
    parked = [leg for leg in drives if leg.get("park")]
    assert page.locator(".map-svg .parking").count() == len(parked)
    walk_items = page.locator("ol.timeline li.leg.walk")
    assert walk_items.count() == sum(1 for leg in itinerary["legs"] if leg.get("mode") == "walk")
    for k in range(walk_items.count()):
        assert "the car stays parked" in walk_items.nth(k).inner_text()
    assert page.locator(".map-svg path.road").count() >= 1, "the region's roads are drawn"
    assert "OpenStreetMap" in page.locator(".attribution").inner_text()
    # every marker lies inside the drawn view (the map is fit to the route)
    box = page.locator(".map-svg").bounding_box()
    assert box is not None
    for marker in page.locator(".map-svg .marker circle").all():
        m = marker.bounding_box()
        assert m is not None
        assert box["x"] <= m["x"] + m["width"] / 2 <= box["x"] + box["width"]
        assert box["y"] <= m["y"] + m["height"] / 2 <= box["y"] + box["height"]


def _check_accessible(page: Page) -> None:
    """Every control has a name: buttons their text or aria-label, fields a label."""
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('button, a[href]')]
              .filter(e => !(e.getAttribute('aria-label') || e.textContent).trim())
              .map(e => e.outerHTML)"""
    )
    assert unnamed == []
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
              .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
              .map(e => e.outerHTML)"""
    )
    assert unlabelled == []
    assert page.locator("div[onclick], span[onclick]").count() == 0


def _register(page: Page, base: str, email: str) -> None:
    """Open the app and create an account through the registration form (Enter submits)."""
    page.goto(f"{base}/")
    page.wait_for_url("**/#/login")
    page.get_by_role("heading", name="Plan car trips with Codriver").wait_for()
    _check_accessible(page)
    form = page.locator("form[aria-label='Create an account']")
    form.get_by_label("E-mail").fill(email)
    form.get_by_label("Password").fill("correct horse")
    form.get_by_label("Password").press("Enter")
    page.get_by_role("heading", name="Your trips").wait_for()
    _check_accessible(page)


def test_plan_see_and_change_a_trip_in_the_browser(web_server: ServeProcess, browser: Browser) -> None:
    watch = ConsoleWatch()
    page = watch.watch(browser.new_page(viewport=DESKTOP))
    page.set_default_timeout(30_000)
    _register(page, web_server.url, "ann@example.org")
    assert "No trips yet" in page.locator("main").inner_text()

    # plan from free text: progress while the agents plan, then the trip
    page.get_by_role("link", name="Plan a new trip").click()
    page.get_by_label("What would you like to do?").fill(TEXT)
    page.get_by_label("Start from").fill(START)
    page.get_by_role("button", name="Plan from text").click()
    page.locator("ol.timeline").wait_for(timeout=PLAN_TIMEOUT_MS)
    trip_id = _trip_id(page)
    with _api(web_server.url, page) as api:
        trip = api.get(f"/trips/{trip_id}").json()
    assert trip["current_version"] == 1
    request = trip["request"]
    assert request["diet"] == ["vegan"]
    assert request["party"]["children"] >= 1
    assert request["vehicle"]["powertrain"] == "ev"
    assert request["vehicle"]["soc"] == pytest.approx(0.4)
    itinerary = trip["itinerary"]["itinerary"]
    assert itinerary["region"] == "helsinki"
    _check_trip_page(page, itinerary)
    assert any(s["kind"] == "meal" for s in itinerary["stops"]), "the vegan lunch is planned"
    page.get_by_text("Version 1 (current)").wait_for(state="attached")
    _check_accessible(page)
    screenshot(page, "trip-desktop")

    # replace a visit from its grounded alternatives (keyboard: Enter on real buttons)
    index = next(i for i, s in enumerate(itinerary["stops"]) if s["kind"] in {"visit", "meal"})
    old = itinerary["stops"][index]
    item = page.locator(f"#stop-{index}")
    item.get_by_role("button", name=f"Replace {old['name']}").press("Enter")
    choices = item.locator("li.alternative")
    choices.first.wait_for(timeout=60_000)
    with _api(web_server.url, page) as api:
        offered = api.get(f"/trips/{trip_id}/stops/{index}/alternatives", params={"limit": 8}).json()
    assert [c.get_attribute("data-poi") for c in choices.all()] == [a["poi_id"] for a in offered]
    assert all(a["poi_id"].startswith("osm:") for a in offered)
    chosen = offered[0]
    screenshot(page, "trip-alternatives")
    choices.first.get_by_role("button").press("Enter")
    page.locator("#diff-title").filter(has_text="version 2 against version 1").wait_for(timeout=PLAN_TIMEOUT_MS)
    diff = page.locator("section.diff")
    assert old["name"] in diff.locator("ul.removed").inner_text()
    assert (chosen["name"] or chosen["category"]) in diff.locator("ul.added").inner_text()
    with _api(web_server.url, page) as api:
        trip = api.get(f"/trips/{trip_id}").json()
    assert trip["current_version"] == 2
    itinerary = trip["itinerary"]["itinerary"]
    assert chosen["poi_id"] in [s["poi_id"] for s in itinerary["stops"]]
    assert old["poi_id"] not in [s["poi_id"] for s in itinerary["stops"]]
    _check_trip_page(page, itinerary)
    assert "Version 2 (current)" in page.locator("#version-select").inner_text()
    screenshot(page, "trip-replaced-desktop")

    # move the return time an hour earlier: version 3, every stop before it
    page.get_by_label("Be back by").fill("17:00")
    page.get_by_role("button", name="Move return time").click()
    page.locator("#diff-title").filter(has_text="version 3 against version 2").wait_for(timeout=PLAN_TIMEOUT_MS)
    with _api(web_server.url, page) as api:
        trip = api.get(f"/trips/{trip_id}").json()
    assert trip["request"]["return_by"].startswith(request["return_by"][:11] + "17:00")
    itinerary = trip["itinerary"]["itinerary"]
    _check_trip_page(page, itinerary)
    assert itinerary["stops"][-1]["arrive_at"] <= trip["request"]["return_by"]

    # rate a stop: stored as feedback on that place
    stop = next(s for s in itinerary["stops"] if s["kind"] in {"visit", "meal"})
    page.get_by_label(f"Your rating of {stop['name']}").select_option("4")
    page.get_by_role("button", name=f"Rate {stop['name']}").click()
    page.get_by_text(f"You rated {stop['name']} 4/5").wait_for()
    with _api(web_server.url, page) as api:
        feedback = api.get(f"/trips/{trip_id}/feedback").json()
    assert [(f["place_id"], f["rating"]) for f in feedback] == [(stop["poi_id"], 4)]

    # a version made elsewhere (the car reports a delay) is announced over the stream
    with _api(web_server.url, page) as api:
        now = page.evaluate("new Date().toISOString()")
        event = {"kind": "delay", "minutes": 10, "occurred_at": now, "idempotency_key": "web-e2e-delay"}
        answer = api.post(f"/trips/{trip_id}/events", json=event)
        assert answer.status_code in {200, 201}, answer.text
        assert answer.json()["itinerary_version"] == 4
    page.get_by_role("button", name="Show version 4").click()
    page.locator("#diff-title").filter(has_text="version 4 against version 3").wait_for()
    assert "Version 4 (current)" in page.locator("#version-select").inner_text()
    with _api(web_server.url, page) as api:
        itinerary = api.get(f"/trips/{trip_id}").json()["itinerary"]["itinerary"]
    _check_trip_page(page, itinerary)

    # chat: the planner reads the wish and re-plans (version 5)
    page.get_by_label("Message the planner").fill("add a café")
    page.get_by_label("Message the planner").press("Enter")
    page.locator("ol.chat-log li.from-planner").wait_for(timeout=PLAN_TIMEOUT_MS)
    page.locator("#diff-title").filter(has_text="version 5 against version 4").wait_for(timeout=PLAN_TIMEOUT_MS)
    with _api(web_server.url, page) as api:
        trip = api.get(f"/trips/{trip_id}").json()
    assert trip["request"]["interests"].get("cafe", 0) > 0
    assert "Re-planning" in page.locator("ol.chat-log li.from-planner").inner_text()
    itinerary = trip["itinerary"]["itinerary"]
    _check_trip_page(page, itinerary)

    # remove a stop: version 6 goes without that place
    gone = next(s for s in itinerary["stops"] if s["kind"] in {"visit", "meal"})
    page.get_by_role("button", name=f"Remove {gone['name']}", exact=True).click()  # not "... and fill the gap"
    page.locator("#diff-title").filter(has_text="version 6 against version 5").wait_for(timeout=PLAN_TIMEOUT_MS)
    assert gone["name"] in page.locator("section.diff ul.removed").inner_text()
    with _api(web_server.url, page) as api:
        itinerary = api.get(f"/trips/{trip_id}").json()["itinerary"]["itinerary"]
    assert gone["poi_id"] not in [s["poi_id"] for s in itinerary["stops"]]
    _check_trip_page(page, itinerary)

    # an earlier version, read-only
    page.get_by_label("Itinerary version").select_option("1")
    page.get_by_text("You are looking at an older version (1)").wait_for()
    assert page.get_by_role("button", name=re.compile("^Replace ")).count() == 0
    with _api(web_server.url, page) as api:
        first = api.get(f"/trips/{trip_id}/itineraries/1").json()["itinerary"]
    _check_trip_page(page, first)
    page.get_by_role("button", name="Show the current one").click()
    page.locator("#version-select").filter(has_text="Version 6 (current)").wait_for()

    # the same trip on a phone: one column, nothing wider than the screen
    phone = watch.watch(browser.new_page(viewport=PHONE))
    phone.goto(f"{web_server.url}/")
    token = page.evaluate("localStorage.getItem('codriver.token')")
    phone.evaluate("token => localStorage.setItem('codriver.token', token)", token)
    phone.goto(f"{web_server.url}/#/trips/{trip_id}")
    phone.locator("ol.timeline").wait_for()
    _check_trip_page(phone, itinerary)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "trip-phone")

    # the trip history lists it
    page.get_by_role("link", name="Trips", exact=True).click()
    page.get_by_role("link", name=trip["title"]).wait_for()
    assert watch.errors == []


def test_preferences_then_plan_with_the_form(web_server: ServeProcess, browser: Browser) -> None:
    """Preferences saved on their page fill the trip form; the form's request is planned as asked."""
    watch = ConsoleWatch()
    page = watch.watch(browser.new_page(viewport=PHONE))
    page.set_default_timeout(30_000)
    _register(page, web_server.url, "bo@example.org")

    page.get_by_role("link", name="Preferences").click()
    page.get_by_role("heading", name="Preferences", exact=True).wait_for()
    _check_accessible(page)
    page.get_by_label("Vegetarian").check()
    page.get_by_label("Gallery").check()
    page.get_by_label("Charging networks").fill("Helen, K-Lataus")
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_text("Preferences saved.").wait_for()
    page.get_by_label("Name", exact=True).fill("Kona")
    page.get_by_role("button", name="Add vehicle").click()
    page.get_by_text("Added Kona.").wait_for()
    with _api(web_server.url, page) as api:
        prefs = api.get("/preferences").json()
        vehicles = api.get("/vehicles").json()
    assert prefs["diet"] == ["vegetarian"]
    assert prefs["interests"] == {"gallery": 1.0}
    assert prefs["charging_networks"] == ["Helen", "K-Lataus"]
    assert [(v["name"], v["powertrain"], sorted(v["connectors"])) for v in vehicles] == [
        ("Kona", "ev", ["ccs", "type2"])
    ]
    screenshot(page, "preferences-phone")

    page.get_by_role("link", name="New trip").click()
    page.get_by_role("heading", name="Plan a new trip").wait_for()
    assert page.get_by_label("Vegetarian").is_checked(), "the form starts from the preferences"
    assert page.get_by_label("Gallery").is_checked()
    page.get_by_label("Title").fill("Galleries and lunch")
    page.get_by_label("Leave at").fill("10:00")
    page.get_by_label("Back by").fill("16:00")
    page.locator("form[aria-labelledby='form-title']").get_by_label("Vehicle").select_option(label="Kona (EV)")
    page.get_by_label("Charge or tank now (%)").fill("55")
    page.get_by_role("button", name="Plan this trip").click()
    page.locator("ol.timeline").wait_for(timeout=PLAN_TIMEOUT_MS)
    with _api(web_server.url, page) as api:
        trip = api.get(f"/trips/{_trip_id(page)}").json()
    assert trip["title"] == "Galleries and lunch"
    assert trip["vehicle_id"] == vehicles[0]["id"]
    request = trip["request"]
    assert request["diet"] == ["vegetarian"]
    assert request["interests"] == {"gallery": 1.0}
    assert request["vehicle"]["soc"] == pytest.approx(0.55)
    assert request["depart_at"][11:16] == "10:00"
    assert request["return_by"][11:16] == "16:00"
    itinerary = trip["itinerary"]["itinerary"]
    _check_trip_page(page, itinerary)
    assert page.locator("h1").inner_text() == "Galleries and lunch"
    assert watch.errors == []
