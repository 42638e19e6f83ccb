"""Fresh tags of one catalogue place from the Overpass API (OpenStreetMap, live).

One POST per place: ``[out:json][timeout:25];node(123);out tags center;``. Overpass
reports some failures inside a 200 answer (a ``remark`` such as "runtime error: Query
timed out"): those are errors, never "the element is gone". An answer without the
element means it was deleted from OpenStreetMap: :class:`PlaceNotFound`.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from pydantic import BaseModel, Field

from codriver.errors import InputError, PlaceNotFound, ToolBadResponse, ToolUnavailable
from codriver.tools._http import RetryPolicy, request_json
from codriver.tools.config import ExternalConfig

__all__ = ["URL_VARIABLE", "OverpassPlaces", "RefreshedTags", "parse_poi_id"]

_POI_ID = re.compile(r"^osm:(node|way|relation)/(\d+)$")
_PROVIDER = "Overpass API"
URL_VARIABLE = "CODRIVER_EXTERNAL__OVERPASS_URL"


def parse_poi_id(poi_id: str) -> tuple[str, int]:
    """``osm:node/123`` -> ("node", 123); anything else is an :class:`InputError`."""
    match = _POI_ID.match(poi_id.strip())
    if match is None:
        msg = f"{poi_id!r} is not a catalogue ID: expected osm:node/N, osm:way/N or osm:relation/N"
        raise InputError(msg, field="poi_id")
    return match.group(1), int(match.group(2))


class RefreshedTags(BaseModel):
    """The current OSM tags of a place, as Overpass returned them."""

    poi_id: str
    tags: dict[str, str]
    lat: float | None = Field(default=None, description="the node's position or the way's centre, when given")
    lon: float | None = None
    osm_base: str | None = Field(default=None, description="Overpass data timestamp (osm3s.timestamp_osm_base)")
    raw: dict[str, Any] = Field(description="the element as Overpass returned it")


class OverpassPlaces:
    """Refreshes catalogue places from Overpass; give it a shared ``httpx.AsyncClient``."""

    provider = "overpass"

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        url: str,
        policy: RetryPolicy | None = None,
        query_timeout_s: int = 25,
    ) -> None:
        self.client = client
        self.url = url
        self.policy = policy or RetryPolicy()
        self.query_timeout_s = query_timeout_s

    @classmethod
    def from_settings(cls, client: httpx.AsyncClient, external: ExternalConfig) -> OverpassPlaces:
        """The adapter for ``external.overpass_url`` with its timeout and retries; ToolUnavailable when unset."""
        if not external.overpass_url:
            msg = f"{_PROVIDER} is not configured: set {URL_VARIABLE} (e.g. https://overpass-api.de/api/interpreter)"
            raise ToolUnavailable(msg)
        policy = RetryPolicy(retries=external.http_retries, timeout_s=external.http_timeout_s)
        return cls(client, url=external.overpass_url, policy=policy)

    def query_for(self, poi_id: str) -> str:
        """The Overpass QL text that fetches the tags of ``poi_id``."""
        osm_type, osm_id = parse_poi_id(poi_id)
        return f"[out:json][timeout:{self.query_timeout_s}];{osm_type}({osm_id});out tags center;"

    async def refresh(self, poi_id: str) -> RefreshedTags:
        """The current tags of ``poi_id``; :class:`PlaceNotFound` when OSM no longer has it."""
        osm_type, osm_id = parse_poi_id(poi_id)
        body = await request_json(
            self.client,
            "POST",
            self.url,
            provider=_PROVIDER,
            policy=self.policy,
            data={"data": self.query_for(poi_id)},
        )
        if not isinstance(body, dict):
            msg = f"{_PROVIDER} answered {type(body).__name__} instead of a JSON object for {poi_id}"
            raise ToolBadResponse(msg)
        remark = body.get("remark")
        if remark:
            msg = f"{_PROVIDER} could not run the query for {poi_id}: {str(remark)[:200]}; try again later"
            raise ToolUnavailable(msg)
        elements = body.get("elements")
        if not isinstance(elements, list):
            msg = f"{_PROVIDER} answer for {poi_id} has no 'elements' list"
            raise ToolBadResponse(msg)
        element = next(
            (e for e in elements if isinstance(e, dict) and e.get("type") == osm_type and e.get("id") == osm_id),
            None,
        )
        if element is None:
            if elements:
                msg = f"{_PROVIDER} answered other elements than {poi_id}"
                raise ToolBadResponse(msg)
            msg = f"{poi_id} no longer exists in OpenStreetMap; drop it from the catalogue or re-import the region"
            raise PlaceNotFound(msg, field="poi_id")
        return _refreshed(poi_id, element, body)


def _refreshed(poi_id: str, element: dict[str, Any], body: dict[str, Any]) -> RefreshedTags:
    tags = element.get("tags", {})
    if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
        msg = f"{_PROVIDER} answered malformed tags for {poi_id}"
        raise ToolBadResponse(msg)
    center = element.get("center")
    position: dict[str, Any] = center if isinstance(center, dict) else element
    lat, lon = position.get("lat"), position.get("lon")
    if not (isinstance(lat, int | float) and isinstance(lon, int | float)):
        lat = lon = None
    osm3s = body.get("osm3s")
    base = osm3s.get("timestamp_osm_base") if isinstance(osm3s, dict) else None
    return RefreshedTags(
        poi_id=poi_id,
        tags=dict(tags),
        lat=float(lat) if lat is not None else None,
        lon=float(lon) if lon is not None else None,
        osm_base=str(base) if base else None,
        raw=element,
    )
