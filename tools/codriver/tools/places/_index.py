"""An in-memory index of a region's places: NumPy columns and a KD-tree in metres.

Coordinates are projected once to a local equirectangular plane around the region's
mean latitude (metres, distortion well under 1 % across a city or a county), so radius
and corridor queries are plain Euclidean KD-tree queries. Attribute filters are vector
masks; the few per-value lookups (cuisine, diet) are precomputed index sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from codriver.tools.geo import EARTH_RADIUS_M
from codriver.tools.places._models import PlaceQuery

__all__ = ["PlaceEntry", "PlaceIndex"]

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_WHEELCHAIR_OK = {"yes", "designated"}
_DIET_OK = ("yes", "only")


@dataclass(frozen=True)
class PlaceEntry:
    """The catalogue fields of one place, detached from the database."""

    poi_id: str
    name: str | None
    category: str
    subcategory: str | None
    lat: float
    lon: float
    cuisine: tuple[str, ...] = ()
    diets: dict[str, str] = field(default_factory=dict)
    price_level: int | None = None
    fee: bool | None = None
    wheelchair: str | None = None
    opening_hours: str | None = None


class PlaceIndex:
    """Columns and a KD-tree over a fixed list of places (positions are row numbers)."""

    def __init__(self, entries: Sequence[PlaceEntry]) -> None:
        self.entries = list(entries)
        n = len(self.entries)
        self.lat = np.array([e.lat for e in self.entries], dtype=float)
        self.lon = np.array([e.lon for e in self.entries], dtype=float)
        self._lat0 = float(np.radians(self.lat.mean())) if n else 0.0
        self.xy = self.project(self.lat, self.lon)
        self.tree = cKDTree(self.xy) if n else None
        self.category = np.array([e.category for e in self.entries], dtype=object)
        self.wheelchair_ok = np.array(
            [(e.wheelchair or "").lower() in _WHEELCHAIR_OK for e in self.entries], dtype=bool
        )
        self.fee_yes = np.array([e.fee is True for e in self.entries], dtype=bool)
        self.price = np.array([e.price_level or 0 for e in self.entries], dtype=np.int64)
        self.name_cf = [(e.name or "").casefold() for e in self.entries]
        self.position = {e.poi_id: i for i, e in enumerate(self.entries)}
        self._cuisine: dict[str, list[int]] = {}
        self._diet: dict[tuple[str, str], list[int]] = {}
        for i, entry in enumerate(self.entries):
            for cuisine in entry.cuisine:
                self._cuisine.setdefault(cuisine, []).append(i)
            for diet, level in entry.diets.items():
                self._diet.setdefault((diet, level), []).append(i)
        # Rows in the order a search without a point lists them: by name, then by ID.
        self.by_name = np.array(
            sorted(range(n), key=lambda i: (self.name_cf[i] == "", self.name_cf[i], self.entries[i].poi_id)),
            dtype=np.int64,
        )

    def __len__(self) -> int:
        return len(self.entries)

    def project(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
        """(x, y) metres in the index's local plane for WGS84 degrees."""
        lat_r = np.radians(np.asarray(lat, dtype=float))
        lon_r = np.radians(np.asarray(lon, dtype=float))
        return np.column_stack((lon_r * np.cos(self._lat0) * EARTH_RADIUS_M, lat_r * EARTH_RADIUS_M))

    def _rows(self, positions: Iterable[int]) -> BoolArray:
        mask = np.zeros(len(self.entries), dtype=bool)
        mask[list(positions)] = True
        return mask

    def mask(self, query: PlaceQuery) -> BoolArray:
        """Places that pass every attribute filter of ``query`` (not hours, not distance)."""
        mask = np.ones(len(self.entries), dtype=bool)
        if query.categories:
            mask &= np.isin(self.category, query.categories)
        if query.cuisine:
            mask &= self._rows(i for c in query.cuisine for i in self._cuisine.get(c, ()))
        levels = (*_DIET_OK, "limited") if query.diet_limited_ok else _DIET_OK
        for diet in query.diets:
            mask &= self._rows(i for level in levels for i in self._diet.get((diet, level), ()))
        if query.max_price_level is not None:
            mask &= self.price <= query.max_price_level
        if query.no_fee:
            mask &= ~self.fee_yes
        if query.wheelchair:
            mask &= self.wheelchair_ok
        if query.name:
            needle = query.name.casefold()
            mask &= np.fromiter((needle in name for name in self.name_cf), dtype=bool, count=len(self.entries))
        return mask

    def within(self, xy: FloatArray, radius_m: float) -> IntArray:
        """Rows whose projected position is within ``radius_m`` of the point ``xy``."""
        if self.tree is None:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(sorted(self.tree.query_ball_point(xy, radius_m)), dtype=np.int64)
