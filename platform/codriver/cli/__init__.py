"""The ``codriver`` command line. Every verb has ``--json``; errors are one line on stderr."""

from __future__ import annotations

import sys

import typer

from codriver.cli import (
    _chargers,
    _chat,
    _config,
    _plan,
    _pois,
    _region,
    _replan,
    _route,
    _scheduler,
    _schema,
    _serve,
    _simulate,
    _verify,
)
from codriver.cli._demo import demo
from codriver.errors import CodriverError, InputError

__all__ = ["app", "main", "run"]

app = typer.Typer(
    name="codriver",
    help="Plan, recommend and repair car trips with cooperating agents and exact tools.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(_region.app, name="region")
app.add_typer(_config.app, name="config")
app.command("demo")(demo)
app.command("route")(_route.command)
app.command("pois")(_pois.command)
app.command("chargers")(_chargers.command)
app.command("chat")(_chat.command)
app.command("plan")(_plan.command)
app.command("verify")(_verify.command)
app.command("replan")(_replan.command)
app.add_typer(_schema.app, name="schema")
app.command("simulate")(_simulate.command)
app.command("serve")(_serve.command)
app.command("scheduler")(_scheduler.command)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a Codriver error becomes one line on stderr and a non-zero exit."""
    try:
        app(args=argv, prog_name="codriver")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except CodriverError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2 if isinstance(exc, InputError) else 1
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
