"""Printing results: JSON for machines (``--json``), rich text for people."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console

__all__ = ["JsonOption", "console", "print_json"]

console = Console(highlight=False)
JsonOption = Annotated[bool, typer.Option("--json", help="print machine-readable JSON")]


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON on standard output."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
