"""A loopback HTTP server that replays recorded answers of an HTTP provider (OSRM, Open Charge Map, ...).

A recording is a JSON list of exchanges ``{"request": "GET /path?query", "status": 200,
"response": <the provider's JSON body, as it answered>}``. A request is matched by its path
and its query parameters (in any order); an exchange recorded without a query answers every
query of its path. A POST exchange adds ``"body"``: the request's form fields (Overpass's
``data``) or JSON body as an object, matched whatever the order of its keys; a POST
exchange without ``"body"`` answers every body sent to its path. A request never recorded is answered HTTP 599 with a body that names it,
so a test fails saying what to record. With ``upstream`` set the server records instead: it
forwards every request to the real provider and keeps the answer (see
``tests/contract/README.md``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

__all__ = ["ReplayServer", "read_body", "replaying", "request_key"]

NOT_RECORDED = 599


def request_key(method: str, target: str, *, drop: tuple[str, ...] = (), body: Any = None) -> str:
    """``METHOD /path?query`` with the query's parameters sorted (and ``drop``, e.g. an API key, left out).

    ``body`` (a POST's form fields or JSON) follows as compact JSON with sorted keys.
    """
    parts = urlsplit(target)
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in drop)
    key = f"{method} {parts.path}" + (f"?{urlencode(query)}" if query else "")
    return key if body is None else f"{key} {json.dumps(body, sort_keys=True, separators=(',', ':'))}"


def read_body(content_type: str, raw: bytes) -> Any:
    """A request body as recordings hold it: form fields as an object, JSON as parsed; None when empty."""
    if not raw:
        return None
    if "application/x-www-form-urlencoded" in content_type:
        return dict(parse_qsl(raw.decode(), keep_blank_values=True))
    return json.loads(raw)


class ReplayServer:
    """Replays ``recording`` on 127.0.0.1 (a free port); records into it from ``upstream`` when given.

    ``recording`` is a recording file or the exchanges themselves; ``drop`` names query
    parameters that are neither matched nor recorded (an API key).
    """

    def __init__(
        self,
        recording: Path | list[dict[str, Any]],
        *,
        upstream: str | None = None,
        drop: tuple[str, ...] = (),
    ) -> None:
        self.recording = recording if isinstance(recording, Path) else Path("exchanges")
        self.upstream = upstream.rstrip("/") if upstream else None
        self.drop = drop
        self.exchanges: list[dict[str, Any]] = [] if isinstance(recording, Path) else list(recording)
        if isinstance(recording, Path) and recording.exists():
            self.exchanges = json.loads(recording.read_text(encoding="utf-8"))
        self.answers = {
            request_key(*e["request"].split(" ", 1), drop=drop, body=e.get("body")): e for e in self.exchanges
        }
        self.seen: list[str] = []
        self.missing: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, name="replay", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        if self.upstream is not None:
            self.recording.parent.mkdir(parents=True, exist_ok=True)
            ordered = sorted(self.answers.values(), key=lambda e: str(e["request"]))
            self.recording.write_text(json.dumps(ordered, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    def answer(self, method: str, target: str, body: Any = None) -> tuple[int, bytes]:
        key = request_key(method, target, drop=self.drop, body=body)
        bare = request_key(method, target, drop=self.drop)
        with self._lock:
            self.seen.append(key)
            exchange = self.answers.get(key) or self.answers.get(bare) or self.answers.get(bare.split("?", 1)[0])
        if exchange is None and self.upstream is not None and body is None:  # POSTs are hand-written, not recorded
            response = httpx.request(method, self.upstream + target, timeout=30)
            exchange = {"request": key, "status": response.status_code, "response": response.json()}
            with self._lock:
                self.answers[key] = exchange
        if exchange is None:
            with self._lock:
                self.missing.append(key)
            body = {"code": "NotRecorded", "message": f"no recorded answer for {key} in {self.recording.name}"}
            return NOT_RECORDED, json.dumps(body).encode()
        return int(exchange["status"]), json.dumps(exchange["response"]).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._reply(*server.answer("GET", self.path))

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._reply(*server.answer("POST", self.path, read_body(self.headers.get("Content-Type", ""), raw)))

            def _reply(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


@contextmanager
def replaying(recording: Path) -> Iterator[ReplayServer]:
    """A :class:`ReplayServer` of ``recording``; fails on leaving when a request had no recorded answer."""
    with ReplayServer(recording) as server:
        yield server
    assert not server.missing, f"requests without a recorded answer: {server.missing[:3]}"
