"""``codriver chat``: talk to the agents, interactively or from a script file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from codriver.cli._context import runtime
from codriver.cli._output import JsonOption, console, print_json
from codriver.errors import InputError

LlmOption = Annotated[
    str | None, typer.Option("--llm", help="model backend: local, openai or replay (default: from settings)")
]


def _script_lines(path: Path) -> list[str]:
    """The traveller's messages: one per line; blank lines and ``#`` comments are skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"cannot read the script {path}: {exc.strerror or exc}"
        raise InputError(msg, field="script") from exc
    lines = [line.strip() for line in text.splitlines()]
    messages = [line for line in lines if line and not line.startswith("#")]
    if not messages:
        msg = f"the script {path} has no messages"
        raise InputError(msg, field="script")
    return messages


def command(
    script: Annotated[Path | None, typer.Option(help="a file of messages, one per line, instead of typing")] = None,
    llm: LlmOption = None,
    region_name: Annotated[str | None, typer.Option("--region", help="region (default: the configured one)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Plan, ask for suggestions and change the plan in a conversation with the agents."""
    import asyncio  # noqa: PLC0415  (not needed for --help)

    from codriver.agents import TripAssistant  # noqa: PLC0415  (AutoGen loads slowly)
    from codriver.planning import RegionTools  # noqa: PLC0415

    messages = _script_lines(script) if script is not None else None
    with runtime() as rt:
        tools = RegionTools.load(rt, region_name)
        client = rt.chat_client(llm) if llm != "none" else None
        assistant = TripAssistant(tools, client=client)

        async def conversation() -> list[dict[str, Any]]:
            turns: list[dict[str, Any]] = []
            source = iter(messages) if messages is not None else None
            while True:
                if source is not None:
                    text = next(source, None)
                else:
                    if not as_json:
                        console.print("[bold]you>[/bold] ", end="")
                    line = sys.stdin.readline()
                    text = line.strip() if line else None
                if text is None or text.lower() in {"quit", "exit", "bye"}:
                    return turns
                if not text:
                    continue
                reply = await assistant.send(text)
                turns.append({"user": text, **reply.as_dict()})
                if not as_json:
                    if source is not None:
                        console.print(f"[bold]you>[/bold] {text}")
                    console.print(f"[bold]{reply.agent}>[/bold] {reply.text}\n")

        turns = asyncio.run(conversation())
    if as_json:
        print_json({"turns": turns, "usage": assistant.meter.total().as_dict()})
