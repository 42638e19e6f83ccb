"""Input limits at the edge, before any route or database sees a request (plain ASGI middleware).

Every JSON body and query string is checked once, for every route (sign-in included):

- malformed JSON: 422 saying what is wrong and where, in words (line and column);
- nesting deeper than :data:`MAX_DEPTH`: 422 on ``body``;
- text with NUL or other non-text code points (C0 controls other than tab, line feed and
  carriage return; lone surrogates; U+FFFE and U+FFFF): 422 naming the field. PostgreSQL
  cannot store NUL in text, and no name, note or address contains one;
- ``NaN``, ``Infinity`` and numbers larger than :data:`MAX_NUMBER` in magnitude: 422
  naming the field (no quantity of a trip comes near; IDs stop at 2**31 - 1);
- a string that is a whole ISO 8601 date or date-time more than :data:`DATE_WINDOW` away
  from now: 422 naming the field (year-9999 departures and year-3000 telemetry).

The 422 bodies have the shape of the request-validation errors (``detail``, ``field``,
``errors[]``). :class:`~codriver.api._limits.BodySizeLimit` runs first, so the body is
read (and bounded) once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from codriver.api._limits import replay

__all__ = ["DATE_WINDOW", "MAX_DEPTH", "MAX_NUMBER", "InputGuard", "check_json", "check_text"]

#: Deepest nesting of objects and arrays accepted in a JSON body.
MAX_DEPTH = 32
#: Largest magnitude of a number in a request (PostgreSQL ``integer``).
MAX_NUMBER = 2**31 - 1
#: Dates in a request lie within this distance of the server's clock.
DATE_WINDOW = timedelta(days=2 * 366)

_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ISO_DATE = re.compile(r"^\+?(\d{4,})-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


class BadInput(Exception):
    """One problem with a request: where (``location``, ``field``) and what, in words."""

    def __init__(self, message: str, *, field: str, location: str = "body", kind: str = "value_error") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.location = location
        self.kind = kind

    def body(self) -> dict[str, Any]:
        """The JSON body of the 422 answer."""
        error = {"location": self.location, "field": self.field, "message": self.message, "type": self.kind}
        detail = f"{self.location} field {self.field}: {self.message}"
        return {"detail": detail, "field": self.field, "errors": [error]}


def check_text(text: str, *, field: str, location: str = "body") -> None:
    """:class:`BadInput` when ``text`` holds NUL or another code point that is not text."""
    bad = _BAD_TEXT.search(text)
    if bad is not None:
        code = f"U+{ord(bad.group()):04X}"
        what = "a NUL character" if code == "U+0000" else f"the non-text code point {code}"
        msg = f"contains {what} at position {bad.start()}: send plain text"
        raise BadInput(msg, field=field, location=location, kind="string_invalid_character")


def _check_date(text: str, *, field: str, now: datetime) -> None:
    found = _ISO_DATE.match(text) if len(text) >= 10 else None
    if found is None:
        return
    lo, hi = (now - DATE_WINDOW).date(), (now + DATE_WINDOW).date()
    year = int(found.group(1))
    if lo.year < year < hi.year:
        return
    if lo.year <= year <= hi.year:
        try:
            day = datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            return  # not a date after all: the route's own validation says what is wrong
        if lo <= day <= hi:
            return
    msg = f"{text} is more than two years from now: send a date between {lo} and {hi}"
    raise BadInput(msg, field=field, kind="date_out_of_range")


def _path(parts: list[str | int]) -> str:
    return ".".join(str(p) for p in parts) or "body"


def check_json(value: Any, *, now: datetime) -> None:
    """:class:`BadInput` for the first value of a parsed JSON document that breaks the limits above."""
    stack: list[tuple[Any, list[str | int], int]] = [(value, [], 0)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                msg = f"JSON nested deeper than {MAX_DEPTH} levels"
                raise BadInput(msg, field="body", kind="too_deep")
            pairs = list(item.items() if isinstance(item, dict) else enumerate(item))
            for key, child in reversed(pairs):  # reversed onto the stack: the first problem in reading order wins
                if isinstance(key, str):
                    check_text(key, field=_path([*where, _BAD_TEXT.sub("?", key)]))
                stack.append((child, [*where, key], depth + 1))
        elif isinstance(item, str):
            field = _path(where)
            check_text(item, field=field)
            _check_date(item, field=field, now=now)
        elif isinstance(item, int | float) and not isinstance(item, bool) and abs(item) > MAX_NUMBER:
            msg = f"{item:.6g} is out of range: numbers are at most {MAX_NUMBER} in size"
            raise BadInput(msg, field=_path(where), kind="number_out_of_range")


def _no_constants(name: str) -> float:
    msg = f"{name} is not a number JSON allows: send a finite number"
    raise ValueError(msg)


def parse_json(data: bytes) -> Any:
    """The parsed body, or :class:`BadInput` saying in words what is wrong with it."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"the body is not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x})"
        raise BadInput(msg, field="body", kind="json_invalid") from exc
    try:
        return json.loads(text, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        msg = f"the body is not valid JSON: {exc.msg.lower()} at line {exc.lineno}, column {exc.colno}"
        raise BadInput(msg, field="body", kind="json_invalid") from exc
    except ValueError as exc:
        raise BadInput(str(exc), field="body", kind="json_invalid") from exc
    except RecursionError as exc:
        msg = f"JSON nested deeper than {MAX_DEPTH} levels"
        raise BadInput(msg, field="body", kind="too_deep") from exc


def _is_json(headers: dict[bytes, bytes]) -> bool:
    kind = headers.get(b"content-type")
    if kind is None:
        return True  # FastAPI reads a body without a content type as JSON
    main = kind.split(b";", 1)[0].strip().lower()
    return main == b"application/json" or (main.startswith(b"application/") and main.endswith(b"+json"))


async def _send_422(send: Send, problem: BadInput) -> None:
    data = json.dumps(problem.body()).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": 422, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class InputGuard:
    """422 for a request whose query string or JSON body breaks the limits of this module."""

    def __init__(self, app: ASGIApp, *, now: Callable[[Scope], datetime] | None = None) -> None:
        self.app = app
        self.now = now or (lambda _scope: datetime.now(UTC))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            self._check_target(scope)
        except BadInput as problem:
            await _send_422(send, problem)
            return
        if scope.get("method") in {"GET", "HEAD", "OPTIONS", "DELETE"}:
            await self.app(scope, receive, send)
            return
        message: Message = await receive()  # BodySizeLimit has read the whole body already
        if message["type"] != "http.request":
            return
        data = message.get("body", b"")
        if data.strip() and _is_json(dict(scope.get("headers") or [])):
            try:
                check_json(parse_json(data), now=self.now(scope))
            except BadInput as problem:
                await _send_422(send, problem)
                return
        await self.app(scope, replay(data, receive), send)

    @staticmethod
    def _check_target(scope: Scope) -> None:
        check_text(unquote(str(scope.get("path", ""))), field="path", location="path")
        query = scope.get("query_string", b"").decode("latin-1")
        for name, value in parse_qsl(query, keep_blank_values=True):
            check_text(name, field=_BAD_TEXT.sub("?", name), location="query")
            check_text(value, field=_BAD_TEXT.sub("?", name), location="query")
