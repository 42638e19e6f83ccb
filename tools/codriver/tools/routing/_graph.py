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
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

from codriver.errors import DataError

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["RoadGraph", "lightest_edges"]

_FORMAT = 1
_HEADERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}

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
        """Read a cache file written by :meth:`save`.

        The arrays are mapped from the file (read-only), read where and when used: routing
        never reads the street names and highway kinds (half the file), a walk never the times.
        """
        try:
            with np.load(path, allow_pickle=False) as data:
                if int(data["format"][0]) != _FORMAT:
                    msg = f"graph cache {path} has format {int(data['format'][0])}, expected {_FORMAT}"
                    raise DataError(msg)
                arrays = _mapped(path, data.zip, tuple(cls.__dataclass_fields__))
                for name in cls.__dataclass_fields__:
                    if name not in arrays:
                        arrays[name] = data[name]
                return cls(**arrays)
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


def _mapped(path: Path, archive: zipfile.ZipFile, names: tuple[str, ...]) -> dict[str, npt.NDArray[Any]]:
    """Read-only arrays mapped from the uncompressed members ``names`` of the ``.npz`` at ``path``.

    ``np.savez`` stores its members uncompressed: each is a ``.npy`` at a fixed offset of
    the file. A member that is compressed or absent is left out (read as usual).
    """
    mapped: dict[str, npt.NDArray[Any]] = {}
    with path.open("rb") as stream:
        for name in names:
            try:
                info = archive.getinfo(f"{name}.npy")
            except KeyError:
                continue
            if info.compress_type != zipfile.ZIP_STORED:
                continue
            stream.seek(info.header_offset)
            local = stream.read(30)  # the member's local header: name and extra field lengths at 26 and 28
            name_len, extra_len = int.from_bytes(local[26:28], "little"), int.from_bytes(local[28:30], "little")
            stream.seek(info.header_offset + 30 + name_len + extra_len)
            version = np.lib.format.read_magic(stream)
            if version not in _HEADERS:
                continue
            shape, fortran, dtype = _HEADERS[version](stream)
            if dtype.hasobject:
                continue
            order: Literal["F", "C"] = "F" if fortran else "C"
            array = np.memmap(path, dtype=dtype, mode="r", offset=stream.tell(), shape=shape, order=order)
            mapped[name] = array.view(np.ndarray)
    return mapped


def lightest_edges(
    graph: RoadGraph, weight: FloatArray, *, floor: float
) -> tuple[IntArray, slice | IntArray, csr_matrix]:
    """The lightest edge of each (u, v) pair by ``weight``, as a CSR matrix of ``max(weight, floor)``.

    Returns (``u * node_count + v`` of the edges kept, sorted; which edges of the graph
    they are, in the matrix's order; the matrix). A graph whose edges are already sorted
    by (u, v), one a pair (the importer writes them so), is taken as it is, without sorting.
    ``floor`` > 0: a stored zero would mean "no edge".
    """
    n = graph.node_count
    keys = graph.edge_u * n + graph.edge_v
    chosen: slice | IntArray = slice(None)
    if not bool(np.all(keys[1:] > keys[:-1])):
        order = np.lexsort((weight, graph.edge_v, graph.edge_u))
        keys = keys[order]
        first = np.concatenate(([True], keys[1:] != keys[:-1]))
        chosen, keys = order[first], keys[first]
    indptr = np.concatenate(([0], np.cumsum(np.bincount(graph.edge_u[chosen], minlength=n)))).astype(np.int32)
    matrix = csr_matrix(
        (np.maximum(weight[chosen], floor), graph.edge_v[chosen].astype(np.int32), indptr), shape=(n, n)
    )
    return keys, chosen, matrix
