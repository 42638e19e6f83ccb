"""The composition root: builds engines, regions and tools from settings, once each.

CLI commands, the API and the simulators all start from a :class:`Runtime`; tests build
one over a temporary data directory (and inject fakes where a port exists).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine

from codriver.regions import ensure_region, load_chargers, load_gazetteer, load_graph, load_places
from codriver.regions.importer import Progress
from codriver.settings import Settings
from codriver.store import Region, make_engine, migrate
from codriver.tools.charging import OsmChargers
from codriver.tools.geocoding import Gazetteer
from codriver.tools.places import EmbeddedPlaces
from codriver.tools.routing import GraphRouter, RoadGraph

if TYPE_CHECKING:
    from autogen_core.models import ChatCompletionClient

    from codriver.llm import Meter

__all__ = ["Runtime", "import_identity"]

T = TypeVar("T")

#: Per region name: the import the value was built from (see :func:`import_identity`), and the value.
_PerImport = dict[str, tuple[tuple[int | None, str], T]]


def _quiet(_stage: str, _fraction: float) -> None:
    return None


def import_identity(region: Region) -> tuple[int | None, str]:
    """What changes when a region is re-imported: its row ID and its graph cache file (new on every import)."""
    return region.id, region.graph_path


class Runtime:
    """Everything a process needs, built lazily from one :class:`Settings`.

    The router, catalogue, charging stations and gazetteer of a region are built once per
    import of the region and kept while the process runs (``serve`` answers every request
    from them); a re-import, seen in the region's row, replaces them on the next use.
    """

    def __init__(self, settings: Settings, *, progress: Progress = _quiet) -> None:
        self.settings = settings
        self.progress = progress
        self._routers: _PerImport[GraphRouter] = {}
        self._places: _PerImport[EmbeddedPlaces] = {}
        self._chargers: _PerImport[OsmChargers] = {}
        self._gazetteers: _PerImport[Gazetteer] = {}

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
        """The embedded router of the region (built once per import)."""
        return _per_import(self._routers, region, lambda: GraphRouter(self.graph(region)))

    def places(self, region: Region) -> EmbeddedPlaces:
        """The region's place catalogue, loaded once per import (see :meth:`forget_places`)."""
        return _per_import(self._places, region, lambda: load_places(self.engine, region, router=self.router(region)))

    def chargers(self, region: Region) -> OsmChargers:
        """The region's charging stations from the catalogue, loaded once per import."""
        return _per_import(
            self._chargers, region, lambda: load_chargers(self.engine, region, router=self.router(region))
        )

    def gazetteer(self, region: Region) -> Gazetteer:
        """The region's offline gazetteer (place and street names), built once per import."""
        return _per_import(
            self._gazetteers, region, lambda: load_gazetteer(self.engine, region, self.router(region).graph)
        )

    def chat_client(self, backend: str | None = None, *, meter: Meter | None = None) -> ChatCompletionClient:
        """The agents' model client per settings, or the ``--llm`` backend named."""
        from codriver.llm import make_chat_client  # noqa: PLC0415  (AutoGen loads slowly; most commands need no model)

        return make_chat_client(self.settings, backend=backend, meter=meter)

    def forget_places(self, region: Region) -> None:
        """Drop the cached catalogue, e.g. after refreshed tags were stored."""
        self._places.pop(region.name, None)
        self._chargers.pop(region.name, None)


def _per_import(cache: _PerImport[T], region: Region, build: Callable[[], T]) -> T:
    """The value cached for this import of ``region``; a value of an earlier import is replaced (and freed)."""
    identity = import_identity(region)
    hit = cache.get(region.name)
    if hit is not None and hit[0] == identity:
        return hit[1]
    cache.pop(region.name, None)  # let the old import's graph go before the new one is built
    value = build()
    cache[region.name] = (identity, value)
    return value
