"""The region's basemap: vector tiles (MBTiles) drawn from its OSM extract at import time.

Tiles come from Debian's ``tilemaker`` with a profile of our own (``tilemaker/config.json``
and ``tilemaker/process.lua``: layers ``water``, ``waterway``, ``green``, ``building``,
``road``, ``rail``, ``place``). They are a nicety: when tilemaker is missing or fails,
:func:`build_basemap` says why and the import goes on (the web app then draws its SVG map).

The tiles file sits beside the region's graph cache and shares its unique suffix
(``graph-<sha>-<id>.npz`` → ``tiles-<sha>-<id>.mbtiles``), so the region's row, which
names the graph cache, names its tiles too, and a re-import swaps both at its commit.
"""

from __future__ import annotations

import gzip
import logging
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from codriver.settings import Settings
from codriver.store import Region

__all__ = [
    "PROFILE_DIR",
    "TileSet",
    "basemap_path",
    "build_basemap",
    "decompress",
    "open_tiles",
    "tiles_file_for",
]

logger = logging.getLogger(__name__)

PROFILE_DIR = Path(__file__).resolve().parent / "tilemaker"
#: tilemaker's own time, seconds: a floor plus a share per MB of extract
_TIMEOUT_FLOOR_S = 120.0
_TIMEOUT_PER_MB_S = 10.0
#: how far beyond the region's bounds tiles are drawn, degrees (buildings cut by the bbox)
_PAD_DEG = 0.002


def tiles_file_for(graph_cache: Path) -> Path:
    """The tiles file that belongs to a graph cache file (same folder, same unique suffix)."""
    return graph_cache.with_name("tiles-" + graph_cache.stem.removeprefix("graph-") + ".mbtiles")


def basemap_path(settings: Settings, region: Region) -> Path | None:
    """The region's tiles file, or None when its import drew none."""
    path = tiles_file_for(settings.data_dir / region.graph_path)
    return path if path.is_file() else None


def _trim(source: Path, target: Path) -> None:
    """``source`` without references to objects the extract lacks (tilemaker aborts on them).

    Clipped extracts keep ways whose nodes were cut and relations whose members were: each
    way keeps the nodes present (dropped when fewer than two remain), each relation the
    members present.
    """
    import osmium  # noqa: PLC0415  (only needed at import)

    nodes: set[int] = set()
    ways: set[int] = set()
    for obj in osmium.FileProcessor(str(source), osmium.osm.NODE | osmium.osm.WAY):
        if isinstance(obj, osmium.osm.Node):
            nodes.add(obj.id)
        elif isinstance(obj, osmium.osm.Way) and sum(n.ref in nodes for n in obj.nodes) >= 2:
            ways.add(obj.id)
    writer = osmium.SimpleWriter(str(target))
    try:
        for obj in osmium.FileProcessor(str(source)):
            if isinstance(obj, osmium.osm.Node):
                writer.add_node(obj)
            elif isinstance(obj, osmium.osm.Way):
                if obj.id in ways:
                    writer.add_way(obj.replace(nodes=[n.ref for n in obj.nodes if n.ref in nodes]))
            elif isinstance(obj, osmium.osm.Relation):
                members = [
                    (m.type, m.ref, m.role)
                    for m in obj.members
                    if m.type == "r" or (m.type == "n" and m.ref in nodes) or (m.type == "w" and m.ref in ways)
                ]
                writer.add_relation(obj.replace(members=members))
    finally:
        writer.close()


def _tile_stats(path: Path) -> dict[str, Any]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        count, size = conn.execute("SELECT count(*), coalesce(sum(length(tile_data)), 0) FROM tiles").fetchone()
        zooms = conn.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
    return {"tiles": int(count), "bytes": int(size), "minzoom": zooms[0], "maxzoom": zooms[1]}


