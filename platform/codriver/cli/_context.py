"""The :class:`Runtime` of one CLI invocation, with a progress bar for long imports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from codriver.bootstrap import Runtime
from codriver.settings import load_settings

__all__ = ["runtime"]


@contextmanager
def runtime(*, show_progress: bool = True) -> Iterator[Runtime]:
    """A runtime whose region imports draw a progress bar on standard error."""
    columns = (TextColumn("{task.description:<28}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True, disable=not show_progress) as bar:
        task = bar.add_task("starting", total=1.0, visible=False)

        def report(stage: str, fraction: float) -> None:
            bar.update(task, description=stage, completed=fraction, visible=True)

        yield Runtime(load_settings(), progress=report)
