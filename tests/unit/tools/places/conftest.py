"""Fixtures of the place tests: a migrated database and a catalogue on a tiny street graph."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from places_support import STREET, TUESDAY_NOON, entry, offset, street_graph
from sqlalchemy import Engine

from codriver.settings import Settings
from codriver.store import make_engine, migrate
from codriver.tools.places import EmbeddedPlaces
from codriver.tools.routing import GraphRouter


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.effective_database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def street_places() -> EmbeddedPlaces:
    entries = [
        entry(1, "On Route", "cafe", offset(300, 5), opening_hours="Mo-Fr 08:00-16:00"),
        entry(2, "Side Cafe", "cafe", STREET[5], opening_hours="Mo-Fr 13:00-16:00"),
        entry(3, "Far Cafe", "cafe", STREET[6]),
        entry(4, "Corner Bistro", "restaurant", STREET[1], opening_hours="24/7"),
        entry(5, "Island Cafe", "cafe", offset(0, 5000)),  # 5 km from any road
    ]
    router = GraphRouter(street_graph(), max_snap_m=1000)
    return EmbeddedPlaces(
        entries, region="street", timezone="Europe/Helsinki", router=router, clock=lambda: TUESDAY_NOON
    )
