"""The region's gazetteer first, an online geocoder (Nominatim) for the names it cannot resolve.

Only a free-text name that the gazetteer answers :class:`PlaceNotFound` for is asked online;
catalogue IDs, ambiguous names and names the gazetteer resolves never leave the process.
Online answers outside the region's bounds are not used: :meth:`RegionalGeocoder.resolve`
says where the best of them lies instead.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from codriver.errors import InputError, PlaceNotFound, ToolError
from codriver.tools.geocoding._gazetteer import _CATALOGUE_ID, STREET_PREFIX, Gazetteer
from codriver.tools.geocoding._models import Geocoder, GeocodeResult

__all__ = ["Bounds", "RegionalGeocoder"]

logger = logging.getLogger(__name__)
_ASKED = 5


class Bounds(NamedTuple):
    """A box of WGS84 degrees, edges included."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        """Whether (``lat``, ``lon``) lies in the box."""
        return self.south <= lat <= self.north and self.west <= lon <= self.east


class RegionalGeocoder:
    """The :class:`~codriver.tools.geocoding.Geocoder` protocol: ``gazetteer``, then ``online`` within ``bounds``."""

    def __init__(self, gazetteer: Gazetteer, online: Geocoder, *, bounds: Bounds) -> None:
        self.gazetteer = gazetteer
        self.online = online
        self.bounds = bounds

    async def geocode(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        """The gazetteer's matches, or, for a name it cannot resolve, the online ones inside the bounds."""
        try:
            self.gazetteer.resolve(query)
        except PlaceNotFound:
            if _CATALOGUE_ID.match(query.strip()):
                return []
            return [r for r in await self.online.geocode(_online_text(query), limit=limit) if self._inside(r)]
        except InputError:
            pass  # ambiguous or empty: the gazetteer's candidates (or its error) are the answer
        return await self.gazetteer.geocode(query, limit=limit)

    async def resolve(self, text: str) -> GeocodeResult:
        """Exactly one place: the gazetteer's, else the online geocoder's best answer inside the bounds.

        Raises the gazetteer's :class:`PlaceNotFound` when the online geocoder has no answer
        inside the bounds (naming where its best answer lies, if it had one) or cannot be
        asked (the reason is logged and added); ambiguity is the gazetteer's
        :class:`~codriver.errors.InputError`.
        """
        try:
            return self.gazetteer.resolve(text)
        except PlaceNotFound as exc:
            if _CATALOGUE_ID.match(text.strip()):
                raise
            try:
                answers = await self.online.geocode(_online_text(text), limit=_ASKED)
            except ToolError as online_exc:
                logger.warning("the online geocoder could not be asked for %r: %s", text, online_exc)
                msg = f"{exc}; the online geocoder could not be asked ({online_exc})"
                raise PlaceNotFound(msg, field="place") from online_exc
            inside = [r for r in answers if self._inside(r)]
            if inside:
                return inside[0]
            if not answers:
                raise
            best = answers[0]
            msg = (
                f"{exc}; {best.source} found {best.matched or best.name!r} at {best.lat:.5f},{best.lon:.5f}, "
                f"outside the region ({self._describe()})"
            )
            raise PlaceNotFound(msg, field="place") from exc

    def _inside(self, result: GeocodeResult) -> bool:
        return self.bounds.contains(result.lat, result.lon)

    def _describe(self) -> str:
        b = self.bounds
        return f"lat {b.south:.4f}..{b.north:.4f}, lon {b.west:.4f}..{b.east:.4f}"


def _online_text(query: str) -> str:
    text = query.strip()
    return text[len(STREET_PREFIX) :].strip() if text.lower().startswith(STREET_PREFIX) else text
