"""The :class:`Runtime` of one CLI invocation, with a progress bar for long imports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from codriver.bootstrap import Runtime
from codriver.errors import InputError
from codriver.settings import load_settings
from codriver.store import Region
from codriver.tools.geo import LatLon, parse_latlon

__all__ = ["resolve_point", "runtime"]


@contextmanager
def runtime(*, show_progress: bool = True) -> Iterator[Runtime]:
    """A runtime whose region imports draw a progress bar on standard error."""
    columns = (TextColumn("{task.description:<28}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True, disable=not show_progress) as bar:
        task = bar.add_task("starting", total=1.0, visible=False)

        def report(stage: str, fraction: float) -> None:
            bar.update(task, description=stage, completed=fraction, visible=True)

        yield Runtime(load_settings(), progress=report)


def resolve_point(rt: Runtime, region: Region, text: str) -> tuple[LatLon, str]:  # noqa: ARG001  (gazetteer pending)
    """A CLI ``PLACE|LAT,LON`` argument as a position and a label.

    Coordinates pass through; a catalogue ID (``osm:node/1``) or a place or street name of
    the region resolves through the offline gazetteer. Unknown or ambiguous names raise
    :class:`InputError` listing the best candidates.
    """
    point = parse_latlon(text)
    if point is not None:
        return point, f"{point.lat:.6f},{point.lon:.6f}"
    msg = f"cannot resolve {text!r}: give LAT,LON (place names need the gazetteer)"
    raise InputError(msg, field="place")
