"""``codriver region import`` on real and synthetic extracts, and every kind of bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyrosm
import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from codriver.errors import DataError, InputError, RegionNotFound
from codriver.regions import RoadGraph, ensure_region, import_region, load_graph
from codriver.regions._walk import walk_file_for
from codriver.regions.stored import streets_file_for
from codriver.regions.summary import get_region
from codriver.settings import Settings
from codriver.store import ChargingStation, Place, Region, migrate, session_scope
from osm_extracts import write_extract


@pytest.fixture
def engine(any_engine: Engine) -> Engine:
    migrate(any_engine)
    return any_engine


def _snapshot(settings: Settings, engine: Engine) -> tuple[list[tuple[str, str, int]], int, dict[str, str]]:
    """Regions, place count and cache files (with content hashes): what must not change."""
    with session_scope(engine) as session:
        regions = [(r.name, r.source_sha256, r.place_count) for r in session.exec(select(Region)).all()]
        places = session.exec(select(func.count()).select_from(Place)).one()
    files = {
        str(p.relative_to(settings.data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(settings.regions_dir.rglob("*"))
        if p.is_file()
    }
    return regions, places, files


def test_import_helsinki_builds_graph_catalogue_and_stats(settings: Settings, engine: Engine) -> None:
    region = ensure_region("helsinki", settings=settings, engine=engine)
    assert region.timezone == "Europe/Helsinki"
    assert "OpenStreetMap contributors" in region.attribution
    assert "ODbL" in region.attribution
    assert 1000 < region.node_count < 2000
    assert region.edge_count > region.node_count
    assert region.place_count > 500
    assert region.charger_count == 4
    assert region.opening_hours_count > 200
    assert region.stats["categories"]["restaurant"] > 100
    graph = load_graph(settings, region)
    assert graph.node_count == region.node_count
    # osmnx conventions: travel time is length over speed
    assert graph.travel_time_s == pytest.approx(graph.length_m / (graph.speed_kph / 3.6), rel=1e-6)
    with session_scope(engine) as session:
        ids = session.exec(select(Place.place_id).where(Place.region_id == region.id)).all()
        chargers = session.exec(select(ChargingStation).where(ChargingStation.region_id == region.id)).all()
    assert all(i.startswith(("osm:node/", "osm:way/", "osm:relation/")) for i in ids)
    assert len(ids) == len(set(ids))
    assert all(not c.sockets_known for c in chargers)


def test_second_embedded_extract_imports(settings: Settings, engine: Engine) -> None:
    path = Path(pyrosm.get_data("test_pbf"))
    result = import_region(path, settings=settings, engine=engine)
    assert result.region.name == "test"
    assert result.graph.node_count > 100


def test_synthetic_town_honours_oneway_and_trims_clipped_ways(
    settings: Settings, engine: Engine, town_pbf: Path
) -> None:
    result = import_region(town_pbf, settings=settings, engine=engine)
    graph = result.graph
    # 4 two-way rows and 5 two-way columns of 4 segments each, plus 4 one-way segments
    assert graph.edge_count == 4 * 4 * 2 + 5 * 4 * 2 + 4
    assert graph.node_count == 25
    assert 999_999 not in set(graph.node_osmid.tolist())
    one_way = graph.highway == "tertiary"
    assert one_way.sum() == 4
    assert set(graph.speed_kph[~one_way].tolist()) == {30.0}
    with session_scope(engine) as session:
        places = {p.name: p for p in session.exec(select(Place)).all()}
    assert set(places) == {"Vegaani Keittiö", "Kahvila Kulma", None, "Town Charger", "Town Museum", "Broken Hours"}
    assert places["Broken Hours"].opening_hours_status == "invalid"
    assert result.region.stats["opening_hours"]["failures"] == ["sometimes, maybe"]
    assert result.region.stats["chargers"] == {"total": 2, "with_socket_data": 1, "connectors": {"ccs": 1, "type2": 1}}


def test_reimport_replaces_in_place(settings: Settings, engine: Engine, town_pbf: Path) -> None:
    first = import_region(town_pbf, settings=settings, engine=engine, name="town")
    second = import_region(town_pbf, settings=settings, engine=engine, name="town")
    with session_scope(engine) as session:
        assert len(session.exec(select(Region)).all()) == 1
        assert session.exec(select(func.count()).select_from(Place)).one() == first.region.place_count
    caches = sorted(c.name for c in (settings.regions_dir / "town").glob("*.npz"))
    graph = settings.data_dir / second.region.graph_path
    # the walking network and the street-name index beside the graph, the first import's files gone
    assert caches == sorted([graph.name, walk_file_for(graph).name, streets_file_for(graph).name])
    assert first.region.graph_path != second.region.graph_path
    assert RoadGraph.load(graph).edge_count == first.graph.edge_count


def _corrupt(kind: str, tmp_path: Path) -> Path:
    if kind == "missing":
        return tmp_path / "missing.osm.pbf"
    if kind == "not-pbf":
        path = tmp_path / "notes.osm.pbf"
        path.write_text("this is not an extract\n")
        return path
    if kind == "truncated":
        whole = write_extract(tmp_path / "whole.osm.pbf").read_bytes()
        path = tmp_path / "truncated.osm.pbf"
        path.write_bytes(whole[: len(whole) // 2])
        return path
    return write_extract(tmp_path / "paths.osm.pbf", roads=False)


@pytest.mark.parametrize(
    ("kind", "error", "message"),
    [
        ("missing", InputError, "no such file"),
        ("not-pbf", DataError, "not an OSM PBF file"),
        ("truncated", DataError, "truncated"),
        ("no-roads", DataError, "no drivable roads"),
    ],
)
def test_bad_input_changes_nothing(
    settings: Settings, engine: Engine, town_pbf: Path, tmp_path: Path, kind: str, error: type[Exception], message: str
) -> None:
    import_region(town_pbf, settings=settings, engine=engine, name="town")
    before = _snapshot(settings, engine)
    with pytest.raises(error, match=message):
        import_region(_corrupt(kind, tmp_path), settings=settings, engine=engine, name="town")
    assert _snapshot(settings, engine) == before


def test_failed_database_write_removes_the_new_cache(
    settings: Settings, engine: Engine, town_pbf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_region(town_pbf, settings=settings, engine=engine, name="town")
    before = _snapshot(settings, engine)

    def broken_stats(*_args: object) -> dict[str, object]:
        return {"bad": {1, 2}}  # a set is not JSON: the insert fails inside the transaction

    monkeypatch.setattr("codriver.regions.importer._stats", broken_stats)
    with pytest.raises(Exception, match="not JSON serializable"):
        import_region(town_pbf, settings=settings, engine=engine, name="town")
    assert _snapshot(settings, engine) == before


def test_invalid_region_name(settings: Settings, engine: Engine, town_pbf: Path) -> None:
    with pytest.raises(InputError, match="invalid region name"):
        import_region(town_pbf, settings=settings, engine=engine, name="../etc")


def test_unknown_region(settings: Settings, engine: Engine) -> None:
    with pytest.raises(RegionNotFound, match="unknown region 'atlantis'"):
        get_region(engine, "atlantis")
    with pytest.raises(RegionNotFound, match="codriver region import"):
        ensure_region("atlantis", settings=settings, engine=engine)


def test_missing_cache_file_is_reported(settings: Settings, engine: Engine, town_pbf: Path) -> None:
    region = import_region(town_pbf, settings=settings, engine=engine).region
    (settings.data_dir / region.graph_path).unlink()
    with pytest.raises(RegionNotFound, match="re-import the region"):
        load_graph(settings, region)
