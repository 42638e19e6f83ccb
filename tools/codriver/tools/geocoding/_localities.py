"""The towns, villages, districts and natural features of an OSM extract, for the gazetteer.

A region's catalogue holds the places one can visit; travellers also name where things are
("lunch in Schaan", "start in Triesen", "a day in Vaduz", "a view over the Rhine valley").
Those names are OSM's ``place=city|town|village|hamlet|suburb|quarter|neighbourhood|locality|
island|islet`` nodes, named peaks, capes and bays (``natural=*`` nodes), and named rivers,
canals, lakes, valleys and ridges (ways, placed at their middle node), with every name variant
(``name``, ``name:en``, ``alt_name`` ...). They are no catalogue places: a stop is never
planned at one. The gazetteer knows them so that such a name is not said to be missing from
the region, and a start or end given as a town gets its position.

Reading the nodes of an extract streams the file once (about 0.3 s for the embedded
Helsinki extract); the entries are kept in a small JSON file beside the graph cache, stamped
with the extract's size and modification time, so later processes read the file instead.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from codriver.tools.geocoding._gazetteer import GazetteerEntry, place_names

__all__ = ["LOCALITY_PLACES", "cached_locality_entries", "locality_entries"]

logger = logging.getLogger(__name__)

#: ``place=*`` values that name where things are, from a city down to a named district or island.
LOCALITY_PLACES = frozenset(
    {"city", "town", "village", "hamlet", "suburb", "quarter", "neighbourhood", "borough", "locality"}
    | {"island", "islet"}
)
#: ``natural=*`` nodes and ``waterway=*``/``natural=*`` ways whose names say where things are.
NATURAL_NODES = frozenset({"peak", "volcano", "cape", "bay", "spring", "valley", "saddle", "glacier"})
NATURAL_WAYS = frozenset({"river", "canal", "water", "bay", "valley", "ridge", "glacier", "mountain_range", "strait"})
_FORMAT = 2


def _kind(tags: dict[str, str], *, way: bool) -> str | None:
    if not way and tags.get("place") in LOCALITY_PLACES:
        return tags["place"]
    natural = tags.get("natural", "")
    if way:
        waterway = tags.get("waterway", "")
        return waterway if waterway in {"river", "canal"} else natural if natural in NATURAL_WAYS else None
    return natural if natural in NATURAL_NODES else None


def locality_entries(pbf: Path) -> list[GazetteerEntry]:
    """Every named town, district and natural feature (see the module) of the extract ``pbf``, sorted by name."""
    import osmium  # noqa: PLC0415  (pyosmium: only needed when an extract is read)

    entries: dict[tuple[str, str], GazetteerEntry] = {}
    reader = (
        osmium.FileProcessor(str(pbf), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.KeyFilter("place", "natural", "waterway"))
    )
    for item in reader:
        if isinstance(item, osmium.osm.Way):
            tags = {tag.k: tag.v for tag in item.tags}
            kind = _kind(tags, way=True)
            known = [n.location for n in item.nodes if n.location.valid()]
            at = known[len(known) // 2] if known else None  # a river is long: a point on it, not off it
        elif isinstance(item, osmium.osm.Node):
            tags = {tag.k: tag.v for tag in item.tags}
            kind = _kind(tags, way=False)
            at = item.location if item.location.valid() else None
        else:
            continue
        aliases = place_names(tags.get("name"), tags)
        if kind is None or not aliases:
            continue
        if at is None:
            continue
        entry = GazetteerEntry(
            name=aliases[0],
            lat=float(at.lat),
            lon=float(at.lon),
            kind="locality",
            place_id=None,
            category=kind,
            aliases=aliases,
        )
        entries.setdefault((entry.name, kind), entry)  # a village mapped twice, a river in many ways: one name
    return sorted(entries.values(), key=lambda e: (e.name, e.category or ""))


def _stamp(pbf: Path) -> list[int]:
    stat = pbf.stat()
    return [_FORMAT, stat.st_size, stat.st_mtime_ns]


def _read(path: Path, stamp: list[int] | None) -> list[GazetteerEntry] | None:
    """The kept entries; ``stamp`` None takes them whatever extract they came from (that extract is gone)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if stamp is not None and data.get("stamp") != stamp:
            return None
        return [
            GazetteerEntry(
                name=str(row["name"]),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                kind="locality",
                place_id=None,
                category=str(row["place"]),
                aliases=tuple(str(a) for a in row["aliases"]),
            )
            for row in data["localities"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(path: Path, stamp: list[int], entries: list[GazetteerEntry]) -> None:
    """Write atomically: a reader sees no file, the old one or the new one."""
    rows = [
        {"name": e.name, "lat": e.lat, "lon": e.lon, "place": e.category, "aliases": list(e.aliases)} for e in entries
    ]
    fd, tmp = tempfile.mkstemp(prefix=".localities-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump({"stamp": stamp, "localities": rows}, stream, ensure_ascii=False)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached_locality_entries(pbf: Path, path: Path) -> list[GazetteerEntry]:
    """:func:`locality_entries` of ``pbf``, read from ``path`` when it was built from that file.

    Otherwise they are read from the extract and written to ``path`` (a folder that cannot be
    written to only costs the read next time, with a warning). An extract that is gone or
    unreadable gives no localities, with a warning: the gazetteer still has its places and streets.
    """
    try:
        stamp = _stamp(pbf)
    except OSError:
        cached = _read(path, None)
        if cached is None:
            logger.warning("the extract %s is gone: no town or district names for the gazetteer", pbf)
        return cached or []
    entries = _read(path, stamp)
    if entries is not None:
        return entries
    try:
        entries = locality_entries(pbf)
    except (OSError, RuntimeError) as exc:
        logger.warning("could not read town and district names from %s (%s)", pbf, exc)
        return []
    try:
        _write(path, stamp, entries)
    except OSError as exc:
        logger.warning("could not keep the town names of %s in %s (%s): they are read again next time", pbf, path, exc)
    return entries
