"""The scenario file: who travels, what they ask, what happens on the road, what must hold.

A scenario is a YAML document validated by :class:`Scenario` (JSON Schema from
:func:`scenario_schema`). Times are aware ISO 8601 datetimes; event times are minutes after
departure; state of charge is a fraction 0..1. Hidden preferences are the traveller's and
are never shown to the system.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from codriver.errors import InputError
from codriver.planning import DIETS, VehicleSpec
from codriver.regions import CATEGORIES
from codriver.tools.geo import parse_latlon

__all__ = [
    "ChargerOutEvent",
    "ChargerSurvey",
    "ClosedEvent",
    "DelayEvent",
    "Expectations",
    "Hidden",
    "Household",
    "Persona",
    "Scenario",
    "ScenarioEvent",
    "WeatherEvent",
    "WishEvent",
    "compose_request",
    "load_scenario",
    "parse_meal_before",
    "scenario_schema",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Household(_Model):
    """Who travels: ages of every person (children are under 18)."""

    ages: list[int] = Field(min_length=1, description="age in years of each traveller")

    @property
    def adults(self) -> int:
        return sum(1 for a in self.ages if a >= 18)

    @property
    def children(self) -> int:
        return sum(1 for a in self.ages if a < 18)


def _categories(value: list[str]) -> list[str]:
    unknown = sorted(set(value) - set(CATEGORIES))
    if unknown:
        msg = f"unknown categories {unknown}; use some of {list(CATEGORIES)}"
        raise ValueError(msg)
    return value


class Hidden(_Model):
    """True preferences the system never sees; they drive acceptance and the rating."""

    liked_categories: list[str] = Field(default_factory=list)
    disliked_categories: list[str] = Field(default_factory=list)
    disliked_places: list[str] = Field(default_factory=list, description="catalogue names")

    _known = field_validator("liked_categories", "disliked_categories")(_categories)


class Persona(_Model):
    """The traveller."""

    name: str
    household: Household
    diet: list[str] = Field(default_factory=list)
    budget: float | None = Field(default=None, ge=0, description="EUR for the whole party")
    interests: list[str] = Field(default_factory=list, description="stated interests (public)")
    mobility: list[Literal["wheelchair", "step_free"]] = Field(default_factory=list)
    home: str = Field(description="a place name of the region, or 'LAT,LON'")
    talkativeness: float = Field(default=0.5, ge=0, le=1, description="0 terse .. 1 chatty")
    hidden: Hidden = Field(default_factory=Hidden)

    _known = field_validator("interests")(_categories)

    @field_validator("diet")
    @classmethod
    def _diets(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(DIETS))
        if unknown:
            msg = f"unknown diets {unknown}; use some of {list(DIETS)}"
            raise ValueError(msg)
        return value

    @property
    def home_is_point(self) -> bool:
        """Whether ``home`` is coordinates."""
        return parse_latlon(self.home) is not None


class _Event(_Model):
    at_min: float = Field(ge=0, description="minutes after departure")


class DelayEvent(_Event):
    kind: Literal["delay"]
    minutes: int = Field(gt=0, le=600)


class ClosedEvent(_Event):
    kind: Literal["closed"]
    target: str = Field(description="a category (museum, cafe, ...) or a stop's catalogue name")


class ChargerOutEvent(_Event):
    kind: Literal["charger_out"]


class WishEvent(_Event):
    kind: Literal["wish"]
    text: str = Field(min_length=1, description="what the travellers say, e.g. 'we are hungry, lunch now'")


class WeatherEvent(_Event):
    kind: Literal["weather"]
    temperature_c: float = Field(ge=-60, le=60)


ScenarioEvent = Annotated[
    DelayEvent | ClosedEvent | ChargerOutEvent | WishEvent | WeatherEvent, Field(discriminator="kind")
]

_MEAL_BEFORE = re.compile(r"^\s*(breakfast|lunch|dinner)\s+before\s+(\d{1,2}):(\d{2})\s*$")


def parse_meal_before(text: str) -> tuple[str, int]:
    """``"lunch before 14:00"`` as (meal, minutes after midnight); ValueError otherwise."""
    match = _MEAL_BEFORE.match(text.casefold())
    if match is None or int(match.group(2)) > 23 or int(match.group(3)) > 59:
        msg = f"expected '<breakfast|lunch|dinner> before HH:MM', got {text!r}"
        raise ValueError(msg)
    return match.group(1), int(match.group(2)) * 60 + int(match.group(3))


class Expectations(_Model):
    """What must hold at the end of the run; absent ones are not checked."""

    feasible: bool | None = Field(default=None, description="every plan adopted is feasible (or, if false, none)")
    never_below_soc: float | None = Field(default=None, ge=0, le=1)
    meal_before: str | None = Field(default=None, description="e.g. 'lunch before 14:00' (local time)")
    home_action_before_arrival: float | None = Field(
        default=None, ge=0, description="a home climate action at least this many minutes before arrival home"
    )
    max_places_outside_catalogue: int | None = Field(default=None, ge=0)
    answered_with_explanation: bool | None = Field(
        default=None, description="the request is impossible: no feasible plan, and the answer says why"
    )
    min_rating: int | None = Field(default=None, ge=1, le=5)

    @field_validator("meal_before")
    @classmethod
    def _meal(cls, value: str | None) -> str | None:
        if value is not None:
            parse_meal_before(value)
        return value


class HomeSetup(_Model):
    """The connected home: a thermostat the arrival automation switches on."""

    entity_id: str = "climate.living_room"
    indoor_c: float = 16.0
    target_c: float = 21.0
    preheat_min: float | None = Field(default=None, ge=0, description="switch on this long before the ETA")


class ChargerSurvey(_Model):
    """Sockets of an OSM charging station whose tags lack them (a site survey for the simulation)."""

    poi_id: str = Field(pattern=r"^osm:(node|way|relation)/\d+$")
    connector: str = "ccs"
    count: int = Field(default=2, ge=1, le=50)
    power_kw: float = Field(default=50.0, gt=0, le=1000)


Phase = Literal["before", "during", "after"]


class Scenario(_Model):
    """One simulated trip, from the first message to arriving home."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = ""
    phase: list[Phase] = Field(default_factory=lambda: list[Phase](["before"]))
    region: str = "helsinki"
    start: AwareDatetime = Field(description="when the traveller first talks to the assistant")
    persona: Persona
    vehicle: VehicleSpec = Field(default_factory=VehicleSpec)
    request: str | None = Field(
        default=None, description="the first message; without it and conversation, composed from persona and window"
    )
    window: str | None = Field(
        default=None, pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$", description="local 'HH:MM-HH:MM' of a composed request"
    )
    conversation: list[str] = Field(default_factory=list, description="messages after the first plan")
    events: list[ScenarioEvent] = Field(default_factory=list)
    chargers: list[ChargerSurvey] = Field(
        default_factory=list, description="socket data to add to the region's chargers"
    )
    home: HomeSetup = Field(default_factory=HomeSetup)
    expect: Expectations = Field(default_factory=Expectations)

    @model_validator(mode="after")
    def _has_request(self) -> Scenario:
        if not self.request and not self.conversation and not self.window:
            msg = "give a request (the first message), conversation lines, or a window to compose the request"
            raise ValueError(msg)
        return self

    @property
    def first_message(self) -> str:
        """What the traveller says first: the request, the first conversation line, or a composed request."""
        if self.request:
            return self.request
        if self.conversation:
            return self.conversation[0]
        assert self.window is not None  # checked by the validator
        return compose_request(self.persona, self.window)

    @property
    def composed(self) -> bool:
        """Whether the traveller composes the first message from the persona and the window."""
        return not self.request and not self.conversation

    @property
    def later_messages(self) -> list[str]:
        """Refinements said after the first answer."""
        return self.conversation if self.request or self.composed else self.conversation[1:]


