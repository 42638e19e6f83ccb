"""A drive graph's street entries kept in a file beside it, so a new process need not rebuild them.

:func:`street_entries` reads every edge's name: 3.5-11 s on a graph of a million nodes
(3.8 M edges), the larger part of loading a region from the CLI. The file holds the
entries as flat arrays (``.npz`` without pickles) with the size and modification time of
the graph file they were built from; a file built from another graph is not used.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from codriver.tools.geocoding._gazetteer import GazetteerEntry, street_entries
from codriver.tools.routing import RoadGraph

__all__ = ["cached_street_entries"]

logger = logging.getLogger(__name__)

_FORMAT = 1


def _stamp(graph_file: Path) -> list[int]:
    stat = graph_file.stat()
    return [_FORMAT, stat.st_size, stat.st_mtime_ns]


def _read(path: Path, stamp: list[int]) -> list[GazetteerEntry] | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            if data["stamp"].tolist() != stamp:
                return None
            names, categories = data["name"].tolist(), data["category"].tolist()
            lat, lon = data["lat"].tolist(), data["lon"].tolist()
    except (OSError, KeyError, ValueError):
        return None
    return [
        GazetteerEntry(name=n, lat=y, lon=x, kind="street", place_id=None, category=c, aliases=(n,))
        for n, y, x, c in zip(names, lat, lon, categories, strict=True)
    ]


def _write(path: Path, stamp: list[int], entries: list[GazetteerEntry]) -> None:
    """Write atomically: a reader sees no file, the old one or the new one."""
    fd, tmp = tempfile.mkstemp(prefix=".streets-", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            np.savez(
                stream,
                stamp=np.array(stamp, dtype=np.int64),
                name=np.array([e.name for e in entries], dtype=np.str_),
                category=np.array([e.category or "" for e in entries], dtype=np.str_),  # always set for a street
                lat=np.array([e.lat for e in entries], dtype=float),
                lon=np.array([e.lon for e in entries], dtype=float),
            )
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached_street_entries(graph: RoadGraph, graph_file: Path, path: Path) -> list[GazetteerEntry]:
    """:func:`street_entries` of ``graph`` (loaded from ``graph_file``), read from ``path`` if built from that file.

    Otherwise they are built and written to ``path`` (a data folder that cannot be
    written to only costs the rebuild next time, with a warning).
    """
    stamp = _stamp(graph_file)
    entries = _read(path, stamp)
    if entries is not None:
        return entries
    entries = street_entries(graph)
    try:
        _write(path, stamp, entries)
    except OSError as exc:
        logger.warning(
            "could not keep the street names of %s in %s (%s): they are rebuilt next time", graph_file, path, exc
        )
    return entries
