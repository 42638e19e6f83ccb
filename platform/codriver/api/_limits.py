"""Request size limits and per-credential rate limiting, as plain ASGI middleware.

The rate limiter is a token bucket per principal (the user or vehicle a checked credential
belongs to, else the client address), kept in memory: each process limits on its own. A
refused request gets 429 with ``Retry-After`` (whole seconds). :class:`Admission` bounds
the request sessions open at once (503 with ``Retry-After`` when one waits too long).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from codriver.errors import StoreError

__all__ = [
    "Admission",
    "BodySizeLimit",
    "Busy",
    "RateLimit",
    "TokenBuckets",
    "bearer_digest",
    "charge_failed",
    "client_address",
    "replay",
]


async def _send_json(send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] = ()) -> None:  # type: ignore[assignment]
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": data})


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413, by Content-Length or while reading a chunked body.

    The body is read here, before any route sees it (at most ``max_bytes`` are kept), and
    handed on in one piece: a body streamed without a length gets 413 as well, not the
    framework's 400 "error parsing the body".
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        body = {"detail": f"request body over {self.max_bytes} bytes", "field": "body"}
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _send_json(send, 413, body)
            return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                await _send_json(send, 413, body)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, replay(b"".join(chunks), receive), send)


def replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands over ``body`` once, then whatever the client sends next (a disconnect)."""
    pending = [body]

    async def replayed() -> Message:
        if pending:
            return {"type": "http.request", "body": pending.pop(), "more_body": False}
        return await receive()

    return replayed


class TokenBuckets:
    """Token buckets by key: ``rate`` tokens per second, at most ``burst`` stored.

    Also remembers which principal a credential belongs to (:meth:`remember`, filled once
    the credential has been checked), so that requests are limited per user or vehicle,
    not per string a client can make up.
    """

    def __init__(self, *, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._principals: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one token: 0.0 when allowed, else the seconds until one is available."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 100_000:  # forget idle credentials rather than grow without bound
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
            return (1.0 - tokens) / self.rate

    def peek(self, key: str) -> float:
        """Seconds until ``key`` has a token (0.0: it has one now); takes nothing."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate

    def remember(self, digest: str, principal: str) -> None:
        """Requests carrying the credential with this SHA-256 (hex) count against ``principal``'s bucket."""
        with self._lock:
            self._principals[digest] = principal
            self._principals.move_to_end(digest)
            if len(self._principals) > 100_000:
                self._principals.popitem(last=False)

    def forget(self, digest: str) -> None:
        """A revoked credential counts against its caller's address again."""
        with self._lock:
            self._principals.pop(digest, None)

    def principal_of(self, digest: str | None) -> str | None:
        """The bucket of the checked principal a credential belongs to (None: not checked by this process)."""
        if digest is None:
            return None
        with self._lock:
            return self._principals.get(digest)


def bearer_digest(headers: dict[bytes, bytes]) -> str | None:
    """SHA-256 (hex) of the request's bearer credential, as :func:`~codriver.api._security.hash_secret` makes it."""
    value = headers.get(b"authorization")
    if not value:
        return None
    scheme, _, secret = value.partition(b" ")
    if scheme.lower() != b"bearer" or not secret.strip():
        return None
    return hashlib.sha256(secret.strip()).hexdigest()


class RateLimit:
    """429 with Retry-After once a principal (else a client address) has used up its bucket.

    A checked credential counts against its principal's bucket. One this process has not
    checked yet takes nothing here, but is refused while its address's bucket is empty, and
    the check charges the address when it fails (:func:`charge_failed`): a made-up bearer per
    request gets no fresh bucket, and cars behind one address (carrier NAT) that reconnect
    with good keys are not limited together.
    """

    def __init__(self, app: ASGIApp, *, buckets: TokenBuckets) -> None:
        self.app = app
        self.buckets = buckets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        digest = bearer_digest(dict(scope.get("headers") or []))
        principal = self.buckets.principal_of(digest)
        address = "a:" + client_address(scope)
        if principal is not None:
            wait = self.buckets.take(principal)
        elif digest is not None:
            wait = self.buckets.peek(address)
        else:
            wait = self.buckets.take(address)
        if wait > 0:
            retry = max(1, math.ceil(wait))
            body = {"detail": f"too many requests: retry in {retry} s", "field": "authorization"}
            await _send_json(send, 429, body, [(b"retry-after", str(retry).encode())])
            return
        await self.app(scope, receive, send)


def client_address(scope: Scope) -> str:
    """The client's IP address ("unknown" when the server does not say)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def charge_failed(buckets: TokenBuckets, scope: Scope) -> None:
    """A credential failed its check: one token from the client address's bucket."""
    buckets.take("a:" + client_address(scope))


class Admission:
    """At most ``limit`` request sessions open at once; :meth:`turn` waits ``wait_s`` for one, else :class:`Busy`.

    A request session (``SessionDep``) holds a pooled database connection across the
    request's hops between worker threads, so these turns bound the connections held that
    way, and a burst of clients queues here, on the event loop (which keeps answering
    ``/v1/health``), instead of in the pool. Routes that only plan or stream take no turn.
    """

    def __init__(self, *, limit: int, wait_s: float) -> None:
        self.limit = limit
        self.wait_s = wait_s
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:  # one per event loop (tests start several)
            self._slots = (loop, asyncio.Semaphore(self.limit))
        return self._slots[1]

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold one turn while the block runs."""
        slots = self._semaphore()
        try:
            await asyncio.wait_for(slots.acquire(), self.wait_s)
        except TimeoutError:
            msg = f"the service is busy (no turn within {self.wait_s:g} s): retry in 1 s"
            raise Busy(msg) from None
        try:
            yield
        finally:
            slots.release()


class Busy(StoreError):
    """Every turn is taken (503 with ``Retry-After``)."""