def build_basemap(
    source: Path, target: Path, *, bbox: tuple[float, float, float, float], tilemaker: str | None = None
) -> dict[str, Any]:
    """Draw ``source`` (an .osm.pbf) into ``target`` (MBTiles, gzip-compressed MVT tiles).

    Never raises for a missing or failing tilemaker: answers what happened, as stored in
    the region's stats: ``status`` (``ok``, ``unavailable`` or ``failed``), ``detail``, and
    for ``ok`` the number of ``tiles``, their ``bytes``, ``minzoom``/``maxzoom`` and the
    ``seconds`` it took. ``bbox`` is (min_lon, min_lat, max_lon, max_lat) in degrees.
    ``target`` appears only when complete.
    """
    started = time.perf_counter()
    program = tilemaker or shutil.which("tilemaker")
    if program is None:
        return {
            "status": "unavailable",
            "detail": "tilemaker is not installed (Debian: apt-get install tilemaker, or make map-tools)",
        }
    target.parent.mkdir(parents=True, exist_ok=True)
    min_lon, min_lat, max_lon, max_lat = bbox
    box = (min_lon - _PAD_DEG, min_lat - _PAD_DEG, max_lon + _PAD_DEG, max_lat + _PAD_DEG)
    timeout_s = _TIMEOUT_FLOOR_S + _TIMEOUT_PER_MB_S * source.stat().st_size / 1e6
    try:
        with tempfile.TemporaryDirectory(prefix=".tiles-", dir=target.parent) as tmp:
            trimmed = Path(tmp) / "trimmed.osm.pbf"
            _trim(source, trimmed)
            drawn = Path(tmp) / "tiles.mbtiles"  # tilemaker picks the format by the extension
            command = [
                program,
                "--input", str(trimmed),
                "--output", str(drawn),
                "--config", str(PROFILE_DIR / "config.json"),
                "--process", str(PROFILE_DIR / "process.lua"),
                "--bbox", ",".join(f"{v:.6f}" for v in box),
            ]  # fmt: skip
            done = subprocess.run(  # noqa: S603  (our own arguments, no shell)
                command, cwd=tmp, capture_output=True, text=True, timeout=timeout_s, check=False
            )
            if done.returncode != 0 or not drawn.is_file():
                lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
                last = lines[-1].strip() if lines else "no output"
                return {"status": "failed", "detail": f"tilemaker exited with {done.returncode}: {last}"}
            stats = _tile_stats(drawn)
            if stats["tiles"] == 0:
                return {"status": "failed", "detail": "tilemaker drew no tiles (nothing of the profile's layers?)"}
            drawn.replace(target)
    except subprocess.TimeoutExpired:
        return {"status": "failed", "detail": f"tilemaker took longer than {timeout_s:.0f} s"}
    except (OSError, RuntimeError, ValueError, sqlite3.Error) as exc:  # osmium reports bad files as RuntimeError
        target.unlink(missing_ok=True)
        return {"status": "failed", "detail": f"{type(exc).__name__}: {exc}"}
    return {"status": "ok", "detail": "", **stats, "seconds": round(time.perf_counter() - started, 2)}


@dataclass(frozen=True)
class TileSet:
    """A read-only MBTiles file: its tiles by XYZ address, its zoom range, bounds and version."""

    path: Path
    minzoom: int
    maxzoom: int
    bounds: tuple[float, float, float, float]
    compressed: bool
    version: str
    _conn: sqlite3.Connection
    _lock: threading.Lock

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at XYZ address (as stored: gzip when :attr:`compressed`), or None when empty."""
        row_y = (1 << z) - 1 - y  # MBTiles rows count from the south (TMS)
        with self._lock:
            row = self._conn.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?", (z, x, row_y)
            ).fetchone()
        return bytes(row[0]) if row is not None and row[0] else None


@lru_cache(maxsize=16)
def _open(path: Path, _mtime_ns: int) -> TileSet:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    meta = dict(conn.execute("SELECT name, value FROM metadata").fetchall())
    zooms = conn.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
    sample = conn.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
    west, south, east, north = (float(v) for v in str(meta.get("bounds", "-180,-85,180,85")).split(","))
    return TileSet(
        path=path,
        minzoom=int(zooms[0] if zooms[0] is not None else meta.get("minzoom", 0)),
        maxzoom=int(zooms[1] if zooms[1] is not None else meta.get("maxzoom", 14)),
        bounds=(west, south, east, north),
        compressed=bool(sample) and bytes(sample[0][:2]) == b"\x1f\x8b",
        version=path.stem.removeprefix("tiles-"),
        _conn=conn,
        _lock=threading.Lock(),
    )


def open_tiles(settings: Settings, region: Region) -> TileSet | None:
    """The region's tiles, opened once per process and file (None when it has none)."""
    path = basemap_path(settings, region)
    if path is None:
        return None
    try:
        return _open(path, path.stat().st_mtime_ns)
    except (OSError, sqlite3.Error, ValueError) as exc:
        logger.warning("cannot read the basemap of region %s (%s): %s", region.name, path, exc)
        return None


def decompress(data: bytes) -> bytes:
    """A stored tile as plain MVT bytes."""
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
