"""Exact fastest-time trees that search only as far as their targets: bounded Dijkstra, widened on demand.

SciPy's Dijkstra with a ``limit`` of L seconds settles exactly the nodes within L of the
source (their times and predecessors are those of an unbounded search) and leaves every
other node unreached. A search is done when all its targets are reached, or when no edge
leaves the set it reached (the unreached targets are unreachable from the source).
Otherwise it is run again with twice the limit. The first limit comes from a lower bound
of the farthest target's time (straight-line metres over the fastest road speed), so on a
big region a search from a place covers the disc its targets need, not the whole graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

__all__ = ["PathTree", "SearchBlock", "bounded_searches"]

#: Sources per SciPy call (one dense row of the graph's size each, times and predecessors).
CHUNK = 16
#: The smallest limit a search starts or widens to (seconds).
MIN_LIMIT_S = 60.0


@dataclass(frozen=True)
class SearchBlock:
    """Finished searches: ``rows`` (positions in the sources asked for) and their dense rows.

    ``times[k]`` are the seconds from source ``rows[k]`` to every node (inf where not reached
    within the search's limit, which is past every target); ``pred[k]`` its predecessor
    tree (-9999 at the root and the unreached), or None when not asked for.
    """

    rows: npt.NDArray[np.int64]
    times: npt.NDArray[np.float64]
    pred: npt.NDArray[np.int32] | None


def bounded_searches(
    graph: csr_matrix,
    edge_tail: npt.NDArray[np.int64],
    sources: npt.NDArray[np.int64],
    targets: npt.NDArray[np.int64],
    first_limits: npt.NDArray[np.float64],
    *,
    predecessors: bool,
) -> Iterator[SearchBlock]:
    """Searches from every source of ``graph`` (CSR, seconds) until each has reached all of ``targets``.

    ``edge_tail`` is the source node of each stored edge of ``graph`` (same order as its
    ``indices``); ``first_limits`` the seconds to search first from each source. Sources
    with close limits share a SciPy call of at most :data:`CHUNK` rows. Yields blocks as
    they finish, every source exactly once.
    """
    limits = np.maximum(np.asarray(first_limits, dtype=float), MIN_LIMIT_S)
    pending = np.arange(len(sources), dtype=np.int64)
    while len(pending):
        order = pending[np.argsort(limits[pending], kind="stable")]
        retry = []
        for start in range(0, len(order), CHUNK):
            rows = order[start : start + CHUNK]
            limit = float(limits[rows].max())
            found = dijkstra(
                graph, indices=sources[rows], limit=limit, return_predecessors=predecessors, min_only=False
            )
            times, pred = (found[0], found[1]) if predecessors else (found, None)
            times = np.atleast_2d(times)
            pred = None if pred is None else np.atleast_2d(pred)
            done = np.isfinite(times[:, targets]).all(axis=1)
            for k in np.flatnonzero(~done):
                done[k] = _closed(graph, edge_tail, np.isfinite(times[k]))
            if done.all():
                yield SearchBlock(rows, times, pred)
            elif done.any():
                keep = np.flatnonzero(done)
                yield SearchBlock(rows[keep], times[keep], None if pred is None else pred[keep])
            limits[rows[~done]] = limit * 2
            retry.append(rows[~done])
        pending = np.concatenate(retry) if retry else pending[:0]


def _closed(graph: csr_matrix, edge_tail: npt.NDArray[np.int64], reached: npt.NDArray[np.bool_]) -> bool:
    """Whether no edge leads from a reached node to an unreached one (the search reached all it can)."""
    return not bool(np.any(reached[edge_tail] & ~reached[graph.indices]))


@dataclass(frozen=True)
class PathTree:
    """Paths of one shortest-time tree: each node on them (sorted), its parent and its seconds from the root."""

    nodes: npt.NDArray[np.int64]
    parents: npt.NDArray[np.int64]
    seconds: npt.NDArray[np.float64]

    def _at(self, node: int) -> int | None:
        i = int(np.searchsorted(self.nodes, node))
        return i if i < len(self.nodes) and self.nodes[i] == node else None

    def path_to(self, root: int, target: int) -> tuple[list[int], float] | None:
        """Nodes from ``root`` to ``target`` and the seconds; None when the tree has no path there."""
        at = self._at(target)
        if at is None:
            return None
        seconds = float(self.seconds[at])
        path = [target]
        while at is not None:
            path.append(int(self.parents[at]))
            if path[-1] == root:
                return path[::-1], seconds
            at = self._at(path[-1])
        return None

    def merged(self, other: PathTree) -> PathTree:
        """This tree's steps, and ``other``'s at nodes this one lacks (both from the same root)."""
        nodes, first = np.unique(np.concatenate((self.nodes, other.nodes)), return_index=True)
        parents = np.concatenate((self.parents, other.parents))[first]
        seconds = np.concatenate((self.seconds, other.seconds))[first]
        return PathTree(nodes, parents, seconds)
