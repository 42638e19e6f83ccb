"""Request IDs: every answer carries ``X-Request-ID``, and every log line written for it names it.

A client's own ``X-Request-ID`` (1 to 64 letters, digits, ``._:-``) is kept, so one ID
follows a request through a proxy; otherwise a new one is made. The ID lives in a
context variable, which worker threads started with ``anyio.to_thread`` inherit, and
:class:`RequestIdFilter` puts it on log records as ``request_id`` ("-" outside requests).
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["REQUEST_ID", "RequestId", "RequestIdFilter", "request_id"]

REQUEST_ID: ContextVar[str] = ContextVar("codriver_request_id", default="-")
_SAFE = re.compile(rb"^[A-Za-z0-9._:-]{1,64}$")


def request_id() -> str:
    """The ID of the request being answered ("-" outside one)."""
    return REQUEST_ID.get()


class RequestId:
    """Give every HTTP request an ID (the client's, if it is safe to log) and send it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(b"x-request-id", b"")
        ident = sent.decode() if _SAFE.match(sent) else uuid.uuid4().hex[:16]
        # not reset afterwards: each request runs in a task of its own (a copy of the context), and
        # the handler of unexpected errors, outside every middleware, still logs under this ID
        REQUEST_ID.set(ident)

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", ident.encode())]
            await send(message)

        await self.app(scope, receive, tagged)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (for formats such as ``[%(request_id)s]``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True
