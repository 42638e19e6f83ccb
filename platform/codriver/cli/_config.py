"""``codriver config show``."""

from __future__ import annotations

import typer

from codriver.cli._output import JsonOption, console, print_json

app = typer.Typer(help="Show the effective configuration.", no_args_is_help=True)


@app.command("show")
def show(as_json: JsonOption = False) -> None:
    """Print the effective settings (environment CODRIVER_*), secrets masked."""
    from codriver.settings import load_settings  # noqa: PLC0415  (pydantic-settings loads when a verb runs)

    data = load_settings().masked()
    if as_json:
        print_json(data)
        return
    for key, value in data.items():
        if isinstance(value, dict):
            for sub, item in value.items():
                console.print(f"{key}.{sub} = {item}")
        else:
            console.print(f"{key} = {value}")
