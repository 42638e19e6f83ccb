"""Reading a free-text trip request into the fields of a ``TripRequest``, with evidence.

This is the deterministic half of request understanding: it finds times, dates, party,
budget, diets, meals, interests, must-visit places (through the region's gazetteer), the
vehicle and constraints, and records the words each field came from. The planner agent
lets the model fill what the reader could not, and asks a follow-up question when an
essential field is still missing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from codriver.agents._lexicon import (
    AVOID_CUES,
    DIET_WORDS,
    INTEREST_WORDS,
    MEAL_WINDOWS,
    MEAL_WORDS,
    NUMBER_WORDS,
    WEEKDAYS,
)
from codriver.tools.geocoding import Gazetteer, fold

__all__ = ["RequestDraft", "read_request"]

_NUM = r"(\d+|" + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True)) + r")"
_TIME = (
    r"(noon|midday|midnight|\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?|"
    + r"(?:"
    + "|".join(w for w in NUMBER_WORDS if " " not in w and w not in {"a", "an", "both", "twin"})
    + r")(?:\s*(?:am|pm|o'?clock))?)"
)
_STOP = r"(?=,|\.|;|!|\?| and | then | with | for | by | before | after | at \d| around | until | till | on |$)"
_PLACE_CUES = (
    r"must[- ]see|must[- ]visit|have to see|want to see|want to visit|would like to see|visit(?:ing)?|"
    r"see|stop (?:at|by)|including|include|go to|take (?:us|me|them) to|show (?:us|me|them)"
)


@dataclass
class RequestDraft:
    """What the reader understood: TripRequest-shaped fields plus where each came from."""

    fields: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    unresolved_places: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def put(self, name: str, value: Any, evidence: str) -> None:
        self.fields[name] = value
        self.evidence[name] = evidence.strip()


def _number(word: str) -> int:
    word = word.strip()
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _clock(text: str, *, evening_bias: bool = False) -> time | None:
    """``"6pm"`` -> 18:00, ``"9:30"`` -> 09:30; with ``evening_bias`` a bare 1..7 is p.m."""
    raw = text.strip().replace("a.m.", "am").replace("p.m.", "pm").replace("o'clock", "").replace("oclock", "")
    if raw in {"noon", "midday"}:
        return time(12, 0)
    if raw == "midnight":
        return time(23, 59)
    match = re.fullmatch(r"(\d{1,2}|[a-z]+)(?:[:.](\d{2}))?\s*(am|pm)?", raw.strip())
    if not match:
        return None
    hour_text, minute_text, half = match.groups()
    if hour_text.isdigit():
        hour = int(hour_text)
    elif hour_text in NUMBER_WORDS:
        hour = NUMBER_WORDS[hour_text]
    else:
        return None
    minute = int(minute_text) if minute_text else 0
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    elif half is None and evening_bias and 1 <= hour <= 7:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _day(text: str, now: datetime, draft: RequestDraft) -> date:
    iso = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
    if iso:
        draft.evidence["date"] = iso.group(0)
        return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    if re.search(r"\btomorrow\b", text):
        draft.evidence["date"] = "tomorrow"
        return now.date() + timedelta(days=1)
    if re.search(r"\b(today|tonight|this (?:morning|afternoon|evening)|now)\b", text):
        draft.evidence["date"] = "today"
        return now.date()
    for word, weekday in WEEKDAYS.items():
        match = re.search(rf"\b(next |this |on )?{word}\b", text)
        if match:
            ahead = (weekday - now.weekday()) % 7
            if ahead == 0 and (match.group(1) or "").strip() == "next":
                ahead = 7
            draft.evidence["date"] = match.group(0)
            return now.date() + timedelta(days=ahead)
    return now.date()


def _times(text: str, draft: RequestDraft) -> tuple[time | None, time | None, float | None]:
    """(departure, latest return, duration hours) as said in the text."""
    depart = back = None
    hours: float | None = None
    span = re.search(rf"\bfrom {_TIME}\s*(?:to|until|till|-)\s*{_TIME}", text)
    if span:
        first, second = _clock(span.group(1)), _clock(span.group(2), evening_bias=True)
        if first and second:
            if second <= first and second.hour < 12:
                second = time(second.hour + 12, second.minute)
            draft.evidence["depart_at"] = draft.evidence["return_by"] = span.group(0)
            return first, second, None
    leave = re.search(
        rf"\b(?:leav(?:e|ing)|depart(?:ing)?|start(?:ing)?|set(?:ting)? off|head(?:ing)? out|go(?:ing)?|pick(?:ing)? up)"
        rf"(?: \w+)?\s+(?:at|around|about|from|after|by)\s+{_TIME}",
        text,
    )
    if leave:
        depart = _clock(leave.group(1))
        if depart:
            draft.evidence["depart_at"] = leave.group(0)
    ret = re.search(
        rf"\b(?:back|home|return(?:ing)?|done|finish(?:ed)?|end(?:ing)?|arriv(?:e|ing)|there)"
        rf"(?: \w+)?\s+(?:by|at|before|around|no later than)\s+{_TIME}|\b(?:until|till|by)\s+{_TIME}",
        text,
    )
    if ret:
        back = _clock(ret.group(1) or ret.group(2), evening_bias=True)
        if back:
            draft.evidence["return_by"] = ret.group(0)
    if re.search(r"\b(?:half[- ]day|a few hours)\b", text):
        hours = 4.0
    elif re.search(r"\b(?:whole|full|all)[- ]day\b|\bday trip\b", text):
        hours = 10.0
    duration = re.search(rf"\bfor {_NUM}(?: and a half)? hours?\b|\bfor (\d+(?:\.\d+)?) ?h\b", text)
    if duration:
        hours = float(_number(duration.group(1))) if duration.group(1) else float(duration.group(2))
        if "and a half" in duration.group(0):
            hours += 0.5
        draft.evidence["duration"] = duration.group(0)
    return depart, back, hours


def _party(text: str, draft: RequestDraft) -> None:
    adults, children = 1, 0
    said = []
    if re.search(r"\b(alone|solo|just me|by myself|on my own)\b", text):
        said.append("alone")
    if re.search(
        r"\b(wife|husband|partner|girlfriend|boyfriend|spouse|couple|two of us|the 2 of us|a friend|"
        r"(?:my|with) (?:dad|mum|mom|father|mother|brother|sister))\b",
        text,
    ):
        adults = 2
        said.append("two adults")
    friends = re.search(rf"\bwith {_NUM} (?:friends|colleagues|coworkers|co-workers|people|adults)\b", text)
    if friends:
        adults = _number(friends.group(1)) + 1
        said.append(friends.group(0))
    counted = re.search(rf"\b{_NUM} of us\b", text)
    if counted:
        adults = _number(counted.group(1)) - children
        said.append(counted.group(0))
    grown = re.search(rf"\b{_NUM} adults?\b", text)
    if grown:
        adults = _number(grown.group(1))
        said.append(grown.group(0))
    kids = re.search(rf"\b{_NUM} (?:kids|children|child|toddlers?|sons|daughters|little ones|boys|girls)\b", text)
    family = re.search(rf"\bfamily of {_NUM}\b", text)
    if kids:
        children = _number(kids.group(1))
        said.append(kids.group(0))
    elif family:
        total = _number(family.group(1))
        adults, children = 2, max(0, total - 2)
        said.append(family.group(0))
    elif re.search(r"\b(kids|children|son|daughter|toddler|baby|little ones)\b", text):
        single = re.search(r"\b(?:my|our|the) (son|daughter|toddler|baby|child|kid)\b", text)
        children = 1 if single else 2
        said.append("children mentioned")
        if children and not re.search(r"\b(alone|solo|single parent|just me)\b", text) and adults == 1:
            adults = 2 if re.search(r"\b(we|us|our)\b", text) else 1
    if re.search(r"\b(grand(?:ma|pa|mother|father|parents))\b", text):
        adults += 2 if "parents" in text else 1
        said.append("grandparents")
    access = []
    if re.search(r"\bwheel ?chairs?\b", text):
        access.append("wheelchair")
    if re.search(r"\b(stroller|pram|buggy|step[- ]free|no stairs|walker|limited mobility)\b", text):
        access.append("step_free")
    if said or access:
        draft.put("party", {"adults": adults, "children": children, "accessibility": access}, "; ".join(said))


def _budget(text: str, draft: RequestDraft) -> None:
    money = r"(?:€|eur(?:os?)?\b|euros?\b|\$|dollars?\b|£|pounds?\b)"
    match = re.search(
        rf"\b(?:budget(?: is| of)?|under|max(?:imum)?|at most|less than|no more than|up to|spend(?:ing)?|cap(?:ped)? at)"
        rf"\s*{money}?\s*(\d+(?:[.,]\d+)?)\s*{money}?",
        text,
    ) or re.search(
        rf"(?:{money}\s*(\d+(?:[.,]\d+)?)|(\d+(?:[.,]\d+)?)\s*{money})\s*(?:budget|total|max|in total)", text
    )
    if not match:
        return
    amount = next(g for g in match.groups() if g)
    value = float(amount.replace(",", "."))
    per_person = re.search(r"\b(?:per person|each|a head|per head)\b", text[match.end() : match.end() + 20])
    if per_person:
        party = draft.fields.get("party", {"adults": 1, "children": 0})
        value *= party["adults"] + party["children"]
    draft.put("budget", value, match.group(0))


def _categories(text: str, words: dict[str, str]) -> list[tuple[str, str, int]]:
    """(value, matched text, position) for each pattern that occurs."""
    found = []
    for pattern, value in words.items():
        match = re.search(rf"\b(?:{pattern})\b", text)
        if match:
            found.append((value, match.group(0), match.start()))
    return sorted(found, key=lambda item: item[2])


def is_negated(text: str, start: int) -> bool:
    before = text[max(0, start - 28) : start]
    return bool(re.search(rf"\b{AVOID_CUES}\b(?: \w+){{0,2}} $", before))


def _interests(text: str, draft: RequestDraft) -> None:
    interests: dict[str, float] = {}
    avoid: list[str] = []
    evidence = []
    for category, said, start in _categories(text, INTEREST_WORDS):
        if is_negated(text, start):
            avoid.append(category)
        elif category not in interests:
            soft = re.search(
                r"\b(maybe|perhaps|if (?:there is|we have) time|possibly|a bit of)\b", text[max(0, start - 25) : start]
            )
            interests[category] = 0.5 if soft else 1.0
        evidence.append(said)
    # A meal is a meal, not an interest in restaurants.
    if "restaurant" in interests and re.search(r"\b(lunch|dinner|breakfast|brunch)\b", text):
        interests.pop("restaurant")
    if interests:
        draft.put("interests", interests, ", ".join(evidence))
        # "a museum and a café": one of each, not a day of museums.
        singular = [
            c
            for c, said, start in _categories(text, INTEREST_WORDS)
            if c in interests
            and re.search(r"\b(?:a|an|one)\s+(?:\w+\s+)?$", text[max(0, start - 12) : start])
            and not said.endswith("s")
        ]
        if singular and len(singular) == len(interests):
            draft.put("max_per_category", 1, ", ".join(singular))
    if avoid:
        draft.put("avoid_categories", sorted(set(avoid)), ", ".join(evidence))


def _diets(text: str, draft: RequestDraft) -> None:
    diets = [(value, said) for value, said, start in _categories(text, DIET_WORDS) if not is_negated(text, start)]
    if diets:
        draft.put("diet", sorted({d for d, _ in diets}), ", ".join(s for _, s in diets))


def _meals(text: str, draft: RequestDraft) -> None:
    meals: list[dict[str, Any]] = []
    for meal, said, start in _categories(text, MEAL_WORDS):
        if is_negated(text, start) or any(m["meal"] == meal for m in meals):
            continue
        earliest, latest = MEAL_WINDOWS[meal]
        duration = 30 if re.search(r"\b(quick|fast|short)\b", text[max(0, start - 25) : start]) else 60
        after = text[start : start + 40]
        at = re.search(rf"^\w+ (?:at|around|about|near) {_TIME}", after)
        before = re.search(rf"^\w+ (?:before|by|no later than) {_TIME}", after)
        late = re.search(rf"^\w+ (?:after|from) {_TIME}", after)
        evening = meal == "dinner"
        if at and (when := _clock(at.group(1), evening_bias=evening or meal == "lunch")):
            centre = datetime.combine(date.min, when)
            earliest = (centre - timedelta(minutes=30)).time()
            latest = (centre + timedelta(minutes=duration + 30)).time()
        if before and (when := _clock(before.group(1), evening_bias=evening or meal == "lunch")):
            latest = when
        if late and (when := _clock(late.group(1), evening_bias=evening)):
            earliest = when
        if latest <= earliest:
            earliest, latest = MEAL_WINDOWS[meal]
        meals.append(
            {
                "meal": meal,
                "earliest": earliest.isoformat("minutes"),
                "latest": latest.isoformat("minutes"),
                "duration_min": duration,
            }
        )
        draft.evidence[f"meal:{meal}"] = said
    if meals:
        draft.fields["meals"] = meals
        draft.evidence["meals"] = ", ".join(m["meal"] for m in meals)


def _vehicle(text: str, draft: RequestDraft, networks: tuple[str, ...]) -> None:
    vehicle: dict[str, Any] = {}
    evidence = []
    ev = re.search(
        r"\b(ev|electric(?: car)?|e-car|tesla|ioniq|id\.?[3-7]|leaf|model [3ysx]|battery|charg(?:e|ing|er))\b", text
    )
    ice = re.search(r"\b(petrol|diesel|gasoline|combustion|gas car|fuel tank|tank is)\b", text)
    if ev:
        vehicle["powertrain"] = "ev"
        evidence.append(ev.group(0))
    elif ice:
        vehicle["powertrain"] = "ice"
        evidence.append(ice.group(0))
    soc = re.search(
        r"\b(?:at|battery(?: is)?(?: at)?|soc(?: of)?|charged to|with|on|has)\s*(\d{1,3})\s*(?:%|percent)", text
    ) or re.search(r"\b(\d{1,3})\s*(?:%|percent)\s*(?:battery|charge|soc|charged|left)", text)
    if soc and 0 <= int(soc.group(1)) <= 100:
        vehicle["soc"] = int(soc.group(1)) / 100
        vehicle.setdefault("powertrain", "ev")
        evidence.append(soc.group(0))
    kwh = re.search(r"\b(\d{2,3}(?:\.\d)?)\s*kwh\b", text)
    if kwh:
        vehicle["battery_kwh"] = float(kwh.group(1))
        evidence.append(kwh.group(0))
    reserve = re.search(
        r"\b(?:never|not|don'?t go|stay above|keep above|no lower than)\s*(?:below|under|go below)?\s*(\d{1,2})\s*%",
        text,
    )
    if reserve:
        vehicle["reserve_soc"] = int(reserve.group(1)) / 100
        evidence.append(reserve.group(0))
    target = re.search(
        r"\b(?:arriv\w*|back|return\w*|end\w*|home)\b[^.%]{0,25}?\bwith (?:at least )?(\d{1,3})\s*%", text
    )
    if target:
        vehicle["target_soc"] = int(target.group(1)) / 100
        evidence.append(target.group(0))
    connectors = []
    for pattern, name in (
        (r"ccs|combo", "ccs"),
        (r"type ?2", "type2"),
        (r"chademo", "chademo"),
        (r"type ?1", "type1"),
        (r"supercharger|tesla plug|nacs", "tesla"),
    ):
        if re.search(rf"\b(?:{pattern})\b", text):
            connectors.append(name)
    if connectors:
        vehicle["connectors"] = connectors
        evidence.append(", ".join(connectors))
    if vehicle:
        draft.put("vehicle", vehicle, "; ".join(evidence))
    chosen = [n for n in networks if re.search(rf"\b{re.escape(_normalise(n))}\b", text)]
    if chosen:
        draft.put("charging_networks", chosen, ", ".join(chosen))


def _constraints(text: str, draft: RequestDraft) -> None:
    detour = re.search(r"\b(?:detours?|out of (?:the|our) way|extra driving)\D{0,25}?(\d+)\s*min", text) or re.search(
        r"\b(\d+)\s*min(?:utes?)?\s*(?:detour|out of the way)", text
    )
    if detour:
        draft.put("max_detour_min", float(detour.group(1)), detour.group(0))
    stint = re.search(
        r"\bbreak every (\d+(?:\.\d+)?|an?|one|two|three)\s*(hours?|h|minutes?|min)\b", text
    ) or re.search(
        r"\b(?:drive|driving)\s+(?:no more than|at most|max(?:imum)?)\s+(\d+(?:\.\d+)?|an?|one|two|three)\s*(hours?|h|minutes?|min)\b",
        text,
    )
    if stint:
        amount = stint.group(1)
        value = float(amount) if amount[0].isdigit() else float(_number(amount))
        minutes = value * 60 if stint.group(2).startswith("h") else value
        draft.put("max_stint_min", minutes, stint.group(0))


def _visit_minutes(text: str, draft: RequestDraft) -> None:
    minutes: dict[str, int] = {}
    for match in re.finditer(
        rf"\b(?:(an|one|half an|{_NUM}) hours?|(\d+) min(?:utes)?) (?:at|in|for) (?:the |a |each )?(\w+)", text
    ):
        category = next((c for p, c in INTEREST_WORDS.items() if re.fullmatch(p, match.group(4))), None)
        if category is None:
            continue
        if match.group(3):
            minutes[category] = int(match.group(3))
        else:
            word = match.group(1)
            minutes[category] = 30 if word == "half an" else 60 * (_number(word) if word not in {"an", "one"} else 1)
    if minutes:
        draft.put("visit_minutes", minutes, ", ".join(minutes))


def _places(original: str, draft: RequestDraft, gazetteer: Gazetteer | None) -> None:
    """Origin, destination and must-visit places, resolved through the gazetteer."""
    if gazetteer is None:
        return

    def endpoint(span: str) -> str | dict[str, Any] | None:
        """A catalogue ID, or the named position of a street or square (its name kept for the plan)."""
        span = re.sub(r"^(?:the|a|an|our|my)\s+", "", span.strip(), flags=re.IGNORECASE).strip(" '\"")
        if len(span) < 3 or _clock(span.lower()) is not None:
            return None
        hits = gazetteer.search(span, limit=1)
        if hits and hits[0].score >= 0.9 and len(fold(span)) >= 0.6 * len(fold(hits[0].matched or hits[0].name)):
            hit = hits[0]
            return hit.place_id or {"lat": round(hit.lat, 6), "lon": round(hit.lon, 6), "name": hit.name}
        if span[:1].isupper():
            draft.unresolved_places.append(span)
        return None

    def resolve(span: str) -> str | None:
        found = endpoint(span)
        return found if isinstance(found, str) else None

    origin = re.search(
        r"\b(?:from|starting (?:at|from)|start (?:at|from)|leaving from|pick(?:ing)? (?:us |me )?up at)\s+([A-ZÅÄÖ][^,.;!?]*?)"
        + _STOP,
        original,
    )
    if origin and (start := endpoint(origin.group(1))):
        draft.put("origin", start, origin.group(0))
    dest = re.search(
        r"\b(?:end(?:ing)? (?:at|in)|finish(?:ing)? at|drop (?:us |me )?off at|to)\s+([A-ZÅÄÖ][^,.;!?]*?)" + _STOP,
        original,
    )
    if dest and (end := endpoint(dest.group(1))):
        draft.put("destination", end, dest.group(0))
    must: list[str] = []
    for match in re.finditer(
        rf"\b(?:{_PLACE_CUES})\s+(?:the\s+)?([A-ZÅÄÖ][^,.;!?]*?)" + _STOP, original, flags=re.IGNORECASE
    ):
        if not match.group(1)[:1].isupper():
            continue
        spans = [match.group(1)]
        # "visit Kiasma, Ateneum and the Design Museum": the cue covers the whole list.
        tail = re.match(r"((?:\s*(?:,|and|&)\s*(?:the\s+)?[A-ZÅÄÖ][^,.;!?]*?" + _STOP + r")+)", original[match.end() :])
        if tail:
            spans += re.findall(r"(?:,|and|&)\s*(?:the\s+)?([A-ZÅÄÖ][^,.;!?]*?)" + _STOP, tail.group(1))
        for span in spans:
            found = resolve(span)
            if found and found.startswith("osm:") and found not in must and found != draft.fields.get("origin"):
                must.append(found)
    if must:
        draft.put("must_visit", must, ", ".join(must))


def _normalise(text: str) -> str:
    """Lower case without accents; punctuation kept (times, %, currency need it)."""
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare.casefold()).strip()


def read_request(
    text: str,
    *,
    now: datetime,
    gazetteer: Gazetteer | None = None,
    networks: tuple[str, ...] = (),
) -> RequestDraft:
    """The fields of a trip request found in ``text``; ``now`` is aware, in the region's zone.

    Dates and times are resolved against ``now``; ``networks`` are the charging networks
    of the region (so "only Recharge chargers" is recognised).
    """
    draft = RequestDraft()
    lowered = _normalise(text)
    day = _day(lowered, now, draft)
    depart, back, hours = _times(lowered, draft)
    zone = now.tzinfo
    if depart is not None:
        draft.put("depart_at", datetime.combine(day, depart, zone).isoformat(), draft.evidence["depart_at"])
    if back is not None:
        draft.put("return_by", datetime.combine(day, back, zone).isoformat(), draft.evidence["return_by"])
    if hours is not None:
        draft.fields["duration_h"] = hours
    if "date" in draft.evidence:
        draft.fields["date"] = day.isoformat()
    _party(lowered, draft)
    _budget(lowered, draft)
    _interests(lowered, draft)
    _diets(lowered, draft)
    _meals(lowered, draft)
    _vehicle(lowered, draft, networks)
    _constraints(lowered, draft)
    _visit_minutes(lowered, draft)
    _places(text, draft, gazetteer)
    if re.search(r"\b(?:back home|return home|home again|round trip|loop)\b", lowered):
        draft.fields["round_trip"] = True
    return draft
