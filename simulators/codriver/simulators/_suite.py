"""Finding scenario files, and the region tools a scenario runs on (built once per runtime)."""

from __future__ import annotations

import weakref
from pathlib import Path

from codriver.bootstrap import Runtime
from codriver.errors import InputError
from codriver.planning import RegionTools
from codriver.simulators._scenario import Scenario
from codriver.tools.charging import ConnectorInfo, OsmChargers

__all__ = ["scenario_paths", "scenario_tools"]

# Per runtime (weakly held, so a finished runtime's tools go with it): (region, surveys) -> tools.
_TOOLS: weakref.WeakKeyDictionary[Runtime, dict[tuple[str, str], RegionTools]] = weakref.WeakKeyDictionary()


def scenario_tools(runtime: Runtime, scenario: Scenario) -> RegionTools:
    """The region's tools for ``scenario`` (its charger surveys applied), built once per runtime."""
    surveys = tuple(s.model_dump_json() for s in scenario.chargers)
    cache = _TOOLS.setdefault(runtime, {})
    key = (scenario.region, "|".join(surveys))
    if key in cache:
        return cache[key]
    base_key = (scenario.region, "")
    if base_key not in cache:
        cache[base_key] = RegionTools.load(runtime, scenario.region)
    tools = cache[base_key]
    if scenario.chargers:
        by_id = {s.poi_id: s for s in scenario.chargers}
        unknown = sorted(set(by_id) - {s.poi_id for s in tools.chargers.stations})
        if unknown:
            msg = f"scenario {scenario.name}: no charging station {unknown} in region {scenario.region}"
            raise InputError(msg, field="chargers")
        stations = [
            s.model_copy(
                update={
                    "connectors": (
                        ConnectorInfo(
                            connector=by_id[s.poi_id].connector,
                            count=by_id[s.poi_id].count,
                            power_kw=by_id[s.poi_id].power_kw,
                        ),
                    ),
                    "sockets_known": True,
                }
            )
            if s.poi_id in by_id
            else s
            for s in tools.chargers.stations
        ]
        tools = RegionTools.load(runtime, scenario.region, chargers=OsmChargers(stations, router=tools.graph_router))
    cache[key] = tools
    return tools


def scenario_paths(paths: list[str | Path]) -> list[Path]:
    """Scenario files named or inside the folders named (``*.yaml``/``*.yml``), sorted by name."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        elif path.is_file():
            found.append(path)
        else:
            msg = f"no scenario file or folder at {path}"
            raise InputError(msg, field="paths")
    if not found:
        msg = f"no scenario files (*.yaml) in {', '.join(map(str, paths))}"
        raise InputError(msg, field="paths")
    return found
