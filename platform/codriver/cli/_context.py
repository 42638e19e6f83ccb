"""The :class:`Runtime` of one CLI invocation, with a progress bar for long imports."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from codriver.tools.geo import LatLon, parse_latlon

if TYPE_CHECKING:
    from codriver.bootstrap import Runtime
    from codriver.store import Region
    from codriver.tools.geocoding import Gazetteer

__all__ = ["gazetteer", "resolve_point", "runtime"]


@contextmanager
def runtime(*, show_progress: bool = True) -> Iterator[Runtime]:
    """A runtime whose region imports draw a progress bar on standard error."""
    # The service's modules load here, when a verb runs, so that `--help` starts fast.
    from rich.console import Console  # noqa: PLC0415
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

    from codriver.bootstrap import Runtime  # noqa: PLC0415
    from codriver.settings import load_settings  # noqa: PLC0415

    columns = (TextColumn("{task.description:<28}"), BarColumn(), TimeElapsedColumn())
    with Progress(
        *columns, console=Console(stderr=True), transient=True, disable=not (show_progress and sys.stderr.isatty())
    ) as bar:
        task = bar.add_task("starting", total=1.0, visible=False)

        def report(stage: str, fraction: float) -> None:
            bar.update(task, description=stage, completed=fraction, visible=True)

        yield Runtime(load_settings(), progress=report)


def gazetteer(rt: Runtime, region: Region) -> Gazetteer:
    """The region's offline gazetteer; built once per process and import of the region."""
    return rt.gazetteer(region)


def resolve_point(rt: Runtime, region: Region, text: str) -> tuple[LatLon, str]:
    """A CLI ``PLACE|LAT,LON`` argument as a position and a label.

    Coordinates pass through; a catalogue ID (``osm:node/1``), a place or street name of
    the region, or ``street:NAME`` resolves through the offline gazetteer (then Nominatim, when
    configured: :meth:`Runtime.resolve_place`). An unknown name
    raises :class:`PlaceNotFound` and an ambiguous one :class:`InputError`, both listing the
    best candidates.
    """
    point = parse_latlon(text)
    if point is not None:
        return point, f"{point.lat:.6f},{point.lon:.6f}"
    found = rt.resolve_place(region, text)
    label = f"{found.name} ({found.place_id or found.kind})"
    return LatLon(found.lat, found.lon), label