_COUNT = ("", "one", "two", "three", "four", "five", "six")
_INTEREST_WORDS = {
    "museum": "museums",
    "gallery": "art galleries",
    "park": "a park",
    "attraction": "sights",
    "historic": "some history",
    "viewpoint": "a viewpoint",
    "cafe": "coffee",
    "bar": "drinks",
    "playground": "a playground",
    "place_of_worship": "a church",
    "artwork": "street art",
    "entertainment": "a show",
    "beach": "a beach",
    "library": "a library",
    "fast_food": "burgers",
}
_DIET_WORDS = {
    "vegan": "vegan",
    "vegetarian": "vegetarian",
    "halal": "halal",
    "kosher": "kosher",
    "gluten_free": "gluten-free",
    "lactose_free": "lactose-free",
}


def compose_request(persona: Persona, window: str) -> str:
    """The persona's public wishes in one message, e.g. "Today from 10:00 to 16:00 with my partner
    and our two kids, museums and a park, vegetarian lunch, budget 150 euros".

    Only public fields are used (never ``hidden``); ``window`` is local ``HH:MM-HH:MM``.
    """
    start, end = window.split("-")
    adults, children = persona.household.adults, persona.household.children
    parts = [f"Today from {start} to {end}"]
    kids = "our son" if children == 1 else f"our {_COUNT[min(children, 6)]} kids"
    if adults <= 1 and children == 0:
        parts[0] += " just me"
    elif adults <= 1:
        parts[0] += f" with {kids.replace('our', 'my')}"
    elif children == 0:
        parts[0] += " with my partner"
    else:
        parts[0] += f" with my partner and {kids}"
    interests = [_INTEREST_WORDS[c] for c in persona.interests if c in _INTEREST_WORDS]
    if interests:
        parts.append(" and ".join([", ".join(interests[:-1]), interests[-1]]) if len(interests) > 1 else interests[0])
    begin, finish = int(start[:2]), int(end[:2])
    meal = "breakfast" if begin < 10 else "lunch" if begin < 14 and finish >= 13 else "dinner" if finish >= 19 else None
    if meal is not None:
        diet = " ".join(_DIET_WORDS[d] for d in persona.diet)
        parts.append(f"{diet} {meal}".strip())
    if "wheelchair" in persona.mobility:
        parts.append("one of us uses a wheelchair")
    elif "step_free" in persona.mobility:
        parts.append("step-free access please")
    if persona.budget is not None:
        parts.append(f"budget {persona.budget:g} euros")
    return ", ".join(parts)


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file."""
    schema = Scenario.model_json_schema()
    schema["$id"] = "https://codriver.dev/schema/scenario.schema.json"
    return schema


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """1-based line of the deepest node along ``loc`` (pydantic error location)."""
    line = None if node is None else node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
            if found is None:
                continue  # a discriminator tag, or a missing field: stay on the parent's line
            key = next(k for k, v in node.value if v is found)
            node, line = found, key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            continue  # discriminator tags and the like are not in the document
    return line


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; errors name the file, the line and the field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"cannot read scenario {path}: {exc}"
        raise InputError(msg) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        msg = f"{path}{where}: not valid YAML: {exc}"
        raise InputError(msg) from exc
    if not isinstance(data, dict):
        msg = f"{path}:1: a scenario is a mapping of fields (name, start, persona, ...)"
        raise InputError(msg)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            line = _line_of(node, loc)
            field = ".".join(str(p) for p in loc) or "(document)"
            lines.append(f"{path}:{line or 1}: {field}: {error['msg']}")
        msg = "invalid scenario:\n" + "\n".join(lines)
        raise InputError(msg) from exc
