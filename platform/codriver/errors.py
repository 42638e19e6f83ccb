"""The one error tree of Codriver.

Every error we raise on purpose derives from :class:`CodriverError`::

    CodriverError
    ├── InputError                 bad input from a user, a file or a request
    │   ├── RegionNotFound         no region of that name has been imported
    │   └── PlaceNotFound          a catalogue ID or a place name that does not resolve
    ├── DataError                  input data (an OSM extract, a cache file) is unusable
    ├── StoreError                 the database refused or lost a write
    ├── ToolError                  a tool adapter could not answer
    │   ├── ToolUnavailable        the provider cannot be reached (offline, refused, 5xx)
    │   ├── ToolTimeout            the provider did not answer in time
    │   └── ToolBadResponse        the provider answered something we cannot use
    └── PlanningError              the planning engine could not produce a plan
        └── Infeasible             no plan satisfies the constraints (carries violations)

Messages say what was wrong and what to do about it: the CLI prints them as one line
and the API returns them in a JSON body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "CodriverError",
    "DataError",
    "Infeasible",
    "InputError",
    "PlaceNotFound",
    "PlanningError",
    "RegionNotFound",
    "StoreError",
    "ToolBadResponse",
    "ToolError",
    "ToolTimeout",
    "ToolUnavailable",
    "validation_message",
]

# pydantic puts "Value error, " / "Assertion failed, " before the message of a validator's own error
_PYDANTIC_PREFIX = re.compile(r"^(?:Value error|Assertion failed), ")


def validation_message(error: Mapping[str, Any]) -> str:
    """The words of one pydantic validation error (``exc.errors()[i]``) as a person reads them.

    pydantic's "Value error, " before a validator's own message names the kind of exception
    that carried it, which tells the reader nothing: it is left out.
    """
    return _PYDANTIC_PREFIX.sub("", str(error.get("msg", "invalid")), count=1)


class CodriverError(Exception):
    """Root of every error Codriver raises on purpose."""


class InputError(CodriverError):
    """Bad input: ``field`` names what was wrong when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class RegionNotFound(InputError):
    """No region with this name has been imported."""


class PlaceNotFound(InputError):
    """A catalogue ID or place name that does not resolve to a place."""


class DataError(CodriverError):
    """Input data such as an OSM extract or a cache file is unusable."""


class StoreError(CodriverError):
    """The database refused a write or could not be reached."""


class ToolError(CodriverError):
    """A tool adapter could not answer; ``status_code`` is the provider's HTTP status, if any."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class ToolUnavailable(ToolError):
    """The provider cannot be reached: offline, connection refused or a 5xx answer."""


class ToolTimeout(ToolError):
    """The provider did not answer within the configured timeout."""


class ToolBadResponse(ToolError):
    """The provider answered with something that cannot be used."""


class PlanningError(CodriverError):
    """The planning engine could not produce a plan."""


class Infeasible(PlanningError):
    """No plan satisfies the constraints; ``violations`` says which ones bind."""

    def __init__(self, message: str, *, violations: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.violations = list(violations)
