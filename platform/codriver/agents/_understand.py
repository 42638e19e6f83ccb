"""Request understanding: free text → ``TripRequest``, or the question to ask first.

Two readers work together. The rule reader (:mod:`._reader`) finds what the text states,
with evidence. The model, when there is one, fills only the fields the rules left empty,
under a JSON schema whose values are enumerations of ours, and a value it proposes is
kept only when the text supports it (a number it reads must appear in the text, a
category must be named by one of its words). Whatever is still missing gets a documented
default, or — for what cannot be guessed (where the trip starts, an EV's charge) — a
follow-up question.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal

from autogen_core.models import ChatCompletionClient, SystemMessage, UserMessage
from pydantic import BaseModel, Field, ValidationError

from codriver.agents._cuisine import CuisineWish, read_cuisines
from codriver.agents._lexicon import DIET_WORDS, INTEREST_WORDS, MEAL_WINDOWS, MEAL_WORDS, NUMBER_WORDS
from codriver.agents._linking import link_places
from codriver.agents._reader import RequestDraft, is_negated, read_request
from codriver.agents._when import country_of_zone, holiday_words, part_window
from codriver.planning import (
    DIETS,
    Location,
    RegionTools,
    TripRequest,
    UnderstoodField,
    VehicleSpec,
    WishNotMet,
)
from codriver.regions import CATEGORIES
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.geocoding import LOCALITY_PLACES, Gazetteer, fold
from codriver.tools.places import PlaceIndex

__all__ = [
    "ModelHints",
    "NotUnderstood",
    "PlanContext",
    "Understanding",
    "Understood",
    "describe",
    "region_facts",
    "understand",
]

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Diet = Literal[DIETS]  # type: ignore[valid-type]
# Budget words as a cap on the estimated costs, per person (EUR): said back as an assumption.
_PRICE_CAP = {"cheap": 25, "moderate": 50}
_DEFAULT_INTERESTS = {"attraction": 0.6, "museum": 0.5, "park": 0.5, "cafe": 0.4, "viewpoint": 0.4}
_SYSTEM = (
    "You read a car-trip request and fill a JSON form. Fill a field only when the request says it; "
    "otherwise leave it null or empty."
)


class ModelHints(BaseModel):
    """What the model may propose; every value is constrained by this schema."""

    interests: list[Category] = Field(default_factory=list, max_length=5)
    avoid: list[Category] = Field(default_factory=list, max_length=5)
    diet: list[Diet] = Field(default_factory=list, max_length=3)
    meals: list[Literal["breakfast", "lunch", "dinner"]] = Field(default_factory=list, max_length=3)
    powertrain: Literal["ev", "ice"] | None = None
    battery_percent: int | None = Field(default=None, ge=0, le=100)
    adults: int | None = Field(default=None, ge=1, le=20)
    children: int | None = Field(default=None, ge=0, le=20)
    budget: float | None = Field(default=None, ge=0, le=100_000)
    # no regex patterns: llama.cpp's schema-to-grammar cannot read \d; the values are parsed on merging
    date: str | None = Field(default=None, max_length=10, description="the day of the trip, YYYY-MM-DD")
    depart: str | None = Field(default=None, max_length=5, description="leaving time, 24-hour HH:MM")
    back: str | None = Field(default=None, max_length=5, description="latest return, 24-hour HH:MM")
    places: list[str] = Field(default_factory=list, max_length=5, description="places named, as written")
    food: list[str] = Field(default_factory=list, max_length=3, description="cuisines or dishes named, as written")
    start: str | None = Field(default=None, max_length=80, description="where the trip starts, as written")
    reserve_percent: int | None = Field(default=None, ge=0, le=90, description="never below this charge")


class PlanContext(BaseModel):
    """What is known before the text is read: the clock, the region, the user and car."""

    now: datetime = Field(description="aware, in the region's zone")
    region: str
    origin: Location | None = Field(default=None, description="home or the car's position")
    vehicle: VehicleSpec | None = None
    diet: list[str] = Field(default_factory=list)
    interests: dict[str, float] = Field(default_factory=dict)
    charging_networks: tuple[str, ...] = ()
    country: str | None = Field(default=None, description="ISO code: whose public holidays are named")
    cuisines: frozenset[str] | None = Field(default=None, description="cuisine values of the region; None: unknown")
    categories: frozenset[str] | None = Field(default=None, description="categories of the region; None: unknown")
    diets: frozenset[str] | None = Field(default=None, description="diets some place of the region serves")
    request: TripRequest | None = Field(default=None, description="the trip being changed, for follow-ups")


class Understood(BaseModel):
    """One field read from the text, with the words it came from."""

    field: str
    value: Any
    said: str
    source: Literal["rules", "model", "trip"] = "rules"


class NotUnderstood(BaseModel):
    """Words that were ignored or a wish that cannot be met, and why."""

    said: str
    reason: str
    kind: Literal["not_here", "not_read"] = Field(
        default="not_here", description="not_here: a wish the region cannot meet; not_read: words that were not used"
    )


class Understanding(BaseModel):
    """The outcome: a request to plan, or the questions to ask first."""

    stated: dict[str, Any] = Field(description="fields the text states")
    evidence: dict[str, str] = Field(default_factory=dict, description="field -> the words it came from")
    source: dict[str, Literal["rules", "model"]] = Field(default_factory=dict)
    assumptions: list[str] = Field(default_factory=list, description="defaults used, said to the user")
    questions: list[str] = Field(default_factory=list, description="follow-up questions; empty when ready")
    unresolved_places: list[str] = Field(default_factory=list)
    understood: list[Understood] = Field(default_factory=list, description="each field with the words it came from")
    linked: list[dict[str, Any]] = Field(
        default_factory=list,
        description="each place named: field, words, catalogue ID or street:NAME, name, confidence 0..1, category",
    )
    not_understood: list[NotUnderstood] = Field(
        default_factory=list, description="wishes that were ignored or cannot be met here, with the reason"
    )
    request: TripRequest | None = None

    def summary(self) -> dict[str, Any]:
        """The JSON every answer carries: ``understood``, ``not_understood`` and ``assumptions``."""
        return {
            "understood": [u.model_dump(mode="json") for u in self.understood],
            "not_understood": [n.model_dump(mode="json") for n in self.not_understood],
            "linked": list(self.linked),
            "assumptions": list(self.assumptions),
        }


def region_facts(tools: RegionTools) -> dict[str, Any]:
    """What the reader needs to know of a region: its country, cuisines, categories and diets served."""
    return dict(_catalogue_facts(tools.places.index, tools.region.timezone))


@lru_cache(maxsize=8)
def _catalogue_facts(index: PlaceIndex, timezone: str | None) -> tuple[tuple[str, Any], ...]:
    """Computed once per loaded catalogue (a region's index is built once per process and import)."""
    entries = index.entries
    served = {"yes", "only", "limited"}
    return (
        ("country", country_of_zone(timezone)),
        ("cuisines", frozenset(c for e in entries for c in e.cuisine)),
        ("categories", frozenset(e.category for e in entries)),
        ("diets", frozenset(d for e in entries for d, v in e.diets.items() if (v or "").lower() in served)),
    )


def _words_for(value: str, table: dict[str, str]) -> str:
    return "|".join(pattern for pattern, target in table.items() if target == value) or re.escape(value)


def _grounded(text: str, value: str, table: dict[str, str]) -> bool:
    """Whether the text names ``value`` at least once without negating it ("no museums")."""
    return any(
        not is_negated(text, match.start()) for match in re.finditer(rf"\b(?:{_words_for(value, table)})\b", text)
    )


def _number_in(text: str, number: float, unit: str) -> bool:
    """Whether ``number`` stands in the text next to its unit (a bare "10" of "10:00" is not a count)."""
    value = rf"(?<![\d.:]){round(number)}(?![\d:])"
    return re.search(rf"{value}\s*(?:{unit})|(?:{unit})\s*{value}", text) is not None


_PEOPLE = r"adults?|people|persons?|of us|kids?|children|child|grown-?ups?"
_MONEY = r"€|eur\w*|euros?|\$|dollars?|£|pounds?|budget|max|under"
_PERCENT = r"%|percent|per cent"


def merge_hints(
    draft: RequestDraft,
    hints: ModelHints,
    text: str,
    *,
    now: datetime | None = None,
    gazetteer: Gazetteer | None = None,
) -> dict[str, str]:
    """Add the model's grounded proposals to ``draft`` for fields it lacks; return their sources."""
    lowered = text.casefold()
    # "Market Square" names a place: its words are no interest in squares, whatever the model proposes
    for said in [*(link["said"] for link in draft.linked), *(said for said, _ in draft.positions)]:
        lowered = lowered.replace(said.casefold(), " ")
    added: dict[str, str] = {}
    fields = draft.fields
    interests = [c for c in hints.interests if _grounded(lowered, c, INTEREST_WORDS)]
    if interests and "interests" not in fields:
        fields["interests"] = dict.fromkeys(interests, 1.0)
        added["interests"] = "model"
    avoid = [c for c in hints.avoid if _grounded(lowered, c, INTEREST_WORDS)]
    if avoid and "avoid_categories" not in fields:
        fields["avoid_categories"] = sorted(set(avoid))
        added["avoid_categories"] = "model"
    diet = [d for d in hints.diet if _grounded(lowered, d, DIET_WORDS)]
    if diet and "diet" not in fields:
        fields["diet"] = sorted(set(diet))
        added["diet"] = "model"
    meals = [m for m in hints.meals if _grounded(lowered, m, MEAL_WORDS)]
    if meals and "meals" not in fields:
        fields["meals"] = [
            {
                "meal": m,
                "earliest": MEAL_WINDOWS[m][0].isoformat("minutes"),
                "latest": MEAL_WINDOWS[m][1].isoformat("minutes"),
                "duration_min": 60,
            }
            for m in dict.fromkeys(meals)
        ]
        added["meals"] = "model"
    vehicle = dict(fields.get("vehicle", {}))
    if (
        hints.battery_percent is not None
        and "soc" not in vehicle
        and _number_in(lowered, hints.battery_percent, _PERCENT)
    ):
        vehicle["soc"] = hints.battery_percent / 100
        vehicle.setdefault("powertrain", "ev")
        added["vehicle"] = "model"
    if vehicle != fields.get("vehicle", {}):
        fields["vehicle"] = vehicle
    if hints.budget is not None and "budget" not in fields and _number_in(lowered, hints.budget, _MONEY):
        fields["budget"] = float(hints.budget)
        added["budget"] = "model"
    if "party" not in fields and hints.adults is not None and _number_in(lowered, hints.adults, _PEOPLE):
        children = hints.children if hints.children is not None and _number_in(lowered, hints.children, _PEOPLE) else 0
        fields["party"] = {"adults": hints.adults, "children": children, "accessibility": []}
        added["party"] = "model"
    added.update(_merge_when_and_where(draft, hints, text, now=now, gazetteer=gazetteer))
    return added


_FIRST_TEN = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_TEENS = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth")
# "" for 0, then "first" .. "thirty-first": the days of a month as people write them
_ORDINAL_WORDS = (
    "",
    *_FIRST_TEN,
    *_TEENS,
    "eighteenth",
    "nineteenth",
    "twentieth",
    *(f"twenty-{w}" for w in _FIRST_TEN),
    "thirtieth",
    "thirty-first",
)


def _hour_said(text: str, clock: time) -> bool:
    """Whether the text says this hour, as 24- or 12-hour digits or as a word ("five")."""
    hours = {clock.hour, clock.hour - 12 if clock.hour > 12 else clock.hour}
    words = {w for w, n in NUMBER_WORDS.items() if n in hours and " " not in w and len(w) > 2}
    digits = "|".join(str(h) for h in hours)
    # "lunch under 15 euros", "2 adults", "40 %": a number with a unit is no hour
    unit = r"(?!\s*(?:€|e\b|eur|euros?|dollars?|\$|%|percent|per cent|km|kwh|adults?|people|persons?|kids?|children|"
    unit += r"stops?|hours?|h\b|min|minutes?|stars?|days?|nights?|museums?|places?))"
    hour = rf"(?<![\d.:€$])(?:{digits})(?![\d]){unit}|\b(?:{'|'.join(words) or '$^'})\b{unit}"
    return re.search(hour, text) is not None


def _merge_when_and_where(
    draft: RequestDraft, hints: ModelHints, text: str, *, now: datetime | None, gazetteer: Gazetteer | None
) -> dict[str, str]:
    """The model's day, times, places and food words, each kept only when the text or the catalogue bears it out."""
    lowered = text.casefold()
    fields = draft.fields
    added: dict[str, str] = {}
    if hints.date and "date" not in fields and now is not None and not draft.questions:
        try:
            day = date.fromisoformat(hints.date)
        except ValueError:
            day = None
        # the day's number as a date ("18th", "18.12", "18 december", "december 18"), its ordinal word
        # ("the twenty-eighth"), or its weekday name
        said = day is not None and (
            re.search(rf"\bthe {_ORDINAL_WORDS[day.day]}\b", lowered) is not None
            or re.search(
                rf"(?<![\d:.]){day.day}(?:st|nd|rd|th|\.\s?{day.month}\b|\s+(?:of\s+)?{day:%B})|{day:%B}\s+{day.day}\b",
                lowered,
                flags=re.IGNORECASE,
            )
            is not None
            or day.strftime("%A").casefold() in lowered
        )
        if day is not None and said and now.date() <= day <= now.date() + timedelta(days=730):
            fields["date"] = day.isoformat()
            added["date"] = "model"
    for name, key in (("depart", "depart_at"), ("back", "return_by")):
        value = getattr(hints, name)
        if value and key not in fields and now is not None:
            try:
                clock = time.fromisoformat(value)
            except ValueError:
                continue
            if _hour_said(lowered, clock):
                day = date.fromisoformat(fields["date"]) if "date" in fields else now.date()
                fields[key] = datetime.combine(day, clock, now.tzinfo).isoformat()
                added[key] = "model"
    if gazetteer is not None and hints.places:
        must = list(fields.get("must_visit", []))
        # a place the rules already gave a role (start, end, avoided, where to eat) is not one more visit
        placed = {link["value"] for link in draft.linked} | {
            (meal.get("near") or {}).get("place_id") for meal in fields.get("meals", [])
        }
        for name in hints.places:
            if fold(name) not in fold(text):
                continue  # a name the text does not contain is the model's, not the traveller's
            mentions, _ = link_places(name, gazetteer)
            found = [m.place_id for m in mentions if m.place_id is not None]
            if len(found) == 1 and found[0] not in must and found[0] not in placed:
                must.append(found[0])
                added["must_visit"] = "model"
        if must:
            fields["must_visit"] = must
    if hints.start and "origin" not in fields and gazetteer is not None and fold(hints.start) in fold(text):
        mentions, _ = link_places(hints.start, gazetteer)
        if len(mentions) == 1:
            start = mentions[0]
            fields["origin"] = (
                {"place_id": start.place_id, "name": start.name}
                if start.place_id
                else {"lat": start.lat, "lon": start.lon, "name": start.name}
            )
            added["origin"] = "model"
    reserve = hints.reserve_percent
    vehicle = dict(fields.get("vehicle", {}))
    if reserve is not None and "reserve_soc" not in vehicle and _number_in(lowered, reserve, _PERCENT):
        vehicle["reserve_soc"] = reserve / 100
        vehicle.setdefault("powertrain", "ev")
        fields["vehicle"] = vehicle
        added["vehicle"] = "model"
    if hints.food and "cuisine" not in fields:
        wishes = [w for word in hints.food if word.casefold() in lowered for w in read_cuisines(word.casefold())]
        if wishes:
            fields["cuisine"] = [{"said": w.said, "values": list(w.values)} for w in wishes]
            added["cuisine"] = "model"
    return added


_CHARGING_WISH = re.compile(
    # "needs to be charged": a wish; "it is fully charged": the charge now
    r"\b(?:charg(?:e|ing)(?: stop| station| point| break)?s?|(?<=be )charged|chargers?|recharg\w*|"
    r"top(?:ping)? up the (?:battery|car)|bornes? de recharge)\b"
)


def _no_chargers(text: str, context: PlanContext) -> list[NotUnderstood]:
    """ "a charging stop please" where the region has no charging station: said, never a plan that seems to keep it."""
    if context.categories is None or "charging_station" in context.categories:
        return []
    wish = _CHARGING_WISH.search(text.casefold())
    if wish is None or is_negated(text.casefold(), wish.start()):
        return []
    return [NotUnderstood(said=wish.group(0), reason="no charging station in this region: no charging stop is planned")]


_TOWN_NEAR_M = 3000.0  # a town this close to the start is where the day is anyway ("a day in Vaduz" from Vaduz)


def _towns_elsewhere(draft: RequestDraft, context: PlanContext, gazetteer: Gazetteer | None) -> list[NotUnderstood]:
    """ "lunch in Schaan" from Vaduz: the plan picks places across the region, which is said, naming the town."""
    if not draft.towns:
        return []
    start = draft.fields.get("origin") or (context.origin.model_dump() if context.origin is not None else None)
    at: LatLon | None = None
    if isinstance(start, dict) and start.get("lat") is not None and start.get("lon") is not None:
        at = LatLon(float(start["lat"]), float(start["lon"]))
    elif isinstance(start, dict) and start.get("place_id") and gazetteer is not None:
        found = gazetteer.lookup(str(start["place_id"]))
        at = LatLon(found.lat, found.lon) if found is not None else None
    return [
        NotUnderstood(
            said=said,
            reason=f"{name} is a {'district' if kind in _DISTRICTS else kind} of the region: places are picked "
            f"across the region, not only {'in' if kind in LOCALITY_PLACES else 'by'} {name}",
            kind="not_read",
        )
        for said, name, kind, lat, lon in draft.towns
        if at is None or haversine_m(at, LatLon(lat, lon)) > _TOWN_NEAR_M or _district_elsewhere(name, at, gazetteer)
    ]


_DISTRICT_APART_M = 800.0  # "near Fontvieille" from Monte-Carlo: another district, though under 3 km away


def _district_elsewhere(name: str, at: LatLon, gazetteer: Gazetteer | None) -> bool:
    """Whether ``name`` is a district of the region other than the one the start is in (its nearest)."""
    if gazetteer is None:
        return False
    districts = [t for t in gazetteer.localities if t.category in _DISTRICTS]
    said = [t for t in districts if t.name == name]
    if not said or not districts:
        return False
    home = min(districts, key=lambda t: haversine_m(at, LatLon(t.lat, t.lon)))
    return home.name != name and haversine_m(at, LatLon(said[0].lat, said[0].lon)) > _DISTRICT_APART_M


_DISTRICTS = frozenset({"suburb", "quarter", "neighbourhood", "borough"})


async def _ask_model(client: ChatCompletionClient, text: str, now: datetime) -> ModelHints | None:
    system = f"{_SYSTEM} Today is {now:%A %Y-%m-%d}."
    result = await client.create(
        [SystemMessage(content=system), UserMessage(content=text, source="user")],
        json_output=ModelHints,
        extra_create_args={"max_tokens": 240},
    )
    if not isinstance(result.content, str):
        return None
    try:
        return ModelHints.model_validate(json.loads(result.content))
    except (ValueError, ValidationError):
        return None


def _at(day: date, clock: time, now: datetime) -> datetime:
    return datetime.combine(day, clock, now.tzinfo)


def _round_up(moment: datetime, minutes: int = 15) -> datetime:
    extra = (-moment.minute) % minutes
    return (moment + timedelta(minutes=extra)).replace(second=0, microsecond=0)


_LAST_DAY_BACK = time(18, 0)


def _schedule(stated: dict[str, Any], context: PlanContext, assumptions: list[str]) -> tuple[datetime, datetime]:
    now = context.now
    day = date.fromisoformat(stated["date"]) if "date" in stated else now.date()
    part = stated.get("part_of_day")
    if "depart_at" in stated:
        depart = datetime.fromisoformat(stated["depart_at"])
    else:
        start = time(9, 0)
        if part is not None:
            start = part_window(part)[0]
        elif "return_by" in stated and "duration_h" in stated:
            back_at = datetime.fromisoformat(stated["return_by"])
            start = (back_at - timedelta(hours=float(stated["duration_h"]))).time()
        said_meals = [time.fromisoformat(at) for at in stated.get("_meal_at", {}).values()]
        if part is None and said_meals and min(said_meals) < start:
            start = min(said_meals)  # "breakfast at 8": the day starts with it, not at nine
        depart = _at(day, start, now)
        if depart < now:
            depart = _round_up(now)
        assumptions.append(f"leaving at {depart:%H:%M}" + (f" ({part})" if part else ""))
    if "return_by" in stated:
        back = datetime.fromisoformat(stated["return_by"])
        if back <= depart and back.hour < 12 and back.date() == depart.date():
            back += timedelta(hours=12)
        if back <= depart:
            back += timedelta(days=1)
    elif "end_date" in stated:  # "Friday to Sunday": back on the last day, in the evening
        back = _at(date.fromisoformat(stated["end_date"]), _LAST_DAY_BACK, now)
        assumptions.append(f"back by {back:%H:%M} on {back:%A}")
    elif "duration_h" in stated:
        back = depart + timedelta(hours=float(stated["duration_h"]))
    elif part is not None and part_window(part)[1] > depart.timetz().replace(tzinfo=None):
        back = _at(depart.date(), part_window(part)[1], now)
        assumptions.append(f"back by {back:%H:%M} ({part})")
    else:
        dinner = any(m["meal"] == "dinner" for m in stated.get("meals", []))
        latest = _at(depart.date(), time(21, 30) if dinner else time(19, 0), now)
        back = max(min(depart + timedelta(hours=8), latest), depart + timedelta(hours=2))
        # "dinner at 7": the day lasts until the meal said is over, not until a default hour before it
        meal_ends = [_at(depart.date(), time.fromisoformat(m["latest"]), now) for m in stated.get("meals", [])]
        back = max([back, *(end for end in meal_ends if end > depart)])
        assumptions.append(f"back by {back:%H:%M}")
    return depart, back


def _meal_for_window(depart: datetime, back: datetime) -> str:
    """The meal whose usual hours overlap the trip most (a food wish said without a meal)."""

    def overlap(meal: str) -> float:
        first, last = MEAL_WINDOWS[meal]
        a = max(depart, datetime.combine(depart.date(), first, depart.tzinfo))
        b = min(back, datetime.combine(depart.date(), last, depart.tzinfo))
        return (b - a).total_seconds()

    return max(("lunch", "dinner", "breakfast"), key=overlap)


def _food_wishes(
    stated: dict[str, Any], context: PlanContext, depart: datetime, back: datetime, unmet: list[NotUnderstood]
) -> list[dict[str, Any]]:
    """The meals to plan: cuisines the region serves attached, one added for a food wish said alone."""
    meals = [dict(m) for m in stated.get("meals", [])]
    wishes = stated.get("cuisine", [])
    served = context.cuisines
    kept: list[str] = []
    for wish in wishes:
        values = set(wish["values"])
        if served is not None and not values & served:
            label = CuisineWish(wish["said"], tuple(wish["values"]), 0).label
            unmet.append(NotUnderstood(said=wish["said"], reason=f"no place serving {label} in this region"))
            for meal in meals:
                meal["cuisine"] = [c for c in meal.get("cuisine", []) if c not in values]
            continue
        kept.extend(wish["values"])
    if kept and not meals:
        name = _meal_for_window(depart, back)
        earliest, latest = MEAL_WINDOWS[name]
        meals.append(
            {
                "meal": name,
                "earliest": earliest.isoformat("minutes"),
                "latest": latest.isoformat("minutes"),
                "duration_min": 60,
                "cuisine": list(dict.fromkeys(kept)),
            }
        )
    if "depart_at" in stated and "return_by" in stated:  # hours the traveller said, not a default or "now"
        for meal in meals:
            _fit_to_trip(meal, depart, back)
    return meals


_MEAL_STRETCH = timedelta(hours=2)  # how far past its usual hours a meal is still that meal ("dinner at 22")


def _fit_to_trip(meal: dict[str, Any], depart: datetime, back: datetime) -> None:
    """A meal at its usual hours that leave no room in the trip ("20-23, dinner": the usual 17:30-21:00 ends
    as the trip starts) is taken within the trip's hours instead, at most two hours past its usual ones."""
    first, last = MEAL_WINDOWS[meal["meal"]]
    if (meal["earliest"], meal["latest"]) != (first.isoformat("minutes"), last.isoformat("minutes")):
        return  # a time said for it stays
    usual_start = datetime.combine(depart.date(), first, depart.tzinfo)
    usual_end = datetime.combine(depart.date(), last, depart.tzinfo)
    room = (min(usual_end, back) - max(usual_start, depart)).total_seconds() / 60
    needed = meal.get("duration_min", 60) + 30
    if room >= needed:
        return
    earliest = max(usual_start - _MEAL_STRETCH, depart)
    latest = min(usual_end + _MEAL_STRETCH, back, datetime.combine(depart.date(), time(23, 59), depart.tzinfo))
    if (latest - earliest).total_seconds() / 60 >= needed:
        meal["earliest"], meal["latest"] = earliest.time().isoformat("minutes"), latest.time().isoformat("minutes")


def build_request(
    stated: dict[str, Any], context: PlanContext, unmet: list[NotUnderstood] | None = None
) -> tuple[TripRequest | None, list[str], list[str]]:
    """(request or None, assumptions, questions) from the stated fields and the context."""
    assumptions: list[str] = []
    questions: list[str] = []
    unmet = unmet if unmet is not None else []
    origin: Any = stated.get("origin") or context.origin
    if origin is None:
        missed = stated.get("_origin_unresolved")
        found_none = f"There is no place called {missed!r} in this region. " if missed else ""
        questions.append(f"{found_none}Where does the trip start? Give a place name, a street or coordinates.")
    vehicle_fields = {**(context.vehicle.model_dump() if context.vehicle else {}), **stated.get("vehicle", {})}
    vehicle = VehicleSpec.model_validate(vehicle_fields) if vehicle_fields else VehicleSpec()
    if vehicle.powertrain == "ev" and "soc" not in stated.get("vehicle", {}) and context.vehicle is None:
        # planned at once, as a form would be, with the charge it assumes said (and easy to correct)
        assumptions.append(f"battery {vehicle.soc:.0%} charged at the start (say the charge, e.g. 'battery 45%')")
    depart, back = _schedule(stated, context, assumptions)
    interests = dict(stated.get("interests") or context.interests)
    if context.categories is not None:
        for category in [c for c in interests if c not in context.categories]:
            said = stated.get("_interest_said", {}).get(category, category.replace("_", " "))
            unmet.append(NotUnderstood(said=said, reason=f"no {category.replace('_', ' ')} in this region"))
            interests.pop(category)
    meals = _food_wishes(stated, context, depart, back, unmet)
    if context.diets is not None:  # "anywhere serving halal food?": said with or without a meal
        for diet in stated.get("diet", []):
            if diet not in context.diets:
                unmet.append(
                    NotUnderstood(
                        said=stated.get("_diet_said", {}).get(diet, diet.replace("_", "-")),
                        reason=f"no place in this region is tagged as serving {diet.replace('_', '-')} food",
                    )
                )
    # "something fun and a pizza lunch": a wish for things to do, whatever they are, besides the meal
    anything = stated.get("_anything") and not stated.get("must_visit")
    if not interests and ((not stated.get("must_visit") and not meals) or anything):
        interests = dict(_DEFAULT_INTERESTS)
        assumptions.append("no interests stated: sights, museums, parks and a café")
    for category in stated.get("avoid_categories", []):
        interests.pop(category, None)
    if questions:
        return None, assumptions, questions
    budget = stated.get("budget")
    price = stated.get("price")
    if budget is None and price in _PRICE_CAP:
        size = (stated.get("party") or {}).get("adults", 1) + (stated.get("party") or {}).get("children", 0)
        budget = float(_PRICE_CAP[price] * size)
        assumptions.append(f"{price}: at most {budget:.0f} EUR in all ({_PRICE_CAP[price]} per person)")
    elif budget is None and price == "expensive":
        assumptions.append("no budget limit")
    constraints = {
        key: stated[key]
        for key in (
            "max_detour_min",
            "charging_networks",
            "avoid_categories",
            "avoid_places",
            "max_stint_min",
            "max_per_category",
            "per_category",
            "either",
        )
        if key in stated
    }
    payload = {
        "region": context.region,
        "origin": origin,
        "destination": stated.get("destination"),
        "depart_at": depart,
        "return_by": back,
        "party": stated.get("party", {}),
        "budget": budget,
        "interests": interests,
        "must_visit": stated.get("must_visit", []),
        "diet": sorted(set(stated.get("diet", [])) | set(context.diet)),
        "meals": meals,
        "visit_minutes": stated.get("visit_minutes", {}),
        "vehicle": vehicle,
        "constraints": constraints,
    }
    try:
        return TripRequest.model_validate(payload), assumptions, questions
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}" for e in exc.errors())
        return None, assumptions, [f"Something does not fit ({problems}). Could you rephrase the times or limits?"]


