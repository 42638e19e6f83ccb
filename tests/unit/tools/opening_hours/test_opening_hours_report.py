"""The per-region opening-hours report, from statuses stored at import."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, insert

from codriver.bootstrap import Runtime
from codriver.regions import opening_hours_report
from codriver.regions.catalogue import opening_hours_status
from codriver.settings import Settings
from codriver.store import Place, Region, make_engine, migrate, session_scope


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.effective_database_url)
    migrate(engine)
    yield engine
    engine.dispose()


def _region(engine: Engine, name: str, hours: list[str | None]) -> Region:
    region = Region(
        name=name,
        min_lon=24.9,
        min_lat=60.1,
        max_lon=25.0,
        max_lat=60.2,
        timezone="Europe/Helsinki",
        source="test",
        source_sha256="0" * 64,
        attribution="test",
        graph_path="none.npz",
        node_count=0,
        edge_count=0,
        place_count=len(hours),
        charger_count=0,
        opening_hours_count=sum(1 for h in hours if h),
    )
    with session_scope(engine) as session:
        session.add(region)
        session.flush()
        rows = [
            {
                "region_id": region.id,
                "place_id": f"osm:node/{i + 1}",
                "name": f"Place {i + 1}",
                "category": "cafe",
                "opening_hours": raw,
                "opening_hours_status": opening_hours_status(raw),
                "lat": 60.15,
                "lon": 24.95,
            }
            for i, raw in enumerate(hours)
        ]
        session.execute(insert(Place), rows)
    return region


def test_report_counts_and_groups_failures(engine: Engine) -> None:
    broken = "Mon - Fri 11am - 11pm"
    region = _region(
        engine,
        "town",
        ["Mo-Fr 09:00-17:00", '"by appointment"', broken, None, broken, "Su-Th 15-00", "24/7", None],
    )
    _region(engine, "other", ["garbage"])  # another region's failures stay out
    report = opening_hours_report(engine, region)
    assert report.region == "town"
    assert (report.places, report.tagged, report.parsed) == (8, 6, 3)
    assert report.parsed_pct == 50.0
    assert report.by_status == {"comment_only": 1, "invalid": 3, "missing": 2, "ok": 2}
    assert [(f.opening_hours, f.place_ids) for f in report.failures] == [
        (broken, ["osm:node/3", "osm:node/5"]),
        ("Su-Th 15-00", ["osm:node/6"]),
    ]
    assert all(f.error.startswith("at column") for f in report.failures)


def test_report_of_a_region_without_tags_is_complete(engine: Engine) -> None:
    report = opening_hours_report(engine, _region(engine, "empty", [None, None]))
    assert (report.tagged, report.parsed, report.parsed_pct, report.failures) == (0, 0, 100.0, [])


def test_report_agrees_with_the_import_statistics(helsinki: Runtime) -> None:
    region = helsinki.region("helsinki")
    report = opening_hours_report(helsinki.engine, region)
    stats = region.stats["opening_hours"]
    assert report.by_status == stats["status"]
    assert sorted(f.opening_hours for f in report.failures) == stats["failures"]
    assert report.tagged == region.opening_hours_count
    assert report.parsed_pct >= 95.0
