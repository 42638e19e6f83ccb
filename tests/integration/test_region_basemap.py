"""Basemap tiles at import: drawn beside the graph cache, swapped with it on a re-import, and never
the reason an import fails (a missing or failing tilemaker is said in the region's stats).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine

from codriver.regions import import_region, region_summary
from codriver.regions.tiles import basemap_path, tiles_file_for
from codriver.settings import Settings
from codriver.store import migrate

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    migrate(sqlite_engine)
    return sqlite_engine


def _require_tilemaker() -> None:
    if shutil.which("tilemaker") is None:
        if IN_CI:
            pytest.fail("tilemaker is required in CI (make map-tools)")
        pytest.skip("tilemaker is not installed (make map-tools)")


def _tiles_in(settings: Settings, name: str) -> list[str]:
    return sorted(p.name for p in (settings.regions_dir / name).iterdir() if p.name.startswith(("tiles-", ".tiles-")))


def test_tiles_are_drawn_beside_the_cache_and_swapped_on_reimport(
    settings: Settings, engine: Engine, town_pbf: Path
) -> None:
    _require_tilemaker()
    first = import_region(town_pbf, settings=settings, engine=engine, name="town")
    basemap = first.region.stats["basemap"]
    assert basemap["status"] == "ok", basemap
    assert basemap["tiles"] > 0
    assert basemap["bytes"] > 0
    assert (basemap["minzoom"], basemap["maxzoom"]) == (11, 14)
    path = basemap_path(settings, first.region)
    assert path == tiles_file_for(settings.data_dir / first.region.graph_path)
    assert path is not None
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM tiles").fetchone()[0] == basemap["tiles"]
    second = import_region(town_pbf, settings=settings, engine=engine, name="town")
    assert _tiles_in(settings, "town") == [tiles_file_for(Path(second.region.graph_path)).name]
    assert region_summary(second.region)["basemap"]["status"] == "ok"


def test_without_tilemaker_the_import_goes_on_and_says_why(
    settings: Settings, engine: Engine, town_pbf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("codriver.regions.tiles.shutil.which", lambda _name: None)
    said: list[str] = []
    result = import_region(
        town_pbf, settings=settings, engine=engine, name="town", progress=lambda s, _f: said.append(s)
    )
    assert result.region.place_count > 0
    basemap = region_summary(result.region)["basemap"]
    assert basemap["status"] == "unavailable"
    assert "tilemaker is not installed" in basemap["detail"]
    assert any(s.startswith("no basemap tiles: tilemaker is not installed") for s in said)
    assert basemap_path(settings, result.region) is None
    assert _tiles_in(settings, "town") == []


def test_a_failing_tilemaker_fails_the_tiles_not_the_import(
    settings: Settings, engine: Engine, town_pbf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _require_tilemaker()
    import_region(town_pbf, settings=settings, engine=engine, name="town")  # with tiles
    broken = tmp_path / "tilemaker"
    broken.write_text("#!/bin/sh\necho 'reading the extract' >&2\necho 'Could not find node 42' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr("codriver.regions.tiles.shutil.which", lambda _name: str(broken))
    result = import_region(town_pbf, settings=settings, engine=engine, name="town")
    basemap = result.region.stats["basemap"]
    assert basemap == {"status": "failed", "detail": "tilemaker exited with 3: Could not find node 42"}
    # the earlier import's tiles went with its graph cache; no half-drawn files stay
    assert basemap_path(settings, result.region) is None
    assert _tiles_in(settings, "town") == []