_FIELD_OF_EVIDENCE = {
    "meal:breakfast": "meals",
    "meal:lunch": "meals",
    "meal:dinner": "meals",
    "duration": "duration_h",
}


def _understood(
    stated: dict[str, Any], evidence: dict[str, str], sources: dict[str, Literal["rules", "model"]]
) -> list[Understood]:
    out = []
    for name, value in stated.items():
        if name.startswith("_") or name == "round_trip":
            continue
        said = evidence.get(name) or next((v for k, v in evidence.items() if _FIELD_OF_EVIDENCE.get(k) == name), "")
        out.append(Understood(field=name, value=value, said=said, source=sources.get(name, "rules")))
    return out


def _chip(item: Understood) -> str:
    """What one field was understood as, without the lead words a label already says ("18:00", not "back by 18:00")."""
    text = describe([item])
    return re.sub(r"^(?:back by|leaving at|on|adding|visiting|in the|starting at|ending at) ", "", text)


def describe(understood: list[Understood]) -> str:
    """What was understood, in plain words ("back by 17:00, adding café"), without field names."""
    parts: list[str] = []
    for item in understood:
        value = item.value
        if item.field == "interests":
            parts.append("adding " + ", ".join(c.replace("_", " ") for c in value))
        elif item.field == "avoid_categories":
            parts.append("leaving out " + ", ".join(c.replace("_", " ") for c in value))
        elif item.field in {"depart_at", "return_by"}:
            clock = datetime.fromisoformat(value).strftime("%H:%M")
            parts.append(("leaving at " if item.field == "depart_at" else "back by ") + clock)
        elif item.field == "date":
            parts.append(f"on {date.fromisoformat(value):%A %d %B}")
        elif item.field == "meals":
            parts.append(
                " and ".join(
                    m["meal"] + (f" near {m['near']['name']}" if (m.get("near") or {}).get("name") else "")
                    for m in value
                )
            )
        elif item.field == "cuisine":
            parts.append(" or ".join(w["said"] for w in value))
        elif item.field == "diet":
            parts.append(", ".join(d.replace("_", "-") for d in value))
        elif item.field == "budget":
            parts.append(f"budget {value:g}")
        elif item.field == "must_visit":
            named = [part.split(" -> ")[0] for part in item.said.split("; ") if " -> " in part]
            parts.append("visiting " + (" and ".join(named) or "the places named"))
        elif item.field == "vehicle":
            car = "EV" if value.get("powertrain") == "ev" else "petrol or diesel car"
            charge = f" at {value['soc']:.0%}" if "soc" in value else ""
            parts.append(f"{car}{charge}")
        elif item.field in {"origin", "destination"}:
            parts.append(("starting at " if item.field == "origin" else "ending at ") + item.said)
        elif item.field == "party":
            adults, children = value["adults"], value["children"]
            people = [f"{adults} adult{'s' if adults != 1 else ''}"]
            if children:
                people.append(f"{children} child{'ren' if children != 1 else ''}")
            if value.get("accessibility"):
                people.append(" and ".join(a.replace("_", "-") for a in value["accessibility"]) + " access")
            parts.append(", ".join(people))
        elif item.field == "max_per_category":
            parts.append("one stop per kind")
        elif item.field == "per_category":
            parts.append(", ".join(f"{n} {c.replace('_', ' ')} stops" for c, n in value.items()))
        elif item.field == "either":
            parts.append(
                "; ".join(" or ".join(c.replace("_", " ") for c in group) + ": one is enough" for group in value)
            )
        elif item.field == "avoid_places":
            parts.append(f"avoiding {len(value)} place{'s' if len(value) != 1 else ''}")
        elif item.field == "price":
            parts.append(f"{value} prices")
        elif item.field == "visit_minutes":
            parts.append(", ".join(f"{m} min at {c.replace('_', ' ')}" for c, m in value.items()))
        elif item.field in {"max_detour_min", "max_stint_min"}:
            parts.append(f"{'detours' if item.field == 'max_detour_min' else 'drives'} of at most {value:g} min")
        elif item.field == "part_of_day":
            parts.append(f"in the {value}")
        elif item.field == "duration_h":
            parts.append(f"for {value:g} hours")
        elif item.field == "end_date":
            parts.append(f"until {date.fromisoformat(value):%A %d %B}")
    return ", ".join(dict.fromkeys(parts))


