"""``codriver region import|list|show``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codriver.cli._context import runtime
from codriver.cli._output import JsonOption, console, print_json

app = typer.Typer(help="Import and inspect regions (OSM extracts).", no_args_is_help=True)


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="an OpenStreetMap extract, .osm.pbf")],
    name: Annotated[str | None, typer.Option(help="region name (default: from the file name)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Import (or re-import) a region: drive graph, places, chargers."""
    from codriver.regions import import_region, region_summary  # noqa: PLC0415  (the CLI imports a verb's modules when it runs)

    with runtime() as rt:
        result = import_region(path, settings=rt.settings, engine=rt.engine, name=name, progress=rt.progress)
    _show(region_summary(result.region), as_json=as_json)


@app.command("list")
def list_(as_json: JsonOption = False) -> None:
    """List imported regions."""
    from rich.table import Table  # noqa: PLC0415

    from codriver.regions import region_summary  # noqa: PLC0415
    from codriver.regions.summary import list_regions  # noqa: PLC0415

    with runtime() as rt:
        regions = [region_summary(r) for r in list_regions(rt.engine)]
    if as_json:
        print_json(regions)
        return
    table = Table("name", "nodes", "edges", "places", "chargers", "timezone", "imported")
    for r in regions:
        table.add_row(
            r["name"],
            str(r["graph"]["nodes"]),
            str(r["graph"]["edges"]),
            str(r["places"]["total"]),
            str(r["chargers"]["total"]),
            r["timezone"],
            r["imported_at"][:19],
        )
    console.print(table if regions else "no regions imported yet")


@app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="region name")],
    as_json: JsonOption = False,
) -> None:
    """Show a region: graph size, places by category, opening hours, chargers."""
    from codriver.regions import region_summary  # noqa: PLC0415
    from codriver.regions.summary import get_region  # noqa: PLC0415

    with runtime() as rt:
        region = rt.region(name) if name == rt.settings.default_region else get_region(rt.engine, name)
    _show(region_summary(region), as_json=as_json)


def _show(summary: dict[str, object], *, as_json: bool) -> None:
    if as_json:
        print_json(summary)
        return
    graph = summary["graph"]
    places = summary["places"]
    chargers = summary["chargers"]
    assert isinstance(graph, dict)
    assert isinstance(places, dict)
    assert isinstance(chargers, dict)
    console.print(f"[bold]{summary['name']}[/bold]  ({summary['timezone']})")
    console.print(f"  roads      {graph['nodes']} nodes, {graph['edges']} edges, {graph['road_km']} km")
    console.print(f"  places     {places['total']} ({places['with_opening_hours']} with opening hours)")
    by_category = places["by_category"]
    assert isinstance(by_category, dict)
    console.print("             " + ", ".join(f"{k} {v}" for k, v in by_category.items()))
    console.print(f"  chargers   {chargers.get('total', 0)} ({chargers.get('with_socket_data', 0)} with socket data)")
    basemap = summary.get("basemap")
    if isinstance(basemap, dict) and basemap.get("status") == "ok":
        zooms = f"zooms {basemap['minzoom']}-{basemap['maxzoom']}"
        console.print(f"  basemap    {basemap['tiles']} tiles, {basemap['bytes'] / 1024:.0f} KiB, {zooms}")
    elif isinstance(basemap, dict):
        console.print(f"  basemap    none: {basemap.get('detail')} (the web app draws its SVG map)", markup=False)
    console.print(f"  data       {summary['attribution']}")
