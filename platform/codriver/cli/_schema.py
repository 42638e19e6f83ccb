"""``codriver schema``: the published JSON Schemas of the planning documents."""

from __future__ import annotations

from typing import Any

import typer

from codriver.cli._output import JsonOption, print_json

__all__ = ["SCHEMAS", "app", "schema_of"]

app = typer.Typer(help="Print the JSON Schema of a planning document.", no_args_is_help=True)

#: Published documents: command name -> model of ``codriver.planning`` (by name: the planning
#: package loads OR-Tools, which `codriver schema --help` need not wait for).
SCHEMAS: dict[str, str] = {
    "itinerary": "Itinerary",
    "trip-request": "TripRequest",
    "replan-event": "ReplanInput",
    "replan-result": "ReplanResult",
}


def schema_of(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the document ``name``, with its ``$id``."""
    import codriver.planning  # noqa: PLC0415

    schema = getattr(codriver.planning, SCHEMAS[name]).model_json_schema()
    ref = schema.pop("$ref", None)
    if isinstance(ref, str) and ref.startswith("#/$defs/"):  # a recursive model (a trip's days): its own def on top
        schema = {**schema["$defs"][ref.removeprefix("#/$defs/")], **schema}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"codriver:{name}", **schema}


def _register(name: str) -> None:
    def show(as_json: JsonOption = True) -> None:
        del as_json  # a schema is JSON either way; the flag is accepted like on every verb
        print_json(schema_of(name))

    show.__doc__ = f"The JSON Schema of the {name.replace('-', ' ')} document."
    app.command(name)(show)


for _name in SCHEMAS:
    _register(_name)
