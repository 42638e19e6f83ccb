"""Package names imported on first use (PEP 562), for modules that load slowly.

A package re-exports its public names from its ``__init__``; when some of them live in
modules that pull in heavy libraries (SQLAlchemy, networkx, SciPy), importing any light
part of the package would pay for all of them. The package then imports those names
under ``TYPE_CHECKING`` (for type checkers and readers) and sets
``__getattr__ = lazy_exports(__name__, {...})``: ``from package import Name`` works as
before, and the module behind it loads only then. At the bottom of the layers, beside
``errors``: it imports nothing of Codriver.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, modules: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``name`` from ``package.<modules[name]>`` on first use."""

    def __getattr__(name: str) -> Any:  # noqa: N807  (the PEP 562 hook)
        module = modules.get(name)
        if module is None:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # later reads skip the hook
        return value

    return __getattr__