# Everyday words of languages travellers here may write in; their dates are read (dateparser), the rest is not.
# Only words that are not also English ("on", "till", "lunch", "museum", "sedan" are left out).
_FINNISH = (
    "ja ei klo kanssa haluan haluamme mennä menen lasten lapset huomenna tänään ylihuomenna ravintola "
    "lounas lounaalle illallinen museoon museo puisto kahvila mutta sitten takaisin kotiin aamulla illalla"
)
_SWEDISH = "och vill imorgon idag middag barnen tillbaka kaffe gärna efter innan också"
_GERMAN = (
    "und mit wir möchten morgen heute zum zur nach bitte mittagessen abendessen kinder dann zurück kaffee gerne uhr "
    "danach ein eine einen der die das dem den im ins am um von bis für ich möchten möchte besuchen sehen zu essen "
    "gehen sind restaurant gasthaus café oder auch noch"
)
_FRENCH = (
    "et avec nous voulons voudrais veux aimerais demain aujourd'hui le la les des du au aux pour un une de puis "
    "ensuite retour merci plaît plait déjeuner dîner enfants musée voir visiter aller sommes est ce soir matin "
    "après-midi après avant vers jusqu'à à je on nous chez pas très dans sur fête visite hôtel voudrait voudrions "
    "suis en personnes préfère préférons quelque chose si possible batterie"
)
_FOREIGN_WORDS = {
    "Finnish": frozenset(_FINNISH.split()),
    "Swedish": frozenset(_SWEDISH.split()),
    "German": frozenset(_GERMAN.split()),
    "French": frozenset(_FRENCH.split()),
}


