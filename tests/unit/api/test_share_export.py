"""Share links (create, open signed out, revoke) and exports (GPX 1.1, iCalendar) of a trip."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import gpxpy
import pytest
from api_support import Api, trip_request
from icalendar import Calendar

GPX_NS = "{http://www.topografix.com/GPX/1/1}"
HELSINKI = ZoneInfo("Europe/Helsinki")


def _share(api: Api, headers: dict[str, str], trip_id: int) -> dict[str, str]:
    created = api.client.post(f"/v1/trips/{trip_id}/shares", headers=headers)
    assert created.status_code == 201, created.text
    return dict(created.json())


def test_a_share_link_opens_the_trip_read_only_until_revoked(api: Api) -> None:
    ann = api.user()
    trip = api.plan(ann)
    share = _share(api, ann, trip["id"])
    assert share["token"].startswith("cds_")
    assert share["url"].endswith(f"/#/shared/{share['token']}")

    seen = api.client.get(f"/v1/shared/{share['token']}")  # no credentials at all
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert body["title"] == trip["title"]
    assert body["itinerary"]["version"] == 1
    shown = body["itinerary"]["itinerary"]
    assert [s["poi_id"] for s in shown["stops"]] == [s["poi_id"] for s in trip["itinerary"]["itinerary"]["stops"]]
    assert shown["request"] is None, "the owner's request (their words, party, car) is not shared"
    assert not {"user_id", "vehicle_id", "request"} & set(body)
    assert seen.headers["cache-control"] == "private, no-cache"
    assert api.client.get(f"/v1/shared/{share['token']}/map").json()["name"] == "helsinki"

    # the link's token is shown once: the list has no tokens
    listed = api.client.get(f"/v1/trips/{trip['id']}/shares", headers=ann).json()
    assert listed == [{"id": share["id"], "created_at": share["created_at"], "revoked_at": None}]

    assert api.client.delete(f"/v1/trips/{trip['id']}/shares/{share['id']}", headers=ann).status_code == 204
    for path in ("", "/map", "/itinerary.gpx", "/itinerary.ics"):
        gone = api.client.get(f"/v1/shared/{share['token']}{path}")
        assert gone.status_code == 404, (path, gone.text)
        assert gone.json()["field"] == "token"
        assert "revoked" in gone.json()["detail"]
    assert api.client.get(f"/v1/trips/{trip['id']}/shares", headers=ann).json()[0]["revoked_at"] is not None
    # revoking again changes nothing; another link works on its own
    assert api.client.delete(f"/v1/trips/{trip['id']}/shares/{share['id']}", headers=ann).status_code == 204
    again = _share(api, ann, trip["id"])
    assert api.client.get(f"/v1/shared/{again['token']}").status_code == 200


@pytest.mark.parametrize(
    "token",
    ["cds_unknown", "nonsense", "cds_" + "x" * 43, "cdu_" + "x" * 43, "cds_a.b~c%20d", "cds_" + "é" * 20, "x" * 200],
)
def test_unknown_or_malformed_share_tokens_are_404(api: Api, token: str) -> None:
    for path in ("", "/map", "/itinerary.gpx", "/itinerary.ics"):
        answer = api.client.get(f"/v1/shared/{token}{path}")
        assert answer.status_code == 404, (token, path, answer.text)
        assert answer.json()["field"] == "token"
    # the input guards answer what no token can be: too long, or with a NUL
    assert api.client.get(f"/v1/shared/{'x' * 201}").status_code == 422
    assert api.client.get("/v1/shared/cds_%00").status_code == 422


def test_someone_elses_trip_cannot_be_shared_exported_or_revoked(api: Api) -> None:
    ann, bo = api.user(), api.user("bo@example.org")
    trip = api.plan(ann)
    share = _share(api, ann, trip["id"])
    tid = trip["id"]
    for method, path in [
        ("POST", f"/v1/trips/{tid}/shares"),
        ("GET", f"/v1/trips/{tid}/shares"),
        ("DELETE", f"/v1/trips/{tid}/shares/{share['id']}"),
        ("GET", f"/v1/trips/{tid}/itinerary.gpx"),
        ("GET", f"/v1/trips/{tid}/itinerary.ics"),
    ]:
        answer = api.client.request(method, path, headers=bo)
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.json()["field"] == "trip_id"
        signed_out = api.client.request(method, path)
        assert signed_out.status_code == 401, (method, path)
    # Bo's own trip cannot revoke Ann's link by its ID
    mine = api.plan(bo)
    wrong = api.client.delete(f"/v1/trips/{mine['id']}/shares/{share['id']}", headers=bo)
    assert wrong.status_code == 404
    assert wrong.json()["field"] == "share_id"
    assert api.client.get(f"/v1/shared/{share['token']}").status_code == 200
    # a head-unit key is not a web-app user
    key = api.key(ann, api.vehicle(ann))
    assert api.client.post(f"/v1/trips/{tid}/shares", headers=key).status_code == 403


def test_a_trip_without_a_plan_has_nothing_to_export(api: Api) -> None:
    ann = api.user()
    draft = api.client.post("/v1/trips", json={"title": "Draft", "request": trip_request()}, headers=ann).json()
    for kind in ("gpx", "ics"):
        answer = api.client.get(f"/v1/trips/{draft['id']}/itinerary.{kind}", headers=ann)
        assert answer.status_code == 404
        assert answer.json()["field"] == "version"
    share = _share(api, ann, draft["id"])
    assert api.client.get(f"/v1/shared/{share['token']}").json()["itinerary"] is None
    assert api.client.get(f"/v1/shared/{share['token']}/itinerary.gpx").status_code == 404
    assert api.client.get(f"/v1/trips/{draft['id']}/itinerary.gpx?version=0", headers=ann).status_code == 422
    assert api.client.get(f"/v1/trips/{draft['id']}/itinerary.gpx?version=3", headers=ann).status_code == 404


def test_gpx_export_is_gpx_1_1_with_stops_route_and_track(api: Api) -> None:
    ann = api.user()
    trip = api.plan(ann)
    itinerary = trip["itinerary"]["itinerary"]
    answer = api.client.get(f"/v1/trips/{trip['id']}/itinerary.gpx", headers=ann)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/gpx+xml"
    assert answer.headers["content-disposition"] == 'attachment; filename="ateneum-and-kiasma-mon-1-jun.gpx"'
    root = ET.fromstring(answer.content)
    assert root.tag == f"{GPX_NS}gpx"
    assert root.get("version") == "1.1"
    assert root.get("creator") == "Codriver"
    # GPX 1.1's schema orders the children: metadata, wpt*, rte*, trk*
    order = [child.tag.removeprefix(GPX_NS) for child in root]
    assert order == ["metadata", *["wpt"] * len(itinerary["stops"]), "rte", "trk"]

    gpx = gpxpy.parse(answer.text)
    assert gpx.name == trip["title"]
    stops = itinerary["stops"]
    assert [(w.name, w.type) for w in gpx.waypoints] == [(s["name"], s["kind"]) for s in stops]
    assert [(w.latitude, w.longitude) for w in gpx.waypoints] == [(s["lat"], s["lon"]) for s in stops]
    first_visit = gpx.waypoints[1]
    assert first_visit.time == datetime.fromisoformat(stops[1]["arrive_at"]).replace(microsecond=0)
    assert stops[1]["explanation"] in (first_visit.description or "")
    assert [p.name for p in gpx.routes[0].points] == [s["name"] for s in stops]
    segments = gpx.tracks[0].segments
    assert len(segments) == len(itinerary["legs"])
    for segment, leg in zip(segments, itinerary["legs"], strict=True):
        assert [[p.longitude, p.latitude] for p in segment.points] == leg["geometry"]["coordinates"]


def test_ics_export_has_one_event_per_stop_in_the_trips_zone(api: Api) -> None:
    ann = api.user()
    trip = api.plan(ann)
    stops = trip["itinerary"]["itinerary"]["stops"]
    answer = api.client.get(f"/v1/trips/{trip['id']}/itinerary.ics", headers=ann)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert answer.headers["content-disposition"].endswith('.ics"')
    raw = answer.content.decode()
    assert raw.startswith("BEGIN:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n")), "lines are folded at 75 octets"
    assert "DTSTART;TZID=Europe/Helsinki:20260601T120000" in raw  # 09:00 UTC is 12:00 in Helsinki (summer)

    calendar = Calendar.from_ical(answer.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/Helsinki"]
    events = calendar.walk("VEVENT")
    assert len(events) == len(stops)
    for i, (event, stop) in enumerate(zip(events, stops, strict=True)):
        assert str(event["UID"]) == f"codriver-trip-{trip['id']}-stop-{i}@codriver"
        assert event["DTSTAMP"].dt.tzinfo is not None
        assert int(event["SEQUENCE"]) == 1
        start = event["DTSTART"].dt
        assert start.tzinfo is not None
        assert start.tzinfo.key == "Europe/Helsinki"  # type: ignore[union-attr]
        # iCalendar times are whole seconds
        assert start == datetime.fromisoformat(stop["arrive_at"] or stop["depart_at"]).replace(microsecond=0)
        if stop["arrive_at"] and stop["depart_at"]:
            assert event["DTEND"].dt == datetime.fromisoformat(stop["depart_at"]).replace(microsecond=0)
            assert event["DTEND"].dt.astimezone(HELSINKI).hour == event["DTEND"].dt.hour
        else:
            assert "DTEND" not in event
        assert str(event["LOCATION"]) == stop["name"]
        assert (event["GEO"].latitude, event["GEO"].longitude) == pytest.approx((stop["lat"], stop["lon"]))
        assert str(event["URL"]).endswith(f"/#/trips/{trip['id']}")
    # an older version can be exported by number; other formats are not offered
    older = api.client.get(f"/v1/trips/{trip['id']}/itinerary.ics?version=1", headers=ann)
    assert older.status_code == 200
    pdf = api.client.get(f"/v1/trips/{trip['id']}/itinerary.pdf", headers=ann)
    assert (pdf.status_code, pdf.json()["field"]) == (422, "kind")
