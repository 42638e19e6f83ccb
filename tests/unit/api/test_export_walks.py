"""Park and walk in the GPX export: drives and walks are separate tracks."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import gpxpy

from codriver.api._exports import itinerary_gpx
from codriver.planning import Itinerary, ItineraryLeg, ItineraryStop, ParkingSpot

ZONE = ZoneInfo("Europe/Helsinki")


def _stop(name: str, kind: str, lat: float, lon: float, hour: int) -> ItineraryStop:
    at = datetime(2026, 6, 1, hour, tzinfo=ZONE)
    return ItineraryStop(
        poi_id=None if kind in {"start", "end"} else f"osm:node/{hour}",
        name=name,
        kind=kind,  # type: ignore[arg-type]
        lat=lat,
        lon=lon,
        arrive_at=None if kind == "start" else at,
        depart_at=None if kind == "end" else at,
    )


def _line(*points: tuple[float, float]) -> dict[str, object]:
    return {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in points]}


def test_walks_are_their_own_track_and_drives_keep_theirs() -> None:
    home, museum, cafe = (60.170, 24.930), (60.171, 24.940), (60.172, 24.941)
    park = (60.1705, 24.9395)
    itinerary = Itinerary(
        stops=[
            _stop("Home", "start", *home, 10),
            _stop("Museum", "visit", *museum, 11),
            _stop("Cafe", "meal", *cafe, 12),
            _stop("Home", "end", *home, 13),
        ],
        legs=[
            ItineraryLeg(
                from_index=0,
                distance_m=900,
                duration_s=120,
                geometry=_line(home, park),
                walk_m=80,
                walk_s=60,
                park=ParkingSpot(poi_id="osm:node/7", name="Car park", lat=park[0], lon=park[1]),
                walk_geometry=[_line(park, museum)],
            ),
            ItineraryLeg(from_index=1, mode="walk", distance_m=150, duration_s=115, geometry=_line(museum, cafe)),
            ItineraryLeg(
                from_index=2,
                distance_m=950,
                duration_s=130,
                geometry=_line(park, home),
                walk_m=190,
                walk_s=146,
                walk_geometry=[_line(cafe, park)],
            ),
        ],
    )
    gpx = gpxpy.parse(itinerary_gpx(itinerary, title="Day").decode())
    drives, walks = gpx.tracks
    assert [[[p.latitude, p.longitude] for p in s.points] for s in drives.segments] == [
        [list(home), list(park)],
        [list(park), list(home)],
    ]
    assert [[[p.latitude, p.longitude] for p in s.points] for s in walks.segments] == [
        [list(park), list(museum)],
        [list(museum), list(cafe)],
        [list(cafe), list(park)],
    ]
    assert walks.name == "Day: walks"
