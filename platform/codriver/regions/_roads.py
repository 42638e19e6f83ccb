"""The drivable ways of an OSM extract, streamed with pyosmium into flat arrays.

One pass over the file: pyosmium keeps every node's location in its own (C++) index and
hands Python only the ways with a ``highway`` tag, their node references already located.
What Python keeps is a few numbers per way and per node reference, in typed arrays: no
per-way dictionaries, no geometries, no data frames. Memory grows with the drive network,
not with the whole extract.

The filter is osmnx's ``drive`` network as pyrosm writes it out (``driving``): a way is
left out when its ``highway`` is one that cars cannot use (footways, cycleways, tracks,
service roads, ways under construction, ...), when it is an area, when its ``service`` is
a parking aisle, driveway, alley, private or emergency access, or when the most specific
of its ``motorcar`` / ``motor_vehicle`` / ``vehicle`` / ``access`` tags closes it (``no``
or ``private``). A tag with several values (``private;delivery``) matches when one of
them does. Another network (walking) reads its ways through :func:`read_ways` with a
filter of its own.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["AREA", "CLOSED", "NOT_A_WAY", "Ways", "direction", "drivable", "listed", "read_ways"]

IntArray = npt.NDArray[np.int64]

# highway values that are never a way (yet, or any more), or not part of the street network
NOT_A_WAY = frozenset(
    {
        "abandoned",
        "construction",
        "no",
        "planned",
        "platform",
        "proposed",
        "raceway",
        "razed",
        "rest_area",
        "services",
    }
)
_EXCLUDED_HIGHWAY = NOT_A_WAY | frozenset(
    {
        # not for cars
        "bridleway",
        "bus_guideway",
        "busway",
        "corridor",
        "cycleway",
        "elevator",
        "escalator",
        "footway",
        "ladder",
        "path",
        "pedestrian",
        "steps",
        "track",
        "trail",
        "service",
    }
)
_EXCLUDED_SERVICE = frozenset({"emergency_access", "parking", "parking_aisle", "private", "alley", "driveway"})
AREA = frozenset({"yes"})
# The access tags of a car, most specific first: the first one present decides.
_ACCESS_KEYS = ("motorcar", "motor_vehicle", "vehicle", "access")
CLOSED = frozenset({"no", "private"})
_FORWARD = frozenset({"yes", "true", "1"})
_BACKWARD = frozenset({"-1", "reverse"})
_ROUNDABOUT = frozenset({"roundabout", "circular"})
# pyosmium's coordinates are integers in 1e-7 degrees; a missing node has this one.
_UNDEFINED = 2147483647


def listed(value: str, values: frozenset[str]) -> bool:
    """Whether ``value``, or one of its ``;``-separated values, is in ``values``."""
    return value in values or (";" in value and any(part.strip() in values for part in value.split(";")))


def drivable(tags: Any) -> bool:
    """Whether a way with these tags (a mapping or pyosmium's tag list) belongs to the drive network."""
    highway = tags.get("highway")
    if highway is None or listed(highway, _EXCLUDED_HIGHWAY):
        return False
    area = tags.get("area")
    if area is not None and listed(area, AREA):
        return False
    service = tags.get("service")
    if service is not None and listed(service, _EXCLUDED_SERVICE):
        return False
    for key in _ACCESS_KEYS:
        value = tags.get(key)
        if value is not None:
            return not listed(value, CLOSED)
    return True


def direction(tags: Any) -> int:
    """1 when a way may be driven only along its nodes, -1 only against them, 0 both ways."""
    oneway = (tags.get("oneway") or "").lower()
    if oneway in _BACKWARD:
        return -1
    if oneway in _FORWARD or (tags.get("junction") or "").lower() in _ROUNDABOUT:
        return 1
    return 0


@dataclass(frozen=True)
class Ways:
    """The ways of an extract that a network keeps, in file order.

    Per way: ``way_id``, ``oneway`` (see :func:`direction`), ``node_count`` and codes into
    the value lists ``highways``, ``names`` and ``maxspeeds`` (raw tag values, ``""`` when
    the tag is absent). Per node reference, the ways' references one after the other:
    ``ref`` (OSM node ID) and ``x``/``y`` in 1e-7 degrees, :data:`_UNDEFINED` where the
    node is not in the extract.
    """

    way_id: IntArray
    oneway: npt.NDArray[np.int8]
    node_count: IntArray
    highway: IntArray
    name: IntArray
    maxspeed: IntArray
    highways: list[str]
    names: list[str]
    maxspeeds: list[str]
    ref: IntArray
    x: IntArray
    y: IntArray

    @property
    def located(self) -> npt.NDArray[np.bool_]:
        """Whether each node reference has a location (its node is in the extract)."""
        return _located(self.x, self.y)


def _located(x: IntArray, y: IntArray) -> npt.NDArray[np.bool_]:
    return np.asarray((np.abs(x) <= 1_800_000_000) & (np.abs(y) <= 900_000_000))


def _code(table: dict[str, int], value: str) -> int:
    code = table.get(value)
    if code is None:
        code = table[value] = len(table)
    return code


def read_ways(path: Path, *, keep: Callable[[Any], bool] = drivable, one_way: Callable[[Any], int] = direction) -> Ways:
    """The ways of the OSM file at ``path`` with a ``highway`` tag that ``keep`` keeps, their nodes located.

    ``keep`` and ``one_way`` read a way's tags (pyosmium's tag list: ``tags.get(key)``);
    the defaults give the drive network (see :func:`drivable`, :func:`direction`). Raises
    what pyosmium raises for an unreadable file (``RuntimeError``, ``OSError``).
    """
    import osmium  # noqa: PLC0415  (only needed at import)

    way_id, node_count, oneway = array("q"), array("q"), array("b")
    highway, name, maxspeed = array("q"), array("q"), array("q")
    ref, x, y = array("q"), array("q"), array("q")
    highways: dict[str, int] = {}
    names: dict[str, int] = {}
    maxspeeds: dict[str, int] = {}
    reader = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    for way in reader:
        if not isinstance(way, osmium.osm.Way):
            continue
        tags = way.tags
        if not keep(tags):
            continue
        nodes = way.nodes
        way_id.append(way.id)
        node_count.append(len(nodes))
        oneway.append(one_way(tags))
        highway.append(_code(highways, tags.get("highway") or ""))
        name.append(_code(names, tags.get("name") or ""))
        maxspeed.append(_code(maxspeeds, tags.get("maxspeed") or ""))
        for node in nodes:
            ref.append(node.ref)
            x.append(node.x)
            y.append(node.y)
    refs, xs, ys = (
        np.frombuffer(ref, dtype=np.int64),
        np.frombuffer(x, dtype=np.int64),
        np.frombuffer(y, dtype=np.int64),
    )
    xs, ys = _locate_late_nodes(path, refs, xs, ys)
    return Ways(
        way_id=np.frombuffer(way_id, dtype=np.int64),
        oneway=np.frombuffer(oneway, dtype=np.int8),
        node_count=np.frombuffer(node_count, dtype=np.int64),
        highway=np.frombuffer(highway, dtype=np.int64),
        name=np.frombuffer(name, dtype=np.int64),
        maxspeed=np.frombuffer(maxspeed, dtype=np.int64),
        highways=list(highways),
        names=list(names),
        maxspeeds=list(maxspeeds),
        ref=refs,
        x=xs,
        y=ys,
    )


def _locate_late_nodes(path: Path, ref: IntArray, x: IntArray, y: IntArray) -> tuple[IntArray, IntArray]:
    """``x``/``y`` with the nodes that the file holds after the ways using them located too.

    In a sorted file (nodes, then ways, then relations: what extracts are) a node without
    a location is not in the file, and this costs one pass over the nodes in pyosmium's
    C++ filter. An unsorted file's late nodes are found in that pass, as pyrosm finds them.
    """
    import osmium  # noqa: PLC0415

    missing = ~_located(x, y)
    if not missing.any():
        return x, y
    wanted = np.unique(ref[missing])
    ids, found_x, found_y = array("q"), array("q"), array("q")
    for node in osmium.FileProcessor(str(path), osmium.osm.NODE).with_filter(osmium.filter.IdFilter(wanted.tolist())):
        if isinstance(node, osmium.osm.Node) and node.location.valid():
            ids.append(node.id)
            found_x.append(node.location.x)
            found_y.append(node.location.y)
    if not ids:
        return x, y
    found = np.frombuffer(ids, dtype=np.int64)
    order = np.argsort(found)
    found = found[order]
    at = np.flatnonzero(missing)
    where = np.minimum(np.searchsorted(found, ref[at]), len(found) - 1)
    hit = found[where] == ref[at]
    x, y = x.copy(), y.copy()
    x[at[hit]] = np.frombuffer(found_x, dtype=np.int64)[order][where[hit]]
    y[at[hit]] = np.frombuffer(found_y, dtype=np.int64)[order][where[hit]]
    return x, y
