"""Errors of the data functions, inside the project's tree (:mod:`codriver.errors`)."""

from __future__ import annotations

from codriver.errors import InputError, StoreError

__all__ = ["RecordNotFound", "StaleVersion"]


class RecordNotFound(InputError):
    """No record with this ID belongs to the caller (foreign IDs look exactly like missing ones)."""


class StaleVersion(StoreError):
    """A write based on an older version lost against a concurrent one; re-read and try again."""

    def __init__(self, message: str, *, current: int) -> None:
        super().__init__(message)
        self.current = current
