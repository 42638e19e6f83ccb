"""Errors as JSON: every 4xx body says what was wrong (``detail``) and where (``field``).

Our error tree maps to status codes here and nowhere else: a foreign or missing record is
404, bad input 422, a stale version 409, an infeasible plan 422 with its violations, an
unreachable tool or database 503 (with ``Retry-After`` when the database is busy or its
pool exhausted). Bad input never becomes a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc

from codriver.api._ports import NeedsAnswer
from codriver.api._request_id import request_id
from codriver.errors import (
    CodriverError,
    DataError,
    Infeasible,
    InputError,
    PlanningError,
    StoreError,
    ToolBadResponse,
    ToolError,
    validation_message,
)
from codriver.store import RecordNotFound, StaleVersion

__all__ = ["ErrorBody", "heard", "install_error_handlers", "status_of"]

logger = logging.getLogger(__name__)


def status_of(exc: CodriverError) -> int:
    """The HTTP status of one of our errors."""
    table: list[tuple[type[CodriverError], int]] = [
        (RecordNotFound, 404),
        (StaleVersion, 409),
        (InputError, 422),
        (Infeasible, 422),
        (PlanningError, 422),
        (ToolBadResponse, 502),
        (ToolError, 503),
        (StoreError, 503),
        (DataError, 503),
    ]
    return next((status for kind, status in table if isinstance(exc, kind)), 500)


def _loc(loc: tuple[Any, ...] | list[Any]) -> tuple[str, str]:
    """(location, dotted field) of a pydantic error location such as ``("body", "request", "depart_at")``."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        return parts[0], ".".join(parts[1:]) or parts[0]
    return "body", ".".join(parts) or "body"


def _errors(errors: list[Any]) -> list[dict[str, Any]]:
    out = []
    for error in errors:
        location, field = _loc(error.get("loc", ()))
        kind = str(error.get("type", ""))
        if kind in {"union_tag_invalid", "union_tag_not_found"}:
            # a tagged union names its tag field: point at it, not at the whole body
            tag = str((error.get("ctx") or {}).get("discriminator", "")).strip("'\"")
            field = f"{field}.{tag}" if field not in {location, ""} else tag
        out.append({"location": location, "field": field, "message": validation_message(error), "type": kind})
    return out


def ErrorBody(detail: str, field: str | None, **extra: Any) -> dict[str, Any]:  # noqa: N802  (reads like a model)
    """The JSON body of every error answer."""
    return {"detail": detail, "field": field, **extra}


def heard(exc: CodriverError) -> dict[str, Any]:
    """What was read of a text that needs an answer first (``understood``, ``not_understood``); else nothing."""
    if isinstance(exc, NeedsAnswer):
        return {"understood": exc.understood, "not_understood": exc.not_understood}
    return {}


def install_error_handlers(app: FastAPI) -> None:
    """Map request validation and our error tree to JSON answers."""

    async def invalid(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = _errors(list(exc.errors()))
        first = problems[0] if problems else {"field": "body", "message": "invalid request", "location": "body"}
        detail = f"{first['location']} field {first['field']}: {first['message']}"
        return JSONResponse(ErrorBody(detail, first["field"], errors=problems), status_code=422)

    async def ours(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, CodriverError)
        status = status_of(exc)
        field = getattr(exc, "field", None)
        extra: dict[str, Any] = heard(exc)
        if isinstance(exc, Infeasible):
            extra["violations"] = [
                v.model_dump(mode="json") if hasattr(v, "model_dump") else str(v) for v in exc.violations
            ]
            field = field or "request"
        if isinstance(exc, StaleVersion):
            extra["current_version"] = exc.current
            field = field or "expected_version"
        headers = {"Retry-After": "1"} if isinstance(exc, StoreError) and status == 503 else None
        if status >= 500:
            logger.warning("answering %s: %s", status, exc)
        return JSONResponse(ErrorBody(str(exc), field, **extra), status_code=status, headers=headers)

    async def database(_request: Request, exc: Exception) -> JSONResponse:
        # parameters are hidden by the engine (hide_parameters): the message names no value
        if isinstance(exc, sa_exc.IntegrityError):
            detail = "the change conflicts with a concurrent one: reload and try again"
            return JSONResponse(ErrorBody(detail, None), status_code=409)
        if isinstance(exc, sa_exc.DataError):
            detail = "a value of the request cannot be stored: check its size and characters"
            return JSONResponse(ErrorBody(detail, "body"), status_code=422)
        if isinstance(exc, sa_exc.TimeoutError | sa_exc.OperationalError):
            logger.warning("answering 503: database busy or unavailable (%s)", type(exc.__cause__ or exc).__name__)
            detail = "the database is busy or unavailable: retry in 1 s"
            return JSONResponse(ErrorBody(detail, None), status_code=503, headers={"Retry-After": "1"})
        return await unexpected(_request, exc)

    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        ident = request_id()
        logger.error("unexpected error (request %s)", ident, exc_info=exc)
        detail = f"internal error: it has been logged as request {ident}"
        return JSONResponse(ErrorBody(detail, None, request_id=ident), status_code=500)

    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(CodriverError, ours)
    app.add_exception_handler(sa_exc.SQLAlchemyError, database)
    app.add_exception_handler(Exception, unexpected)
