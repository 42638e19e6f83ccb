"""A region's drive graph as flat arrays: what :class:`GraphRouter` routes on.

Built by the region importer (``codriver.regions``, osmnx conventions: edge ``length`` in
metres, ``speed_kph``, ``travel_time`` in seconds, the largest strongly connected
component) and cached as an ``.npz`` file without pickles, which loads in milliseconds.
The routing tools own the type so that they need nothing from the layer that imports
regions.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from codriver.errors import DataError

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["RoadGraph"]

_FORMAT = 1

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A directed drive graph as arrays; node and edge order is fixed by the cache."""

    node_osmid: IntArray
    lon: FloatArray
    lat: FloatArray
    edge_u: IntArray
    edge_v: IntArray
    length_m: FloatArray
    travel_time_s: FloatArray
    speed_kph: FloatArray
    way_id: IntArray
    highway: npt.NDArray[np.str_]
    name: npt.NDArray[np.str_]

    @property
    def node_count(self) -> int:
        return int(self.node_osmid.shape[0])

    @property
    def edge_count(self) -> int:
        return int(self.edge_u.shape[0])

    def bbox(self) -> tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat) of the nodes."""
        return (float(self.lon.min()), float(self.lat.min()), float(self.lon.max()), float(self.lat.max()))

    def save(self, path: Path) -> None:
        """Write the cache file atomically: a reader sees the old file or the new one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".graph-", suffix=".npz", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as stream:
                np.savez(
                    stream,
                    format=np.array([_FORMAT]),
                    **{name: getattr(self, name) for name in self.__dataclass_fields__},
                )
                stream.flush()
                os.fsync(stream.fileno())
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> RoadGraph:
        """Read a cache file written by :meth:`save`."""
        try:
            with np.load(path, allow_pickle=False) as data:
                if int(data["format"][0]) != _FORMAT:
                    msg = f"graph cache {path} has format {int(data['format'][0])}, expected {_FORMAT}"
                    raise DataError(msg)
                return cls(**{name: data[name] for name in cls.__dataclass_fields__})
        except (OSError, KeyError, ValueError) as exc:
            msg = f"graph cache {path} is unreadable ({exc}); re-import the region"
            raise DataError(msg) from exc

    def to_networkx(self) -> nx.MultiDiGraph:
        """The osmnx-compatible networkx ``MultiDiGraph`` (nodes keyed by OSM node ID)."""
        import networkx as nx  # noqa: PLC0415  (slow import; routing needs only the arrays)

        graph = nx.MultiDiGraph(crs="epsg:4326")
        for i in range(self.node_count):
            graph.add_node(int(self.node_osmid[i]), x=float(self.lon[i]), y=float(self.lat[i]))
        for e in range(self.edge_count):
            graph.add_edge(
                int(self.node_osmid[self.edge_u[e]]),
                int(self.node_osmid[self.edge_v[e]]),
                osmid=int(self.way_id[e]),
                length=float(self.length_m[e]),
                speed_kph=float(self.speed_kph[e]),
                travel_time=float(self.travel_time_s[e]),
                highway=str(self.highway[e]),
                name=str(self.name[e]) or None,
            )
        return graph