def _foreign(text: str, evidence: dict[str, str], named_days: frozenset[str] = frozenset()) -> list[NotUnderstood]:
    """Words of another language that nothing was read from: said, with what is read instead."""
    words = re.findall(r"[^\W\d_]{2,}", text.casefold())  # "17h": no word of its own
    if len(words) < 2:
        return []
    for language, common in _FOREIGN_WORDS.items():
        hits = [w for w in words if w in common or fold(w) in common]
        if len(hits) >= 2 and len(hits) >= 0.25 * len(words):
            used = fold(" ".join(evidence.values()))
            # "thailändisches" read as "thailandisches": compared without accents; the language's little words
            # ("und", "danach") carry no wish of their own
            unread = [
                w
                for w in words
                if fold(w) not in used and w not in common and fold(w) not in common and fold(w) not in named_days
            ]
            if unread:
                said = " ".join(dict.fromkeys(unread))[:120]
                reason = (
                    f"this looks like {language}: Codriver reads English, and days, times, meals, food and the "
                    "party in Finnish, Swedish, German and French"
                )
                return [NotUnderstood(said=said, reason=reason, kind="not_read")]
    return []


def _ignored(text: str) -> list[NotUnderstood]:
    """Input the reader cannot use at all: nothing, only symbols, or far too much."""
    stripped = text.strip()
    if not stripped:
        return [NotUnderstood(said="", reason="the request is empty", kind="not_read")]
    if not re.search(r"[^\W\d_]", stripped):
        return [NotUnderstood(said=stripped[:40], reason="no words to read (only symbols or numbers)", kind="not_read")]
    letters = re.findall(r"[^\W\d_]", stripped)
    scripts = [_script(ch) for ch in letters]
    other = [s for s in scripts if s != "LATIN"]
    # "12月12日星期六 去Ateneum博物馆": not a language read here, so asked, not guessed
    if len(other) > len(letters) / 2:
        script = max(set(other), key=other.count).title()
        reason = (
            f"written in {script} script: Codriver reads English "
            "(and days, times and food in Finnish, Swedish, German, French)"
        )
        return [NotUnderstood(said=stripped[:40], reason=reason, kind="not_read")]
    return []


