"""A :class:`PlaceCatalog` whose places, looked up by ID, carry OpenStreetMap's current tags (Overpass).

Searches (near a point, by attributes, along a drive with exact detours) are the
catalogue's: Overpass cannot compute detours, and every place a plan may use must be a
catalogue place. :meth:`RefreshingPlaces.get` asks Overpass for the place's tags as they
are now and answers with its current name and opening hours (evaluated like the
catalogue's, in the region's zone), everything else as imported. So a place whose hours
changed in OSM since the region was imported is seen closed when it now is.

Only catalogue IDs are sent (an unknown ID is the catalogue's :class:`PlaceNotFound`, no
request made). A place deleted from OSM is a :class:`PlaceNotFound` saying so. When
Overpass cannot answer (down, timing out, an answer we cannot read) the catalogue's answer
is given and the reason logged: the hours are then those imported, as without Overpass.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from codriver.errors import ToolError
from codriver.tools.geo import LatLon
from codriver.tools.opening_hours import hours_for
from codriver.tools.places._models import PlaceCatalog, PlaceQuery, PlaceResult
from codriver.tools.places._overpass import OverpassPlaces

__all__ = ["RefreshingPlaces"]

logger = logging.getLogger(__name__)


class RefreshingPlaces:
    """The catalogue's searches; a place got by ID refreshed from Overpass (see the module docstring).

    ``timezone`` is the region's IANA zone (the hours of a refreshed place are evaluated in it).
    """

    provider = "overpass"

    def __init__(self, catalogue: PlaceCatalog, overpass: OverpassPlaces, *, timezone: str) -> None:
        self.catalogue = catalogue
        self.overpass = overpass
        self.timezone = timezone

    async def search(self, query: PlaceQuery) -> list[PlaceResult]:
        """The catalogue's search (as imported)."""
        return await self.catalogue.search(query)

    async def along_route(
        self,
        origin: LatLon,
        destination: LatLon,
        waypoints: Sequence[LatLon] = (),
        query: PlaceQuery | None = None,
        *,
        max_detour_s: float,
        depart_at: datetime | None = None,
    ) -> list[PlaceResult]:
        """The catalogue's places along the drive, with exact detours (as imported)."""
        return await self.catalogue.along_route(
            origin, destination, waypoints, query, max_detour_s=max_detour_s, depart_at=depart_at
        )

    async def get(self, poi_id: str, *, at: datetime | None = None) -> PlaceResult:
        """The catalogue place with OSM's current name and opening hours, hours reported at ``at`` (default now).

        :class:`PlaceNotFound` when the catalogue lacks the ID or OSM no longer has the place.
        """
        found = await self.catalogue.get(poi_id, at=at)
        try:
            fresh = await self.overpass.refresh(poi_id)
        except ToolError as exc:
            logger.warning(
                "%s: answering from the catalogue as imported (Overpass could not refresh it: %s)", poi_id, exc
            )
            return found
        raw = fresh.tags.get("opening_hours")
        hours = hours_for(raw, lat=found.lat, lon=found.lon, timezone=self.timezone).status(found.hours.at)
        return found.model_copy(
            update={"name": fresh.tags.get("name", found.name), "opening_hours": raw, "hours": hours}
        )
