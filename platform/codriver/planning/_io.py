"""Reading the planning documents (requests, itineraries, events) from JSON files."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from codriver.errors import InputError, validation_message

__all__ = ["read_model"]

M = TypeVar("M", bound=BaseModel)


def read_model(path: Path, model: type[M], what: str) -> M:
    """The ``model`` in the JSON file ``path``; any problem is an :class:`InputError` naming the field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"cannot read {what} file {str(path)!r}: {exc.strerror or exc}"
        raise InputError(msg, field=what) from exc
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or what
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        msg = f"invalid {what} {str(path)!r}: {where}: {validation_message(first)}{more}"
        raise InputError(msg, field=where) from exc
