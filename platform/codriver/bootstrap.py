"""The composition root: builds engines, regions and tools from settings, once each.

CLI commands, the API and the simulators all start from a :class:`Runtime`; tests build
one over a temporary data directory (and inject fakes where a port exists).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from codriver.regions import RoadGraph, ensure_region, load_graph
from codriver.regions.importer import Progress
from codriver.settings import Settings
from codriver.store import Region, make_engine, migrate
from codriver.tools.charging import OsmChargers
from codriver.tools.places import EmbeddedPlaces
from codriver.tools.routing import GraphRouter

if TYPE_CHECKING:
    from autogen_core.models import ChatCompletionClient

    from codriver.llm import Meter

__all__ = ["Runtime"]


def _quiet(_stage: str, _fraction: float) -> None:
    return None


class Runtime:
    """Everything a process needs, built lazily from one :class:`Settings`."""

    def __init__(self, settings: Settings, *, progress: Progress = _quiet) -> None:
        self.settings = settings
        self.progress = progress
        self._routers: dict[tuple[str, str], GraphRouter] = {}
        self._places: dict[tuple[str, str], EmbeddedPlaces] = {}
        self._chargers: dict[tuple[str, str], OsmChargers] = {}

    @cached_property
    def engine(self) -> Engine:
        """The database engine, migrated to the latest schema."""
        engine = make_engine(self.settings.effective_database_url)
        migrate(engine)
        return engine

    def region(self, name: str | None = None) -> Region:
        """The named (default: the configured default) region, importing an embedded one if needed."""
        return ensure_region(
            name or self.settings.default_region,
            settings=self.settings,
            engine=self.engine,
            progress=self.progress,
        )

    def graph(self, region: Region) -> RoadGraph:
        """The region's drive graph."""
        return load_graph(self.settings, region)

    def router(self, region: Region) -> GraphRouter:
        """The embedded router of the region (built once per graph file)."""
        key = (region.name, region.graph_path)
        if key not in self._routers:
            self._routers[key] = GraphRouter(self.graph(region))
        return self._routers[key]

    def places(self, region: Region) -> EmbeddedPlaces:
        """The region's place catalogue, loaded once per import (see :meth:`forget_places`)."""
        key = (region.name, region.graph_path)
        if key not in self._places:
            self._places[key] = EmbeddedPlaces.load(self.engine, region, router=self.router(region))
        return self._places[key]

    def chargers(self, region: Region) -> OsmChargers:
        """The region's charging stations from the catalogue, loaded once per import."""
        key = (region.name, region.graph_path)
        if key not in self._chargers:
            self._chargers[key] = OsmChargers.from_store(self.engine, region, router=self.router(region))
        return self._chargers[key]

    def chat_client(self, backend: str | None = None, *, meter: Meter | None = None) -> ChatCompletionClient:
        """The agents' model client per settings, or the ``--llm`` backend named."""
        from codriver.llm import make_chat_client  # noqa: PLC0415  (AutoGen loads slowly; most commands need no model)

        return make_chat_client(self.settings, backend=backend, meter=meter)

    def forget_places(self, region: Region) -> None:
        """Drop the cached catalogue, e.g. after refreshed tags were stored."""
        self._places.pop((region.name, region.graph_path), None)
        self._chargers.pop((region.name, region.graph_path), None)
