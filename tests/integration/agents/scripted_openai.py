"""A scripted OpenAI-compatible chat server on loopback, for tests and measurements only.

It plays a script of model turns: each is a tool-call turn, a text turn, or a function of the
request that returns one (so a turn can use an ID from the last tool result, as a model
would). Every request body is kept for assertions. Usage in each answer counts the request's
messages and tools as sent, with ``count_tokens`` (default: 4 characters per token, an
estimate; the benchmark passes a real tokenizer). It is not a model: what it answers is the
script.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Turn = dict[str, Any]
Step = Turn | Callable[[dict[str, Any]], Turn]


def call(tool: str, /, **arguments: Any) -> Turn:
    """A turn that calls one tool."""
    return {"tool_calls": [(tool, arguments)]}


def calls(*pairs: tuple[str, dict[str, Any]]) -> Turn:
    """A turn that calls several tools at once."""
    return {"tool_calls": list(pairs)}


def say(text: str) -> Turn:
    """A turn that answers with text."""
    return {"content": text}


def last_tool_result(request: dict[str, Any]) -> str:
    """The content of the last tool message of ``request``."""
    return next(m["content"] for m in reversed(request["messages"]) if m["role"] == "tool")


def searched_id(request: dict[str, Any]) -> str:
    """The first catalogue ID of the latest tool result that is a search's list of places."""
    for message in reversed(request["messages"]):
        if message["role"] != "tool":
            continue
        try:
            rows = json.loads(message["content"])
        except ValueError:
            continue
        if isinstance(rows, list) and rows:
            return str(rows[0]["id"])
    msg = "no search result in the conversation"
    raise AssertionError(msg)


def estimate_tokens(text: str) -> int:
    """About four characters per token (an estimate, not a tokenizer)."""
    return max(1, round(len(text) / 4))


@dataclass
class ScriptedServer:
    """The script, the requests received, and the counts per request."""

    script: list[Step]
    count_tokens: Callable[[str], int] = estimate_tokens
    requests: list[dict[str, Any]] = field(default_factory=list)
    usage: list[tuple[int, int]] = field(default_factory=list)  # (prompt, completion) per request
    base_url: str = ""

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        """The chat completion for ``request``: the next turn of the script."""
        self.requests.append(request)
        if not self.script:
            return {"error": {"message": "the script has no turn left", "type": "script"}}
        step = self.script.pop(0)
        turn = step(request) if callable(step) else step
        index = len(self.requests)
        message: dict[str, Any] = {"role": "assistant", "content": turn.get("content")}
        finish = "stop"
        if "tool_calls" in turn:
            message["tool_calls"] = [
                {
                    "id": f"call_{index}_{i}",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(arguments)},
                }
                for i, (name, arguments) in enumerate(turn["tool_calls"])
            ]
            finish = "tool_calls"
        prompt = self.count_tokens(json.dumps({"messages": request["messages"], "tools": request.get("tools", [])}))
        completion = self.count_tokens(json.dumps({k: v for k, v in message.items() if v is not None}))
        self.usage.append((prompt, completion))
        return {
            "id": f"chatcmpl-{index}",
            "object": "chat.completion",
            "created": 0,
            "model": request.get("model", "scripted"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
        }

    def tools_sent(self, index: int = 0) -> dict[str, dict[str, Any]]:
        """The tools of request ``index``, by name, as their JSON ``function`` objects."""
        return {t["function"]["name"]: t["function"] for t in self.requests[index].get("tools", [])}


@contextmanager
def scripted_server(
    script: list[Step], *, count_tokens: Callable[[str], int] = estimate_tokens
) -> Iterator[ScriptedServer]:
    """Serve ``script`` at ``http://127.0.0.1:PORT/v1`` while the block runs."""
    state = ScriptedServer(list(script), count_tokens)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))))
            answer = state.answer(body) if self.path.endswith("/chat/completions") else {"error": "not found"}
            data = json.dumps(answer).encode()
            self.send_response(500 if "error" in answer else 200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _museum_and_vegan_lunch(request: dict[str, Any]) -> Turn:
    """plan_trip for Thursday 26 November 2026, 09:00-17:00, from the first place searched."""
    return call(
        "plan_trip",
        day="2026-11-26",
        depart="09:00",
        back_by="17:00",
        origin=searched_id(request),
        interests=["museum"],
        meals=["lunch"],
        diet=["vegan"],
    )


ONE_DAY_PLAN: list[Step] = [
    call("search_places", name="Ateneum"),
    _museum_and_vegan_lunch,
    call("verify_plan"),
    say("Here is your day."),
]
"""A one-day plan from Ateneum as a capable model would make it: search, plan, verify, answer."""
