"""``codriver chargers``: charging stations of a region, near a place or along a drive."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from codriver.cli._context import resolve_point, runtime
from codriver.cli._output import JsonOption, console, print_json
from codriver.errors import InputError, validation_message

if TYPE_CHECKING:
    from codriver.tools.charging import ChargerFilter, ChargerResult

_OPTIONS = {"connectors": "--connector", "networks": "--network", "fee": "--free"}


def _filter(
    connectors: list[str],
    min_power_kw: float | None,
    networks: list[str],
    access: str,
    *,
    require_known: bool,
    free: bool,
) -> ChargerFilter:
    from pydantic import ValidationError  # noqa: PLC0415  (the CLI imports each verb's tools when it runs)

    from codriver.tools.charging import ChargerFilter  # noqa: PLC0415

    try:
        return ChargerFilter.model_validate(
            {
                "connectors": connectors,
                "min_power_kw": min_power_kw,
                "networks": networks,
                "access": access,
                "fee": False if free else None,
                "require_known": require_known,
            }
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "filter"
        msg = f"{_OPTIONS.get(field, '--' + field.replace('_', '-'))}: {validation_message(error)}"
        raise InputError(msg, field=field) from exc


def _sockets(result: ChargerResult) -> str:
    if not result.sockets_known:
        return "unknown"
    parts = []
    for c in result.connectors:
        power = f" {c.power_kw:g} kW" if c.power_kw is not None else ""
        parts.append(f"{c.connector} x{c.count}{power}")
    return ", ".join(parts)


def _print(results: list[ChargerResult], *, along: bool) -> None:
    from rich.table import Column, Table  # noqa: PLC0415

    if not results:
        console.print("no charging stations match")
        return
    where = "detour" if along else "distance"
    table = Table(Column("poi_id", no_wrap=True), "name", "compatibility", "sockets", "usable kW", where, "operator")
    for r in results:
        position = f"{(r.detour_s or 0) / 60:.1f} min" if along else f"{(r.distance_m or 0):.0f} m"
        table.add_row(
            r.poi_id,
            r.name or "",
            r.compatibility,
            _sockets(r),
            f"{r.usable_power_kw:g}" if r.usable_power_kw is not None else "?",
            position,
            " / ".join(x for x in (r.operator, r.network) if x),
        )
    console.print(table)


def command(
    *,
    near: Annotated[str | None, typer.Option("--near", help="PLACE|LAT,LON to search around")] = None,
    origin: Annotated[str | None, typer.Option("--from", help="start of a drive to search along (with --to)")] = None,
    destination: Annotated[str | None, typer.Option("--to", help="end of the drive to search along")] = None,
    radius_m: Annotated[float, typer.Option("--radius-m", min=0, help="search radius around --near, m")] = 5000.0,
    max_detour_s: Annotated[
        float, typer.Option("--max-detour-s", min=0, help="largest extra driving time along the drive, s")
    ] = 600.0,
    connector: Annotated[
        list[str] | None,
        typer.Option("--connector", help="vehicle connector (ccs|type2|chademo|tesla|type1|...), repeatable"),
    ] = None,
    min_power_kw: Annotated[float | None, typer.Option("--min-power-kw", help="least usable power, kW")] = None,
    network: Annotated[
        list[str] | None, typer.Option("--network", help="network or operator name (part, any case), repeatable")
    ] = None,
    require_known: Annotated[
        bool, typer.Option("--require-known", help="leave out stations whose compatibility is unknown")
    ] = False,
    free: Annotated[bool, typer.Option("--free", help="only stations known to be free of charge")] = False,
    access: Annotated[
        str, typer.Option("--access", help="public (default), customers (also customers-only) or any")
    ] = "public",
    limit: Annotated[int, typer.Option("--limit", min=1, help="at most this many results")] = 50,
    region_name: Annotated[str | None, typer.Option("--region", help="region (default: the configured one)")] = None,
    as_json: JsonOption = False,
) -> None:
    """List charging stations near a place (--near) or along a drive (--from ... --to ...).

    Compatibility is compatible, incompatible (never listed) or unknown (no socket data).
    """
    along = origin is not None or destination is not None
    if along == (near is not None) or (along and (origin is None or destination is None)):
        msg = "give either --near PLACE or both --from PLACE and --to PLACE"
        raise InputError(msg, field="near")
    flt = _filter(connector or [], min_power_kw, network or [], access, require_known=require_known, free=free)
    with runtime() as rt:
        region = rt.region(region_name)
        if along:
            assert origin is not None
            assert destination is not None
            start, _ = resolve_point(rt, region, origin)
            end, _ = resolve_point(rt, region, destination)
            results = rt.chargers(region).along_route_sync(start, end, (), flt, max_detour_s, limit=limit)
        else:
            assert near is not None
            point, _ = resolve_point(rt, region, near)
            results = rt.chargers(region).near_sync(point, radius_m, flt, limit=limit)
    if as_json:
        print_json([r.model_dump(mode="json") for r in results])
        return
    _print(results, along=along)