def _script(letter: str) -> str:
    """The script of a letter by its Unicode name: LATIN, CJK, CYRILLIC, ARABIC, HANGUL..."""
    name = unicodedata.name(letter, "")
    return "CJK" if name.startswith(("CJK", "HIRAGANA", "KATAKANA")) else name.split(" ")[0]


MAX_TEXT = 2000
_THANKS = re.compile(r"\s*(?:thanks|thank you|thx|ty|cheers|kiitos|tack)\b", re.IGNORECASE)
_NO_TRIP = "nothing in it says what trip you want"
_NOTHING_READ = (
    "none of these words could be read as a day, a time, a place or a wish: planned as a day of the usual kinds"
)
# "how cold does it get in December?", "whats the speed limit on motorways": a question about something
# else, not a trip to plan (with or without its "?")
_QUESTION_ONLY = re.compile(
    r"^\s*(?:how|what|why|who|whats|what's|is|are|does|do|will|can|could)\b[^.!]*\??\s*$", re.IGNORECASE
)


async def understand(
    text: str,
    *,
    context: PlanContext,
    gazetteer: Gazetteer | None = None,
    client: ChatCompletionClient | None = None,
) -> Understanding:
    """Read ``text`` into a request; ask the model (when given) only for what the rules missed.

    Every field read comes back in ``understood`` with its words; wishes that cannot be met
    in the region (a place it does not have, a cuisine no place serves) and words that were
    ignored come back in ``not_understood``. A day that has passed or contradicts itself is
    a question, never a silent replacement.
    """
    unmet = _ignored(text)
    question = _QUESTION_ONLY.match(text) is not None
    if not unmet and (len(re.findall(r"\w+", text)) <= 3 or question) and context.request is None:
        probe = read_request(text, now=context.now, gazetteer=gazetteer, country=context.country)
        wished = probe.unresolved_places or probe.not_understood  # "Heureka science centre", "is there a zoo?"
        if not set(probe.fields) - ({"date", "part_of_day"} if question else set()) and not wished:
            unmet = [
                NotUnderstood(said=text.strip()[:40], reason="nothing in it says what trip you want", kind="not_read")
            ]
    if unmet:
        return Understanding(
            stated={},
            not_understood=unmet,
            questions=[
                "What would you like to do? For example: a museum and lunch tomorrow from 10 to 16,"
                " starting at a place."
            ],
        )
    if len(text) > MAX_TEXT:
        unmet.append(
            NotUnderstood(
                said=text[MAX_TEXT : MAX_TEXT + 40],
                reason=f"only the first {MAX_TEXT} characters are read",
                kind="not_read",
            )
        )
        text = text[:MAX_TEXT]
    draft = read_request(
        text,
        now=context.now,
        gazetteer=gazetteer,
        networks=context.charging_networks,
        country=context.country,
        region_cuisines=context.cuisines or frozenset(),
    )
    sources: dict[str, Literal["rules", "model"]] = dict.fromkeys(draft.fields, "rules")
    # Without a start there is a question to ask first: ask it at once, not after a model call
    # (the whole text is read again, model included, once the start is given).
    startless = "origin" not in draft.fields and context.origin is None and context.request is None
    if client is not None and not unmet and not startless:
        hints = await _ask_model(client, text, context.now)
        if hints is not None:
            merged = merge_hints(draft, hints, text, now=context.now, gazetteer=gazetteer)
            sources.update(dict.fromkeys(merged, "model"))
    unmet += [NotUnderstood(**item) for item in draft.not_understood]
    unmet += _towns_elsewhere(draft, context, gazetteer)
    unmet += _no_chargers(text, context)
    # words said back as unmet ("feux d'artifice") were read too: no "looks like French" for them
    evidence = {**draft.evidence, **{f"unmet:{k}": n.said for k, n in enumerate(unmet)}}
    unmet += _foreign(text, evidence, holiday_words(context.country, context.now.year))
    if not draft.fields and not unmet and context.request is None and _THANKS.match(text):
        # "thanks, that was a great trip yesterday!": nothing asked, so nothing planned
        return Understanding(
            stated={},
            not_understood=[NotUnderstood(said=text.strip()[:40], reason=_NO_TRIP, kind="not_read")],
            questions=["What would you like to do next? For example: a museum and lunch tomorrow."],
        )
    if not draft.fields and not unmet and not draft.questions and not draft.towns and context.request is None:
        # "Tre smeder-statyn vid Aleksandersgatan": nothing of it was read; the day planned on the usual kinds
        # says so, rather than passing for what was asked
        unmet.append(NotUnderstood(said=text.strip()[:80], reason=_NOTHING_READ, kind="not_read"))
    request: TripRequest | None = None
    assumptions: list[str] = []
    questions: list[str] = []
    if context.request is None or draft.questions:
        request, assumptions, questions = build_request(draft.fields, context, unmet)
    said_in = draft.fields.get("_budget_currency")
    if request is not None and said_in and said_in != request.currency and request.budget is not None:
        assumptions.append(
            f"budget {request.budget:.0f} {said_in} compared as {request.budget:.0f} {request.currency}: "
            f"costs here are estimates in {request.currency}"
        )
    questions = [*draft.questions, *questions] if draft.questions else questions
    if draft.questions:
        request = None
    understood = _understood(draft.fields, draft.evidence, sources)
    if request is not None:
        request = request.model_copy(
            update={
                "not_met": [WishNotMet(said=n.said[:200], reason=n.reason[:300]) for n in unmet[:50]],
                "understood": [
                    UnderstoodField(field=u.field, said=u.said[:300], text=_chip(u)[:300], source=u.source)
                    for u in understood[:60]
                    # "need a gas station" where there is none: the day planned on default kinds asks for none
                    if u.field != "interests" or set(draft.fields.get("interests") or {}) & set(request.interests)
                ],
                "assumptions": [*draft.assumptions, *assumptions][:30],
            }
        )
    draft.assumptions.extend(assumptions)
    return Understanding(
        stated=draft.fields,
        evidence=draft.evidence,
        source=sources,
        assumptions=draft.assumptions,
        questions=questions,
        unresolved_places=draft.unresolved_places,
        understood=understood,
        linked=draft.linked,
        not_understood=unmet,
        request=request,
    )
