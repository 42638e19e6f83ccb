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
from itertools import pairwise
from typing import Any

from codriver.agents._cuisine import read_cuisines
from codriver.agents._lexicon import (
    AVOID_CUES,
    CAME_FROM,
    DIET_WORDS,
    INTEREST_WORDS,
    MEAL_WINDOWS,
    MEAL_WORDS,
    MISSING_KINDS,
    NUMBER_WORDS,
    SPECIAL_ATTRACTIONS,
)
from codriver.agents._linking import (
    Mention,
    english_frequency,
    known_words,
    link_places,
    local_kind_words,
    near_what,
    unknown_names,
)
from codriver.agents._spelling import correct_slips
from codriver.agents._when import AFTER_MEAL, COORDINATES, corrected, french_hours, parse_clock, read_when
from codriver.tools.geocoding import Gazetteer, fold

__all__ = ["RequestDraft", "read_request"]

_NUM = r"(\d+|" + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True)) + r")"
_TIME = (
    r"(noon|midday|midnight|\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?|"
    + r"(?:"
    + "|".join(w for w in NUMBER_WORDS if " " not in w and w not in {"a", "an", "both", "twin"})
    + r")(?:\s*(?:am|pm|o'?clock))?)"
)


@dataclass
class RequestDraft:
    """What the reader understood: TripRequest-shaped fields plus where each came from."""

    fields: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    unresolved_places: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    not_understood: list[dict[str, str]] = field(default_factory=list)
    linked: list[dict[str, Any]] = field(default_factory=list)
    kind_words: tuple[tuple[str, str], ...] = ()  # the region's own words for kinds of place
    capitalised: frozenset[str] = frozenset()  # folded words written with a capital inside a sentence
    positions: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (words said, location) per place
    marked: str = ""  # the folded text with each place linked as "@category@"
    # towns, villages and districts named as where to be ("lunch in Schaan"): (said, name, kind, lat, lon)
    towns: list[tuple[str, str, str, float, float]] = field(default_factory=list)

    def put(self, name: str, value: Any, evidence: str) -> None:
        self.fields[name] = value
        self.evidence[name] = evidence.strip()


def _number(word: str) -> int:
    word = word.strip()
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _clock(text: str, *, evening_bias: bool = False, dinner: bool = False) -> time | None:
    """``"6pm"`` -> 18:00, ``"9:30"`` -> 09:30; with ``evening_bias`` a bare 1..7 is p.m. (a meal's hour).

    ``dinner``: any hour 1..11 without a.m. is in the evening ("dinner at 8:30" is 20:30).
    """
    clock = parse_clock(text)
    latest = 11 if dinner else 7
    if (
        clock is not None
        and (evening_bias or dinner)
        and 1 <= clock.hour <= latest
        and not re.search(r"am|pm|a\.m\.|p\.m\.", text)
    ):
        return time(clock.hour + 12, clock.minute)
    return clock


# "kahdelle" (for two): the party in Finnish
_LOCAL_PARTY = {
    "kahdelle": 2,
    "kolmelle": 3,
    "neljalle": 4,
    "viidelle": 5,
    "kuudelle": 6,
}
# German: "wir sind zu dritt" (there are three of us)
_GERMAN_PARTY = {"zu zweit": 2, "zu dritt": 3, "zu viert": 4, "zu funft": 5, "zu sechst": 6}
# French: "à deux" (folded "a deux"), "nous sommes quatre"
_FRENCH_PARTY = {"a deux": 2, "a trois": 3, "a quatre": 4, "a cinq": 5, "a six": 6}
_FRENCH_NUMBERS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6}


def _english(text: str) -> bool:
    """Whether at least half the words are English ones (no Finnish sentence whose words are all "unknown")."""
    words = re.findall(r"[^\W\d_]{2,}", text.casefold())
    return sum(1 for w in words if english_frequency(w) > 0) >= len(words) / 2


_FROM_PEOPLE = {"kahdelta": 2, "kolmelta": 3, "neljalta": 4}
_SWEDISH_NUMBERS = {"tva": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6}
_FINNISH_NUMBERS = {"yksi": 1, "kaksi": 2, "kolme": 3, "nelja": 4, "viisi": 5, "kuusi": 6}


def _count(word: str) -> int:
    """ "3", "three", "två" (folded "tva"), "kaksi": the number."""
    return _SWEDISH_NUMBERS.get(word) or _FINNISH_NUMBERS.get(word) or _FRENCH_NUMBERS.get(word) or _number(word)


def _local_party(said: str) -> int | None:
    last = said.rsplit(maxsplit=1)[-1]
    return (
        _GERMAN_PARTY.get(said)
        or _FRENCH_PARTY.get(said)
        or _LOCAL_PARTY.get(last)
        or _SWEDISH_NUMBERS.get(last)
        or _FINNISH_NUMBERS.get(last)
        or _FRENCH_NUMBERS.get(last)
    )


_KIN_AFTER_POSSESSIVE = re.compile(
    r"\b(?:my|with|our|and|a)\s+(?:(?:elderly|old|aged|older|younger|little|big|kid|best)\s+)?"
    r"(dad|mum|mom|father|mother|brother|sister|friend)\b(?!'?s\b|-in-law)"
)


def _party(text: str, draft: RequestDraft) -> None:
    adults, children = 1, 0
    said = []
    if re.search(r"\b(alone|solo|just me|by myself|on my own)\b", text):
        said.append("alone")
    if re.search(
        r"\b(couple(?! of)|two of us|the 2 of us|us two|us 2|we two|me kaksi|"
        r"(?:my|a) (?:colleague|coworker|co-worker|workmate))\b",
        text,
    ):
        adults = 2
        said.append("two adults")
    # "me, my partner, our baby and my dad", "for mum, dad and me": each grown-up named comes along
    spouse = re.search(r"\b(?:wife|husband|partner|girlfriend|boyfriend|spouse|fianc\w+)\b(?!'s\b)", text)
    kin = _KIN_AFTER_POSSESSIVE.findall(text)
    if re.search(r"\b(?:and me|and i|me and|i and|, me)\b", text):
        kin += re.findall(r"\b(mum|mom|dad|mother|father)\b(?!'?s\b|-in-law)", text)
    named = (1 if spouse else 0) + len(set(kin))
    if named and 1 + named > adults:
        adults = 1 + named
        said.append(", ".join(dict.fromkeys([*(spouse.group(0) for _ in [0] if spouse), *kin])))
    if re.search(r"\b(?:we(?:'re| are) both|both of us)\b", text):
        adults = 2
        said.append("both of us")
    friends = re.search(
        rf"\b(?:with|me and|me \+|i and|myself and) (?:my |our )?{_NUM} (?:friends|mates|colleagues|coworkers|co-workers|"
        r"people|adults)\b",
        text,
    )
    # "3 friends and me": the same the other way round
    friends = friends or re.search(
        rf"\b{_NUM} (?:friends|mates|colleagues|coworkers|co-workers|others) (?:and|\+|plus) (?:me|i|myself)\b", text
    )
    if friends:
        adults = _number(friends.group(1)) + 1
        said.append(friends.group(0))
    counted = (
        re.search(rf"\b{_NUM} of us\b", text)
        or re.search(
            rf"\bwe(?:'re| are) (?!an?\b){_NUM}\b(?!\s*(?:%|percent|km|hours?|h\b|min|minutes?|euros?|€|kids?|children))",
            text,
        )
        or re.search(rf"\b(?:a )?(?:group|party|gang|bunch) of {_NUM}\b", text)
        or re.search(
            rf"\b(?:table|dinner|lunch|breakfast|brunch|meal|booking|reservation|room|day|trip|outing|evening|tour|"
            rf"budget|euros?|eur|restaurant|dejeuner|diner|repas)\b"
            rf"[^.,;]{{0,15}}? (?:for|pour) {_NUM}\b"
            rf"(?!\s*(?:hours?|h\b|min|minutes?|days?|nights?|euros?|€|%|km|pm|am|[:.]\d))|"
            rf"\b{_NUM} (?:people|persons?|pax|ppl|personnes)\b",
            text,
        )
    )
    # "kahdelle" (for two), "för tre": the party in Finnish and Swedish; "25 euroa kahdelta" (25 euros from two,
    # where "kahdelta" alone is also "at two o'clock")
    counted = counted or re.search(r"(?:euro\w*|eur|e|€)\s+(kahdelta|kolmelta|neljalta)\b", text)
    counted = counted or re.search(
        rf"\b(?:{'|'.join(_LOCAL_PARTY)}|{'|'.join(_GERMAN_PARTY)}|{'|'.join(_FRENCH_PARTY)})\b|"
        r"\b(?:for|vi ar|meita on) (?:tva|tre|fyra|fem|sex|kaksi|kolme|nelja|viisi|kuusi)\b|"
        r"\b(?:nous sommes|on est|on sera|nous serons|pour) (?:deux|trois|quatre|cinq|six)\b",
        text,
    )
    total: int | None
    if counted and counted.lastindex == 1 and counted.group(1) in _FROM_PEOPLE:
        total = _FROM_PEOPLE[counted.group(1)]
    else:
        total = _local_party(counted.group(0)) if counted and counted.lastindex is None else None
    total = total or (_number(next(g for g in counted.groups() if g)) if counted else None)
    if counted:
        adults = total - children if total is not None else adults
        said.append(counted.group(0))
    grown = re.search(
        rf"\b({_NUM[1:-1]}|yksi|kaksi|kolme|nelja|viisi|kuusi|tva|tre|fyra|fem|deux|trois|quatre|cinq) "
        r"(?:adults?|ad|grown-?ups|dads|moms|mums|"
        r"fathers|mothers|grandparents|teachers|leaders|chaperones|"
        r"aikuista|aikuinen|vuxna|vuxen|erwachsene|erwachsener|adultes)\b",
        text,
    ) or re.search(r"\b(tva|tre|fyra) vuxna\b", text)
    if grown:
        counted_adults = _count(grown.group(1))
        # "us two plus 2 grandparents": grandparents or parents come with the couple already counted
        with_us = adults >= 2 and re.search(r"grandparents|parents", grown.group(0))
        adults = adults + counted_adults if with_us else counted_adults
        said.append(grown.group(0))
    kids = re.search(
        rf"\b{_NUM} (?:kids?|children|child|toddlers?|sons?|daughters?|little ones|boys?|girls?|bab(?:y|ies)|"
        r"grandkids?|grandchild|grandchildren|grandsons?|granddaughters?|teens|teenagers|pupils|schoolchildren|"
        r"lasta|lapsi|barn|kinder|kind|enfants?)\b",
        text,
    )
    # "kolme lastani" (my three children), "yksi lapsi", "två barn"
    kids = kids or re.search(
        r"\b(tva|tre|fyra|yksi|kaksi|kolme|nelja|viisi|un|deux|trois|quatre) (?:barn|lasta\w*|lapsi|lapse\w*|enfants?)\b",
        text,
    )
    # "the kids (6 and 9)", "my grandkids (3 of them)": the ages or the count said in brackets
    bracketed = re.search(
        r"\b(?:kids|children|grandkids|grandchildren|boys|girls|teens|teenagers) \((\d+) of them\)"
        r"|\b(?:kids|children|grandkids|grandchildren|boys|girls|teens|teenagers) \(?(\d+(?:(?:,| and|,? &) \d+)+)\b\)?",
        text,
    )
    # "our 8yo", "my 10-year-old", "a toddler": one child each
    each = re.findall(
        r"\b(?:a|an|one|our|my|his|her|their)\s+(?:\d+ ?(?:yo|y/o|y\.o\.|-?years?-?old)|toddler|baby|infant|newborn|"
        r"teen|teenager)\b(?!\s*(?:son|daughter|boy|girl|kid|child)s?\b)",
        text,
    )
    family = re.search(rf"\bfamily of {_NUM}\b", text)
    kids = kids or re.search(r"\b(?:our|my|the|with) (twins|triplets)\b", text)
    # "6 people, 2 of them kids": the children among those counted
    kids = kids or re.search(rf"\b{_NUM} of (?:them|whom|us) (?:are )?(?:kids|children|teens|teenagers)\b", text)
    if (bracketed or each) and not kids and not family:
        if bracketed:
            ages = bracketed.group(2)
            children = int(bracketed.group(1)) if bracketed.group(1) else len(re.findall(r"\d+", ages))
            said.append(bracketed.group(0))
        else:
            children = len(each)
            said.append(", ".join(each))
        if adults == 1 and not grown and not re.search(r"\b(alone|solo|single parent|just me)\b", text):
            adults = 2 if re.search(r"\b(we|us|our)\b", text) else 1
    elif kids and kids.group(1) in {"twins", "triplets"}:
        children = 2 if kids.group(1) == "twins" else 3
        said.append(kids.group(0))
    elif kids:
        children = _count(kids.group(1))
        said.append(kids.group(0))
        if family:
            adults = max(1, _number(family.group(1)) - children)
            said.append(family.group(0))
        elif adults == 1 and not grown and re.search(r"\b(?:a |the |our |my )?family\b", text):
            adults = 2  # "family with 2 kids": the parents come too
    elif family:
        total = _number(family.group(1))
        adults, children = 2, max(0, total - 2)
        said.append(family.group(0))
    elif children:
        pass  # counted above, from the brackets or one by one
    elif re.search(r"\b(kids|children|son|daughter|toddler|baby|little ones)\b", text):
        single = re.search(r"\b(?:my|our|the) (son|daughter|toddler|baby|child|kid)\b", text)
        children = 1 if single else 2
        said.append("children mentioned")
        if not single and not kids and not family and not grown:  # "my daughter" is one child
            draft.fields["_party_assumed"] = True
            draft.assumptions.append(f"{children} {'child' if children == 1 else 'children'} (how many was not said)")
        if children and not re.search(r"\b(alone|solo|single parent|just me)\b", text) and adults == 1:
            adults = 2 if re.search(r"\b(we|us|our)\b", text) else 1
    plus_kids = counted is not None and re.match(
        rf"\s*(?:(?:people|persons?|pax|of us)\s*)?(?:\+|plus|and|with)\s*(?:{_NUM}\s*)?"
        r"(?:bab|kid|child|toddler|infant|little|son|daughter|teen)",
        text[counted.end() :],
    )
    if total is not None and not grown and plus_kids:
        adults = total  # "we are 2 person + 1 baby": the baby is more than the two
    elif total is not None and not grown:
        adults = max(1, total - children)  # "we're six: ... our two kids": the kids are of the six
    # "grandma (wheelchair)", "mummo": a grandparent comes along; "my grandfather fought in the war" does not;
    # "2 adults + 3 kids + grandma": one more besides the adults counted
    elif (
        elder := re.search(
            r"\b(grand(?:ma|pa|mother|father|parents)|mummo|mummi|isoaiti|isoisa|ukki|vaari|mormor|farmor|morfar|farfar)\b"
            r"(?!\s+(?:fought|was|were|used to|died|lived|built|worked|grew up|told|had|served))",
            text,
        )
    ) and (
        not grown
        or (
            elder.start() > grown.end()
            and "grand" not in grown.group(0)
            and "(" not in text[grown.end() : elder.start()]
            and re.search(r"(?:\+|\bplus|\band|&)\s*(?:(?:my|our|the|a)\s+)?$", text[: elder.start()]) is not None
        )
    ):
        adults += 2 if "parents" in text else 1
        said.append("grandparents")
    elif re.search(r"\b(?:my|our) (?:mother|father|sister|brother)-in-law\b", text) and adults >= 2:
        adults += 1  # "me, my wife, our three kids and my mother-in-law"
        said.append("in-law")
    elif not counted and not grown and re.search(r"\b(?:my|our) (?:parents|in-laws)\b", text):
        adults += 2
        said.append("parents")
    # "2+2": adults and children, said the short way, when nothing else says the party
    short = re.search(
        r"(?<![\d.,:+/-])([1-6]) ?\+ ?([1-6])(?![\d.,:+/-])(?!\s*(?:%|€|h\b|hours?|km|eur|kwh|stars?))", text
    )
    if short and not (grown or kids or counted or friends or family or bracketed or each):
        adults, children = int(short.group(1)), int(short.group(2))
        draft.fields.pop("_party_assumed", None)
        draft.assumptions[:] = [a for a in draft.assumptions if "(how many was not said)" not in a]
        said.append(short.group(0))
    access = []
    if re.search(r"\bwheel ?chairs?\b|\bpyoratuoli\w*|\brullstol\w*", text):
        access.append("wheelchair")
    if re.search(r"\b(stroller|pram|buggy|step[- ]free|no stairs|walker|limited mobility)\b", text):
        access.append("step_free")
    if access and not said:
        draft.fields["_party_assumed"] = True
    if said or access:
        draft.put("party", {"adults": adults, "children": children, "accessibility": access}, "; ".join(said))


def _budget(text: str, draft: RequestDraft) -> None:
    # "40 e", "40e": euros as Finns write them, right after the number; the amount is kept in the currency said
    money = (
        r"(?:€|eur(?:os?)?\b|euros?\b|\$|dollars?\b|usd\b|£|pounds?\b|gbp\b|chf\b|sfr\.?|francs?\b|franken\b|"
        r"fr\.(?=\s*\d)|(?<=\d)\s?fr\.|kr\b|kronor\b|kroner\b|sek\b|nok\b|dkk\b|(?<=\d )e\b|(?<=\d)e\b)"
    )
    match = re.search(
        rf"\b(?:budget(?: is| of|:)?|budjetti(?:mme)?:?|budget(?:en)?|under|max(?:imum)?|at most|less than|no more than|up to|spend(?:ing)?|cap(?:ped)? at)"
        rf"\s*(?:(?:about|around|roughly|approximately|approx\.?|~)\s*)?{money}?\s*(\d+(?:[.,]\d+)?)\s*{money}?",
        text,
    ) or re.search(
        rf"(?:{money}\s*(\d+(?:[.,]\d+)?)|(\d+(?:[.,]\d+)?)\s*{money})\s*(?:budget|total|max|in total|all in|"
        r"for (?:the )?(?:\w+ of us|us|us all|all of us|everyone|everybody|the (?:whole|entire) (?:day|trip|family|group)))",
        text,
    )
    if match and not re.search(money, match.group(0)) and not re.match(r"budget|spend", match.group(0)):
        match = None  # "top it up to 80%", "under 2 hours": a number without money is no budget
    each = re.search(
        rf"(?:{money}\s*(\d+(?:[.,]\d+)?)|(\d+(?:[.,]\d+)?)\s*{money}?)\s*(?:each|per person|a head|per head|pp)\b",
        text,
    )
    if match is None and each is not None:
        match = each
    if match is None:
        # "..., 2 adults, €150": the one sum of money in a trip request is its budget
        sums = list(re.finditer(rf"(?:{money}\s*(\d+(?:[.,]\d+)?)|(\d+(?:[.,]\d+)?)\s*{money})", text))
        if len(sums) == 1:
            match = sums[0]
    if not match:
        _price_words(text, draft)
        return
    amount = next(g for g in match.groups() if g)
    value = float(amount.replace(",", "."))
    per_person = match is each or re.search(
        r"\b(?:per person|each|a head|per head)\b", text[match.end() : match.end() + 20]
    )
    if per_person:
        party = draft.fields.get("party", {"adults": 1, "children": 0})
        value *= party["adults"] + party["children"]
    draft.put("budget", value, match.group(0))
    said = match.group(0)
    for code, pattern in _CURRENCIES.items():
        if re.search(pattern, said):
            draft.fields["_budget_currency"] = code  # "CHF 150": said back, as costs are estimated in euros
            break


_CURRENCIES = {
    "CHF": r"\bchf\b|\bsfr\b|\bfrancs?\b|\bfranken\b|\bfr\.",
    "SEK": r"\bsek\b|\bkronor\b",
    "NOK": r"\bnok\b|\bkroner\b",
    "DKK": r"\bdkk\b",
    "USD": r"\$|\busd\b|\bdollars?\b",
    "GBP": r"£|\bgbp\b|\bpounds?\b",
}
_PRICE_WORDS = {
    "cheap": r"cheap(?:ly|est)?|inexpensive|budget[- ]friendly|on a budget|low[- ]cost|affordable|cheap eats|"
    r"low[- ]budget|(?:nothing|not) (?:expensive|pricey)|edullinen|edullista|billig\w*|gunstig\w*|"
    r"pas cher|pas trop cher|bon marche|petit budget|abordable|economique",
    "moderate": r"not too (?:pricey|expensive|dear)|nothing too (?:pricey|expensive|fancy)|reasonably priced|mid[- ]range|"
    r"mid[- ]?price[ds]?|moderate(?:ly priced)?|medium[- ]priced|average prices?|normal prices?",
    "expensive": r"splurge|fancy|upscale|fine dining|high[- ]end|luxur(?:y|ious)|treat ourselves|"
    r"(?:expensive|pricey) is (?:fine|ok|okay|no problem)|money is no (?:object|issue|problem)|posh|hieno|"
    r"haut de gamme|gastronomique|etoile|luxe|se faire plaisir",
}


def _day_named_no_place(draft: RequestDraft, said: str) -> None:
    """ "Fête du Prince", "Sainte Dévote": a capitalised holiday read as the day is no place said missing."""
    day = re.sub(r"[\s-]+", " ", fold(said))
    kept = [
        item
        for item in draft.not_understood
        if not (item["reason"].startswith("no place called") and re.sub(r"[\s-]+", " ", fold(item["said"])) in day)
    ]
    if len(kept) < len(draft.not_understood):
        dropped = {item["said"] for item in draft.not_understood} - {item["said"] for item in kept}
        draft.not_understood[:] = kept
        draft.unresolved_places[:] = [name for name in draft.unresolved_places if name not in dropped]


def _price_words(text: str, draft: RequestDraft) -> None:
    """Budget words without an amount: "cheap", "not too pricey", "splurge" (checked in that order of strength)."""
    for level in ("moderate", "cheap", "expensive"):
        match = re.search(rf"\b(?:{_PRICE_WORDS[level]})\b", text)
        if match:
            draft.put("price", level, match.group(0))
            return


def _categories(text: str, words: dict[str, str]) -> list[tuple[str, str, int]]:
    """(value, matched text, position) for each pattern that occurs."""
    found = []
    for pattern, value in words.items():
        match = re.search(rf"\b(?:{pattern})\b", text)
        if match:
            found.append((value, match.group(0), match.start()))
    return sorted(found, key=lambda item: item[2])


def is_negated(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start]
    # "not one of those big museums": the refusal's words may run longer
    cue = re.search(rf"\b{AVOID_CUES}\b(?: \w+){{0,2}} $", before) or re.search(
        r"\bnot (?:one of |any of )?(?:those|these|the|any) (?:\w+ ){0,2}$", before
    )
    # "not too pricey lunch", "not so early dinner": a degree of the next word, not "no lunch"
    return cue is not None and not re.match(r"not (?:too|so|very|that|overly)\b", cue.group(0))


_KIND_AS_MODIFIER = r" (?:cafe|cafeteria|restaurant|shop|store|bar|kiosk|concert|tour|toilets?|parking|car park)\b"


_LOCATOR = re.compile(
    r"\b(?:next to|opposite|near|beside|behind|across from|in front of|close to|around the corner from|"
    r"(?:staying|live|living|stay) (?:right )?(?:by|at|next to|near|in)|(?:just |we )?(?:came|come|coming) (?:back )?from|"
    r"been (?:to|at))\s+(?:a|an|the|our|my)?\s*(?:\w+\s+)?$"
)
_WALK_BY_WATER = r" (?:on|along) (?:a |the )?(?:\w+ )?(?:beach|sands?)\b"


def _every_mention(text: str, words: dict[str, str]) -> list[tuple[str, str, int]]:
    """(value, matched text, position) of every occurrence of each pattern, in the order said."""
    found = [
        (value, match.group(0), match.start())
        for pattern, value in words.items()
        for match in re.finditer(rf"\b(?:{pattern})\b", text)
    ]
    return sorted(found, key=lambda item: item[2])


# "a museum - wait no, make that a gallery", "a beach walk? forget it, a park then": the wish said last
# before these words is taken back
_TAKEN_BACK = re.compile(
    r"\b(?:wait,? no|actually,? no|no,? wait|scratch that|forget (?:it|that|about it)|make that|or rather|"
    r"on second thoughts?|never ?mind|change (?:that|it) to|instead of that)\b"
)


def _taken_back(text: str, mentions: list[tuple[str, str, int]]) -> set[int]:
    """Positions of the interest words taken back by a later "wait no", "forget it", "make that"."""
    dropped: set[int] = set()
    for cue in _TAKEN_BACK.finditer(text):
        before = [m for m in mentions if m[2] < cue.start()]
        if before:
            last_category = max(before, key=lambda m: m[2])[0]
            dropped.update(at for category, _, at in before if category == last_category)
    return dropped


def _kind_of_the_place_named(said: str, category: str, marked: str) -> bool:
    """Whether a kind word only says what the place named right beside it is ("theatre Avoimet Ovet").

    ``marked`` is the text with each linked place's name replaced by ``@category@``.
    """
    word, mark = re.escape(said), f"@{re.escape(category)}@"
    return (
        re.search(rf"\b{word}(?:\s+(?:of|on|at|in|to|the|by|a|an|up)\b)*\s+{mark}|{mark}\s+{word}\b", marked)
        is not None
    )


def _interests(text: str, draft: RequestDraft) -> None:
    interests: dict[str, float] = {}
    avoid: list[str] = []
    evidence = []
    mentions = _every_mention(text, INTEREST_WORDS)
    taken_back = _taken_back(text, mentions)
    for category, said, start in mentions:
        if start in taken_back:
            continue
        if len(said) >= 7 and said in draft.capitalised and not english_frequency(said):
            continue  # "Kunsthalle Helsinki (Taidehalli)": a name, not the word for art ("Historical" is English)
        if category == "place_of_worship" and re.search(r"\b(?:after|before) $", text[max(0, start - 8) : start]):
            continue  # "after church on Sunday": when, not where
        after = text[start + len(said) :]
        if re.match(r"(?:'s|s') (?:\w+ )?(?:cafe|cafeteria|restaurant|bistro|bar|shop|kiosk)\b", after):
            continue  # "the museum's café": where the café is, no wish for a museum
        if re.search(
            r"\b(?:breakfast|brunch|lunch|dinner|coffee) (?:at|in) (?:the|a) \w+(?:'s|s') (?:\w+ )?$", text[:start]
        ):
            continue  # "lunch at the museum's café": where lunch is, no wish for one more café
        if category == "beach" and said.startswith("swim") and re.search(r"swimming (?:pool|hall|bath)|uimahall", text):
            continue  # "a swimming hall for a morning swim": the swim is the pool's, no wish for a beach
        if _LOCATOR.search(text[max(0, start - 30) : start]):
            continue  # "we're staying next to a park", "opposite a church": where something is, no wish
        if said.endswith(("walk", "stroll")) and re.match(_WALK_BY_WATER, text[start + len(said) :]):
            continue  # "a walk on a sandy beach": the beach is the wish, not a park
        walk_in_named_park = said.endswith(("walk", "stroll")) and any(
            link["field"] == "must_visit" and link.get("category") == "park" for link in draft.linked
        )
        if walk_in_named_park and re.match(r" (?:in|through|around|along|across)\b", text[start + len(said) :]):
            continue  # "a walk in the Esplanade park": the visit to that park, not a wish for another
        named_there = any(link["field"] == "must_visit" and link.get("category") == category for link in draft.linked)
        if named_there and re.match(r" (?:at|in)(?: |$)(?:[,.;:!?]|$|and\b|then\b)", text[start + len(said) :]):
            continue  # "coffee at Café Aalto": that café, not one more
        # the linked name is blanked out of the text: nothing after the word is where it was said
        if named_there and re.match(r"\s*(?:[,.;:!?]|$)", text[start + len(said) :]):
            continue  # "kahvit Ekbergillä" (coffee at Ekberg's): the place said right after is where
        if re.match(_KIND_AS_MODIFIER, text[start + len(said) :]):
            continue  # "the museum cafe", "a church concert": the place is the café, the event the concert
        if draft.marked and _kind_of_the_place_named(said, category, draft.marked):
            continue  # "the sculpture of the wise mouse", "drinks on the Stockmann rooftop": that place's kind
        # "no bars", "museums yes, bars no"; in "coffee and cake, no museums" the "no" is the museums'
        if is_negated(text, start) or re.match(
            r",? no\b(?=\s*(?:[,.;:!?)]|$|(?:and|but|please|thanks|thank you)\b))", text[start + len(said) :]
        ):
            avoid.append(category)
        elif category in avoid:
            continue
        elif category not in interests:
            draft.fields.setdefault("_interest_said", {}).setdefault(category, said)  # "gas station", not "fuel"
            soft = re.search(
                r"\b(maybe|perhaps|if (?:there is|we have) time|possibly|a bit of)\b", text[max(0, start - 25) : start]
            )
            interests[category] = 0.5 if soft else 1.0
        evidence.append(said)
    # "museoon", "puistoon": the region's own kind words, as its place names use them (inflected or compounded)
    for word, category in draft.kind_words:
        hit = re.search(rf"\b\w*{word}\w{{0,4}}\b", text)
        if hit and hit.group(0) in draft.capitalised:
            continue  # "Temppeliaukio": a name, even one the region lacks, is no wish for a kind
        if hit and any(at == hit.start() for _, _, at in mentions):
            continue  # an English word of the lexicon ("museum"): read above, taken back or not
        if hit and re.match(_KIND_AS_MODIFIER, text[hit.end() :]):
            continue
        if hit and category not in interests and not is_negated(text, hit.start()):
            interests[category] = 1.0
            evidence.append(hit.group(0))
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
            # "a museum and a café"; "pharmacy then supermarket": an errand said once is one stop
            and (re.search(r"\b(?:a|an|one)\s+(?:\w+\s+)?$", text[max(0, start - 12) : start]) or c in _ERRANDS)
            and not said.endswith("s")
        ]
        if singular and len(singular) == len(interests):
            draft.put("max_per_category", 1, ", ".join(singular))
        # "3 museums", "two parks": that many of the kind (it had been one, or the default two)
        counted: dict[str, int] = {}
        for category, said, start in _categories(text, INTEREST_WORDS):
            number = re.search(r"\b(\d|two|three|four|five|six)\s+(?:\w+\s+)?$", text[max(0, start - 14) : start])
            if category in interests and said.endswith("s") and number is not None:
                counted[category] = int(number[1]) if number[1].isdigit() else NUMBER_WORDS[number[1]]
        if counted := {c: n for c, n in counted.items() if 1 < n <= _MOST_OF_A_KIND}:
            counted |= {c: 1 for c in singular if c not in counted}  # "two parks and a cafe": one café
            draft.put("per_category", counted, ", ".join(f"{n} {c}" for c, n in counted.items()))
        _alternatives(text, mentions, interests, draft)
    if avoid:
        draft.put("avoid_categories", sorted(set(avoid)), ", ".join(evidence))


_OR_BETWEEN = re.compile(r"\s*,?\s*(?:or|tai|eller)\s+(?:(?:a|an|some|the|maybe|perhaps)\s+)?")


def _alternatives(
    text: str, mentions: list[tuple[str, str, int]], interests: dict[str, float], draft: RequestDraft
) -> None:
    """ "a museum or a cinema": kinds said as alternatives, of which one stop is enough (``constraints.either``)."""
    groups: list[list[str]] = []
    said: list[str] = []
    for (first, first_said, at), (second, _, then) in pairwise(mentions):
        if first == second or first not in interests or second not in interests:
            continue
        if not _OR_BETWEEN.fullmatch(text[at + len(first_said) : then]):
            continue
        joined = next((g for g in groups if first in g), None)
        if joined is None:
            groups.append([first, second])
        elif second not in joined:
            joined.append(second)
        said.append(text[at:then].strip() + " " + second.replace("_", " "))
    if groups:
        draft.put("either", groups, "; ".join(said))


def _missing_kinds(text: str, draft: RequestDraft) -> None:
    """Kinds of place with no catalogue category ("a sauna", "some shopping"): said, not dropped."""
    for match in re.finditer(rf"\b(?:{MISSING_KINDS})\b", text):
        if not is_negated(text, match.start()):
            word = match.group(0)
            draft.not_understood.append(
                {"said": word, "reason": f"Codriver cannot plan {word} yet: its catalogue has no such kind of place"}
            )


def _special_attractions(text: str, draft: RequestDraft, gazetteer: Gazetteer | None) -> None:
    """ "a zoo", "a theme park": an attraction wish where the region has one (by its tags), else said as missing."""
    for pattern, kind in SPECIAL_ATTRACTIONS.items():
        match = re.search(rf"\b(?:{pattern})\b", text)
        if match is None or is_negated(text, match.start()):
            continue
        has = gazetteer is None or any(kind.replace("_", " ") in e.descriptors for e in gazetteer.entries)
        if has:
            interests = dict(draft.fields.get("interests", {}))
            interests.setdefault("attraction", 1.0)
            draft.put(
                "interests", interests, ", ".join(filter(None, [draft.evidence.get("interests"), match.group(0)]))
            )
        else:
            word = match.group(0)
            draft.not_understood.append({"said": word, "reason": f"no {kind.replace('_', ' ')} in this region"})


def _diets(text: str, draft: RequestDraft) -> None:
    diets = [(value, said) for value, said, start in _categories(text, DIET_WORDS) if not is_negated(text, start)]
    # "no meat, no fish, no dairy, no eggs", "no animal products": vegan, said the long way
    no_animal = re.search(r"\bno animal products\b|\bnothing from animals\b", text)
    no_meat = re.search(r"\bno (?:meat|fish|meat or fish)\b", text)
    no_dairy = re.search(r"\bno (?:dairy|milk)\b", text)
    no_eggs = re.search(r"\bno eggs?\b", text)
    if no_animal or (no_meat and no_dairy and no_eggs):
        said = no_animal.group(0) if no_animal else ", ".join(m.group(0) for m in (no_meat, no_dairy, no_eggs) if m)
        diets = [(v, w) for v, w in diets if v not in {"vegetarian", "lactose_free"}] + [("vegan", said)]
    if diets:
        draft.put("diet", sorted({d for d, _ in diets}), ", ".join(s for _, s in diets))
        draft.fields["_diet_said"] = dict(reversed(diets))  # "glutenfrei": the words said, first kept
    # "allergic to nuts", "a shellfish allergy": OSM records no allergens, so it is said, never silently dropped
    allergy = re.search(
        r"\ballergic to (?:[a-z-]+ )?(?P<a>[a-z-]+)|\b(?P<b>[a-z-]+)[- ](?:allergy|allergies)\b|"
        r"\b(?P<c>(?:pea)?nut|tree nut|egg|soy|soya|shellfish|sesame|wheat|celery|mustard)-free\b",
        text,
    )
    what = (allergy["a"] or allergy["b"] or allergy["c"]) if allergy else None
    if allergy and what and what not in {"gluten", "lactose", "dairy", "meat", "sugar", "alcohol", "smoke", "car"}:
        draft.not_understood.append(
            {"said": allergy.group(0), "reason": "places here record no allergens: ask the restaurant before you order"}
        )


# Wishes no field of the request holds: said, so the plan never passes for having kept them
_UNHELD_WISHES = (
    (
        r"\b(?:no|avoid(?:ing)?|without|not on|stay off(?: the)?) (?:highways?|motorways?|freeways?|tolls?|toll roads?)\b",
        "routes are not planned around a kind of road",
    ),
    (
        r"\b(?:(?:we|i|he|she|they) )?(?:don'?t|do not|doesn'?t|does not|can'?t|cannot) eat [a-z]+\b",
        "places record diets (vegan, vegetarian, halal, kosher...), not single foods: ask the restaurant",
    ),
    (r"\bpesc[ae]tarian\b", "places record no pescatarian menus: a vegetarian place is the nearest"),
    (
        r"\b(?:with|and|bring(?:ing)?) (?:my|our|the) (?:dog|dogs|puppy|cat)\b|\bdog[- ]friendly\b",
        "whether pets are welcome is not known for places here",
    ),
    (
        r"\b(?:no more than|at most|max(?:imum)?|only) (?:\d|two|three|four|five) stops\b",
        "the number of stops is not set from words; the plan may have more",
    ),
    (
        r"\b(?:anything|any food|any cuisine) (?:except|but|other than) [a-z]+\b",
        "a cuisine cannot be ruled out, only asked for",
    ),
    (
        r"\b(?:fireworks?|feuerwerk|parades?|festivals?|celebrations?|fest|christmas market|street party|"
        r"changing of the guards?|releve de la garde|grand prix race|the race|feux d'artifice|defile|fete foraine)\b",
        "events are not in the catalogue (it holds places): check the day's programme",
    ),
)


def _unheld(text: str, draft: RequestDraft) -> None:
    for pattern, reason in _UNHELD_WISHES:
        found = re.search(pattern, text)
        if found:
            draft.not_understood.append({"said": found.group(0), "reason": reason, "kind": "not_read"})
    # "no italian food please": a cuisine refused is said, since the plan cannot leave it out
    refused = re.search(
        r"\b(?:no|not|without|avoid|hate|don'?t (?:want|like)|pas de|sans)\s+(?:more\s+)?([a-z]+)\s+"
        r"(?:food|cuisine|restaurants?|places?)\b",
        text,
    )
    if (
        refused
        and read_cuisines(f"{refused.group(1)} food")
        and not any(
            item["said"] == refused.group(0) or refused.group(0) in item["said"] for item in draft.not_understood
        )
    ):
        reason = "a cuisine cannot be ruled out, only asked for: a meal may still be at such a place"
        draft.not_understood.append({"said": refused.group(0), "reason": reason, "kind": "not_read"})


_DAY_BETWEEN = (
    r"today|tomorrow|tonight|(?:on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"(?:on )?(?:mon|tue|wed|thu|fri|sat|sun)|(?:on )?the \d{1,2}(?:st|nd|rd|th)?"
)


# "sushilounas" (a sushi lunch), "pizzaillallinen": the food said as the first part of the meal's Finnish word
_FOOD_MEAL = re.compile(r"\b([a-z]{3,}?)(lounas\w*|lounaa\w*|illalli\w*|paivalli\w*|aamiai\w*)\b")


def _food_meal_words(text: str) -> str:
    def split(found: re.Match[str]) -> str:
        food = found.group(1)
        return f"{food} {found.group(2)}" if read_cuisines(f"{food} food") else found.group(0)

    text = _FOOD_MEAL.sub(split, text)
    # "cuisine Finnish", "cuisine: thai": a form's label before the food
    return re.sub(
        r"\bcuisine:?\s+([a-z]+)",
        lambda m: f"{m.group(1)} food" if read_cuisines(f"{m.group(1)} food") else m.group(0),
        text,
    )


def _meals(text: str, draft: RequestDraft) -> None:
    meals: list[dict[str, Any]] = []
    over = {found.start("meal") for found in AFTER_MEAL.finditer(text)}
    for meal, said, start in _categories(text, MEAL_WORDS):
        if is_negated(text, start) or any(m["meal"] == meal for m in meals) or start in over:
            continue  # "after lunch till 6": that lunch is over before the trip
        earliest, latest = MEAL_WINDOWS[meal]
        duration = 30 if re.search(r"\b(quick|fast|short)\b", text[max(0, start - 25) : start]) else 60
        after = text[start : start + 60]
        # "breakfast tomorrow at 8", "lunch on Sunday 12-13": the day may come between the meal and its time
        # "lunch later, around 13:00": how the time moves may come between too
        lead = rf"^\w+(?:\s+(?:{_DAY_BETWEEN}))?(?:\s+(?:a (?:bit|little) )?(?:later|earlier|sooner),?)?"
        span = re.search(rf"{lead} (?:from |between )?{_TIME}\s*(?:-|\u2013|to|till|until|and)\s*{_TIME}", after)
        at = re.search(rf"{lead} (?:at|around|about|near) {_TIME}", after) or re.search(
            # "dinner at a french restaurant for 2 at 9pm": the meal's hour after the words of where
            rf"^\w+\b[^,.;:]{{0,40}}?\b(?:at|around|about) {_TIME}(?!\s*(?:%|percent|km|euros?|€))",
            after,
        )
        before = re.search(rf"{lead} (?:before|by|no later than) {_TIME}", after)
        late = re.search(rf"{lead} (?:after|from) {_TIME}", after)
        evening = meal == "dinner"
        if at and (when := _clock(at.group(1), evening_bias=evening or meal == "lunch", dinner=evening)):
            centre = datetime.combine(date.min, when)
            earliest = (centre - timedelta(minutes=30)).time()
            latest = (centre + timedelta(minutes=duration + 30)).time()
            draft.fields.setdefault("_meal_at", {})[meal] = when.isoformat("minutes")  # the day starts by then
        if before and (when := _clock(before.group(1), evening_bias=evening or meal == "lunch", dinner=evening)):
            latest = when
        if late and (when := _clock(late.group(1), evening_bias=evening, dinner=evening)):
            earliest = when
        if span and (first := _clock(span.group(1), evening_bias=evening)):
            last = _clock(span.group(2), evening_bias=evening or first.hour >= 12)
            if last is not None and last > first:
                earliest, latest = first, last  # "lunch 12-13.30": the meal between those times
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
    bite = _A_BITE.search(text)
    if not meals and bite and not is_negated(text, bite.start()):
        # "drinks and a bite to eat" tonight is dinner; in the morning breakfast; else lunch
        depart = draft.fields.get("depart_at")
        hour = datetime.fromisoformat(depart).hour if depart else None
        part = draft.fields.get("part_of_day")
        meal = (
            "dinner"
            if part in {"evening", "night"} or (hour is not None and hour >= _DINNER_FROM_HOUR)
            else "breakfast"
            if part == "morning" and (hour is None or hour < _BREAKFAST_UNTIL_HOUR)
            else "lunch"
        )
        earliest, latest = MEAL_WINDOWS[meal]
        meals.append(
            {
                "meal": meal,
                "earliest": earliest.isoformat("minutes"),
                "latest": latest.isoformat("minutes"),
                "duration_min": 45,
            }
        )
        draft.evidence[f"meal:{meal}"] = bite.group(0)
    if meals:
        draft.fields["meals"] = meals
        draft.evidence["meals"] = ", ".join(m["meal"] for m in meals)


_ERRANDS = frozenset({"pharmacy", "supermarket", "fuel", "parking", "charging_station"})
_A_BITE = re.compile(
    r"\b(?:a bite(?: to eat)?|something to eat|(?:grab|get) (?:some )?food|eat something|(?:we'?re|i'?m) (?:so )?hungry|"
    r"essen gehen|(?:etwas|was) (?:zu )?essen|(?<!zu mittag )(?<!zu abend )essen)\b"
)
_DINNER_FROM_HOUR = 16
_LOW_CHARGE = 0.1
_BREAKFAST_UNTIL_HOUR = 10


# "something fun", "things to do", "kids' stuff": things to do, of no kind said
_ANYTHING = (
    r"\b(?:something|anything|somewhere|things?|stuff|activities|places?) (?:fun|nice|interesting|to do|to see|to visit)\b|"
    r"\bfun (?:things|stuff|activities|places)\b|\bkids'? (?:stuff|things|activities)\b|\bsee the city\b|"
    # "plan a day trip", "a day out", "surprise us": a day of the usual kinds wished for, nothing more said
    r"\b(?:a |the )?day (?:trip|out)\b|\b(?:plan|organi[sz]e)\b[^.,;]{0,20}\b(?:day|trip|outing|tour)\b|"
    r"\bsurprise (?:me|us)\b"
)
_FOOD_PLACES = frozenset({"restaurant", "cafe", "fast_food", "bar", "pub", "food_court", "ice_cream"})
_AT_PLACE_KM = 0.005  # "lunch at Kappeli": at that very place, not the restaurant next door (30 m had let one in)


def _part_of_one_thing(draft: RequestDraft) -> None:
    """ "the castle, lunch, fireworks in the evening": a part of the day said of one thing while a meal of another
    part is wished is no window for the whole day (the lunch could not be had, and the plan was infeasible)."""
    part = draft.fields.get("part_of_day")
    meals = {m["meal"] for m in draft.fields.get("meals", [])}
    outside = {"evening": {"breakfast", "lunch"}, "night": {"breakfast", "lunch"}, "morning": {"dinner"}}
    if part not in outside or not meals & outside[part] or {"depart_at", "return_by"} & set(draft.fields):
        return
    said = draft.evidence.pop("part_of_day", part)
    draft.fields.pop("part_of_day")
    draft.assumptions.append(
        f"'{said}' kept for what it was said of: the day is long enough for the {' and '.join(sorted(meals & outside[part]))}"
    )


def _meal_at_the_one_restaurant(draft: RequestDraft) -> None:
    """ "the Kunstmuseum, then Restaurant Torkel for lunch", "lunch 12:00 at Restaurant Forum": one restaurant named
    and one meal wished, with no place said for it, is where the meal is eaten (not a visit beside a meal elsewhere)."""
    meals = [m for m in draft.fields.get("meals", []) if m["meal"] in {"lunch", "dinner"}]
    if len(meals) != 1 or any("near" in m for m in draft.fields.get("meals", [])):
        return
    eateries = [
        link
        for link in draft.linked
        if link["field"] == "must_visit" and link.get("category") in {"restaurant", "fast_food"}
    ]
    if len(eateries) != 1:
        return
    meals[0]["near"] = {"place_id": eateries[0]["value"], "name": eateries[0]["name"]}
    meals[0]["near_km"] = _AT_PLACE_KM
    draft.evidence[f"meal:{meals[0]['meal']}:near"] = eateries[0]["said"]


def _meals_near(text: str, draft: RequestDraft) -> None:
    """ "Lunch in Kallio", "dinner near the Market Square": the meal is taken near that place (``MealWish.near``)."""
    for meal in draft.fields.get("meals", []):
        words = "|".join(pattern for pattern, value in MEAL_WORDS.items() if value == meal["meal"])
        for said, where in draft.positions:
            near = re.search(
                # "vegan lunch for 2 adults near Oodi": a few words of the meal may come between
                rf"\b(?:{words})\b(?: (?!(?:and|then|after|before|with|a|an)\b)[\w-]+){{0,4}}? (?:in|near|around|close to|by) "
                rf"(?:the )?{re.escape(said)}\b",
                text,
            )
            # "lunch at Kappeli", "Kappeli for lunch": the meal is taken at that food place, which stays a must-visit
            # (the lunch is the visit; within 30 m the lunch had been eaten next door and the place "visited" apart)
            at = re.search(rf"\b(?:{words})\b(?: \w+)?? at (?:the )?{re.escape(said)}", text) or re.search(
                rf"{re.escape(said)}(?:'s)? (?:\w+ )?for (?:a )?(?:quick )?(?:{words})\b", text
            )
            food = any(
                link.get("value") == where.get("place_id") and link.get("category") in _FOOD_PLACES
                for link in draft.linked
            )
            at_food = near is None and at is not None and food and where.get("place_id")
            if at_food and at is not None:
                meal["near"] = where
                meal["near_km"] = _AT_PLACE_KM
                draft.evidence[f"meal:{meal['meal']}:near"] = at.group(0)
            if near is not None:
                meal["near"] = where
                draft.evidence[f"meal:{meal['meal']}:near"] = near.group(0)
            if near is not None:
                # where to eat is not one more place to visit
                place_id = where.get("place_id")
                must = [p for p in draft.fields.get("must_visit", []) if p != place_id]
                if place_id and must != draft.fields.get("must_visit", must):
                    if must:
                        draft.fields["must_visit"] = must
                        said_must = draft.evidence.get("must_visit", "").split("; ")
                        draft.evidence["must_visit"] = "; ".join(p for p in said_must if f"({place_id})" not in p)
                    else:
                        draft.fields.pop("must_visit", None)
                        draft.evidence.pop("must_visit", None)
                    draft.linked = [
                        link
                        for link in draft.linked
                        if not (link["field"] == "must_visit" and link["value"] == place_id)
                    ]
                break


_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SPELLED_PERCENT = re.compile(
    rf"\b(?:(?P<hundred>(?:a |one )?hundred)|(?P<tens>{'|'.join(_TENS)})(?:[- ](?P<unit>{'|'.join(_UNITS[1:10])}))?"
    rf"|(?P<small>{'|'.join(_UNITS)}))\b(?=\s*(?:%|percent|per cent|left\b|(?:percent )?(?:battery|charge)\b))"
)


def _digits_for_percent(text: str) -> str:
    """Spoken percentages as digits: "twenty percent" is "20 percent", "sixty five percent left" "65 percent left".

    A head-unit's voice transcript spells its numbers out; only a number word right before a percent sign,
    "percent", "left", "battery" or "charge" is turned, so "one museum" or "two kids" stay as they are.
    """

    def digits(found: re.Match[str]) -> str:
        if found.group("hundred"):
            return "100"
        if found.group("tens"):
            return str(_TENS[found.group("tens")] + (_UNITS.index(found.group("unit")) if found.group("unit") else 0))
        return str(_UNITS.index(found.group("small")))

    spoken = _SPELLED_PERCENT.sub(digits, text)
    return re.sub(r"\btype (one|two)\b", lambda m: f"type {_UNITS.index(m.group(1))}", spoken)


def _vehicle(text: str, draft: RequestDraft, networks: tuple[str, ...]) -> None:
    text = _digits_for_percent(text)
    vehicle: dict[str, Any] = {}
    evidence = []
    ev = re.search(
        r"\b(ev|electric(?: car)?|e-car|tesla|ioniq|id\.?[3-7]|leaf|model [3ysx]|battery|charg(?:e|ed|ing|er)|"
        r"zoe|e-?golf|kona electric|niro ev|enyaq|polestar \d|taycan|e-?tron|mach-e|i3|ix3|eqc|"
        r"voiture electrique|borne de recharge|recharger|"
        r"sahkoauto\w*|elbil\w*|chademo|ccs)\b",
        text,
    )
    ice = re.search(
        r"\b(petrol|diesel|gasoline|combustion|gas car|fuel tank|tank is|"
        r"(?:fuel|petrol|gas) (?:warning )?light|low on (?:fuel|petrol|gas)|running out of (?:fuel|petrol|gas))\b",
        text,
    )
    if ev and ice and ev.group(0).startswith("charg"):
        ev = None  # "a diesel van, no charging needed"
    # "a plug-in hybrid": it runs on fuel when the battery is spent, so no charge is planned for it
    hybrid = re.search(r"\b(?:plug-?in hybrid|phev|hybrid)\b", text)
    if hybrid:
        ev, ice = None, hybrid
        draft.assumptions.append(f"'{hybrid.group(0)}' planned as a fuel car: no charging stop is planned")
    if ev:
        vehicle["powertrain"] = "ev"
        evidence.append(ev.group(0))
    elif ice:
        vehicle["powertrain"] = "ice"
        evidence.append(ice.group(0))
    soc = re.search(
        # "it is charged to 60%" is the charge now; "needs to be charged to 80%" the charge wanted
        r"\b(?:at|battery(?: is)?(?: at)?|batterie(?: a)?|soc(?: of)?|(?<!be )(?<!get )(?<!got )(?<!needs )charged to|"
        r"with|on|has)"
        r"\s*(\d{1,3})\s*(?:%|percent)",
        text,
    ) or re.search(
        r"\b(\d{1,3})\s*(?:%|percent|per cent)\s*(?:battery|charge|soc|charged|left|now|remaining)|\bbatt\w*\s*(\d{1,3})\s*%",
        text,
    )
    # "EV 25% -> 80%": from the charge now to the charge wanted
    arrow = re.search(r"\b(\d{1,3})\s*%\s*(?:->|→|=>|to)\s*(\d{1,3})\s*%", text)
    if arrow and not soc:
        soc = arrow
    # "EV 45%", "electric car 60% / 77kWh": the charge said right after the car
    soc = soc or re.search(
        r"\b(?:ev|electric(?: car| vehicle)?|e-?car|bev|tesla(?: model \w)?)\s*(?:is\s*|,\s*)?(\d{1,3})\s*(?:%|percent)"
        r"(?!\s*(?:reserve|buffer|spare|left when|when back))",
        text,
    )
    level = next((g for g in soc.groups() if g), None) if soc else None
    if soc and level is not None and 0 <= int(level) <= 100:
        vehicle["soc"] = int(level) / 100
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
    reserve = reserve or re.search(
        r"\b(?:keep|leave|hold)\s*(\d{1,2})\s*%\s*(?:in |as )?(?:reserve|spare|buffer)", text
    )
    reserve = reserve or re.search(
        r"\b(?:let it |letting it )?(?:drop|go|fall|get|dip)\s+(?:below|under)\s*(\d{1,2})\b(?!\s*(?:km|min|euros?|€|kw))",
        text,
    )
    # "ei saa laskea alle 15 %" (must not go under 15 %): Finnish "alle", Swedish "under"
    reserve = reserve or re.search(r"\b(?:alle|under) (\d{1,2})\s*%", text)
    # "reserve 20%", "a 15 % buffer"
    reserve = reserve or re.search(r"\b(?:reserve|buffer)(?: of| at|:)?\s*(\d{1,2})\s*%", text)
    reserve = reserve or re.search(r"\b(\d{1,2})\s*%\s*(?:reserve|buffer)\b", text)
    # "keep at least 15 %" with no word of the end of the day: never below it, all day
    reserve = reserve or re.search(
        r"\b(?:keep|with|always have) at least (\d{1,2})\s*(?:%|percent|per cent)"
        r"(?!\s*(?:left |remaining |charge |in the battery )?(?:when|once|by the time|on|at the end|back|home|arriv))",
        text,
    )
    if reserve:
        vehicle["reserve_soc"] = int(reserve.group(1)) / 100
        evidence.append(reserve.group(0))
    half = re.search(
        r"\b(?:battery|charge)\b[^.,;]{0,12}\bhalf(?:[- ]full| charged)?\b|\bhalf[- ](?:full|charged)\b", text
    )
    if half and "soc" not in vehicle:
        vehicle["soc"] = 0.5
        vehicle.setdefault("powertrain", "ev")
        evidence.append(half.group(0))
    # "battery almost empty", "low battery": a charge said without its number; 80 % would be false
    low = re.search(
        r"\b(?:battery|charge)\b[^.,;]{0,12}\b(?:almost|nearly|practically|pretty much)?\s*(?:empty|flat|dead)\b|"
        r"\blow (?:battery|charge)\b|\bbattery(?: is| is running| running)? low\b|"
        r"\brunning (?:low|out) (?:on|of) (?:battery|charge)\b",
        text,
    )
    if low and "soc" not in vehicle:
        vehicle["soc"] = _LOW_CHARGE
        vehicle.setdefault("powertrain", "ev")
        evidence.append(low.group(0))
        draft.assumptions.append(
            f"'{low.group(0)}' read as {_LOW_CHARGE:.0%} charge (say the charge, e.g. 'battery 12%')"
        )
    target = re.search(
        r"\b(?:arriv\w*|back|return\w*|end\w*|home)\b[^.%]{0,25}?\bwith (?:at least )?(\d{1,3})\s*%", text
    )
    target = target or re.search(
        # "keep at least 20% when back", "at least 15% left when I'm back": the charge at the end of the day
        r"\b(?:at least|keep|min(?:imum)?|still have)\s+(?:at least\s+)?(\d{1,3})\s*(?:%|percent|per cent|(?=\s+left\b))"
        r"(?:\s+(?:left|remaining|charge|battery|in the battery))?\s+(?:when|once|by the time|on)?\s*"
        r"(?:i'?m |we'?re |we are |i am |we get |i get |getting |get |we |i )?(?:back|home|return\w*|arriv\w*)",
        text,
    )
    target = target or re.search(
        # "charge to 80%", "charge to 80 percent", "charge to 80" ending the sentence
        r"\b(?:charg\w*(?: it| her| him| the car| the battery)?|top(?:ping)? (?:it |her |him |the battery |us )?up)"
        r" (?:up )?to (\d{1,3})\s*"
        r"(?:%|percent|per cent|(?=\s*(?:$|[,.;!]|before\b|by\b|while\b|during\b|when\b|so\b)))",
        text,
    )
    # "charge it full while we eat", "ladataan täyteen" (charged full): to 100 %
    full = re.search(
        r"\b(?:charg\w*|top(?:ping)? (?:it |her )?up|ladat\w*|lataa)(?: it| her| the car| the battery)?(?: up)?"
        r" (?:to )?(?:full|fully|taytee?n)\b",
        text,
    )
    if full and not target:
        vehicle["target_soc"] = 1.0
        evidence.append(full.group(0))
    if target and vehicle.get("powertrain") != "ev" and not re.search(r"%|per ?cent", target.group(0)):
        target = None  # "at least 2 left when we get home" is a charge only when the car is electric
    if target:
        vehicle["target_soc"] = int(target.group(1)) / 100
        evidence.append(target.group(0))
    elif arrow and soc is arrow:
        vehicle["target_soc"] = int(arrow.group(2)) / 100
    # "leaf chademo 15%!!", "sähköauto 40 %": an electric car's one other percentage is its charge now
    used = [m.span() for m in (soc, reserve, target) if m is not None]
    others = [
        p
        for p in re.finditer(r"\b(\d{1,3})\s*(?:%|percent|per cent|prosenttia|procent)", text)
        if not any(a <= p.start() < b for a, b in used)
        and not re.search(r"\b(?:to|till|until|up to|least|min|minimum|max|off|discount)\s*$", text[: p.start()])
    ]
    if "soc" not in vehicle and ev and len(others) == 1 and 0 <= int(others[0].group(1)) <= 100:
        vehicle["soc"] = int(others[0].group(1)) / 100
        evidence.append(others[0].group(0))
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


_ORIGIN_BEFORE = re.compile(
    r"\b(?:from|fr[aå]n|starting (?:at|from)|start(?:s)? (?:at|from)|leaving from|depart(?:ing)? from|"
    r"(?:start|starting point|origin|from|begin):|(?:(?:my|our|the) )?hotel is|"
    r"pick(?:ing)? (?:us |me |them )?up (?:at|from)|set(?:ting)? off from|begin(?:ning)? at|"
    # "we're staying at the Torni hotel": where the day starts (not "staying at the museum for an hour")
    r"(?:we'?re|we are|i'?m|i am) staying (?:at|in)|"
    # "Start Hotel Kämp, end GLO Hotel Kluuvi": the word alone, first in its clause
    r"(?:^|[.,;:!?]\s*)(?:start|begin)|"
    # "leave Senate Square at 10:00", "starting Kauppatori 9am": the verb alone before the place
    r"(?:leav(?:e|ing)|start(?:ing)?|depart(?:ing)?)|"
    # "lähdetään Kauppatorilta" (we leave from Kauppatori), "lähtö Kampista": the start, in Finnish
    r"l[aä]hdet[aä][aä]n|l[aä]ht[oö]|aloitetaan)\s+(?:the\s+)?$"
)
_END_BEFORE = re.compile(
    r"\b(?:end(?:ing)? (?:at|in|up at)|finish(?:ing)? at|(?:end|finish)(?:ing)? (?:the|our|my) (?:day|trip) (?:at|in)|"
    r"(?:the )?day ends (?:at|in)|drop (?:us |me |them )?(?:off )?at|ends? at|"
    r"(?<!go )(?<!come )(?<!get )(?:back|return(?:ing)?|head(?:ing)? back) to|destination(?: is)?:?|"
    r"(?:end|ending point|finish|to):|(?:^|[.,;:!?]\s*)(?:end|finish)|"
    # "päivä päättyy Omenahotelliin" (the day ends at), "lopuksi hotelliin" (finally, to the hotel): the end
    r"p[aä]iv[aä] p[aä][aä]ttyy|p[aä][aä]tet[aä][aä]n|lopetetaan)\s+(?:the\s+)?$"
)
_FROM_ELSEWHERE_TO = re.compile(
    r"(?:^|[.!?]\s*|\b(?:drive|go|going|driving|ride|get|getting)\s+)from\s+[^,.;]{2,40}?\s+to\s+(?:the\s+)?$"
)
# "From Senate Square to the Kamppi Chapel": the end of a from-to pair
# "from Senaatintori to Kauppatori", "from Senaatintori 10:00 to Kauppatori 18:00": the end
_TO_AFTER_FROM = re.compile(r"^\s+(?:(?:at\s+)?\d{1,2}[:.]\d{2}\s+)?to\s+(?:the\s+)?$")
_AVOID_BEFORE = re.compile(r"\b(?:not|no|avoid(?:ing)?|skip(?:ping)?|except|without|anything but)\s+(?:the\s+)?$")


def _places(original: str, draft: RequestDraft, gazetteer: Gazetteer | None, region: str | None) -> str:
    """Origin, destination, must-visit and avoided places, linked to the gazetteer.

    A street or square is kept as a named position (its name stays on the plan); a
    catalogue place by its ID. A capitalised name after a visiting cue that the region
    does not have is reported, never dropped silently.
    """
    if gazetteer is None:
        return original
    masked = _points(original, draft)
    mentions, unresolved = link_places(original, gazetteer)
    # "Sanremo in Italy": a place said to be in another country is not the café "San Remo" here
    abroad = [m for m in mentions if _IN_ANOTHER_COUNTRY.match(original[m.end :])]
    if abroad:
        mentions = [m for m in mentions if m not in abroad]
        unresolved = sorted([*unresolved, *((m.said, m.start) for m in abroad)], key=lambda u: u[1])

    def linked(name: str) -> None:
        draft.linked.append(
            {
                "field": name,
                "said": mention.said,
                "value": mention.label,
                "name": mention.name,
                "score": mention.score,
                "category": mention.category,
            }
        )

    must: list[str] = []
    avoid: list[str] = []
    said_must: list[str] = []
    spans: list[tuple[int, int, str | None]] = []  # (start, end, category) of each place linked
    origin_end: int | None = None
    # "Hotel Lilla Robert → Kaisaniemi park → Scandic Paasi": a hotel at either end of a chain of places is
    # where the day starts or ends, not a visit
    chained = [m for m in mentions if m.place_id is not None and not m.landmark]
    chain = [chained[0]] if chained else []
    for before_it, mention in pairwise(chained):
        if re.fullmatch(r"\s*(?:->|→|=>|>|—>)\s*", original[before_it.end : mention.start]):
            chain.append(mention)
        elif len(chain) < 3:
            chain = [mention]
        else:
            break
    hotel_first = chain[0] if len(chain) >= 3 and chain[0].category == "hotel" else None
    hotel_last = chain[-1] if len(chain) >= 3 and chain[-1].category == "hotel" else None
    # "From A to B, and finish at C": with an end said, "to B" after the start is a visit, not the end
    end_said = any(_END_BEFORE.search(original[max(0, m.start - 40) : m.start].lower()) for m in mentions)
    for mention in mentions:
        if _clock(mention.said.lower()) is not None:
            continue
        start, end = _with_kind_words(original, mention)
        if mention.landmark:  # "opposite the cathedral": where another place is, neither a visit nor a wish
            masked = masked[:start] + " " * (end - start) + masked[end:]
            if near_what(original, mention):  # "a cafe near Havis Amanda": said, as the plan cannot keep "near"
                draft.assumptions.append(f"{mention.name}: said as where, not as a stop (places are picked on the way)")
            continue
        # "start at hotel schaanerhof": a kind word between the cue and a name that lacks it
        lead = _KIND_LEAD.search(original, 0, mention.start)
        cue_at = lead.start() if lead is not None else mention.start
        before = original[max(0, cue_at - 40) : cue_at].lower()
        # a start or end keeps its name for the plan: a catalogue place by ID, a street by its position
        value: dict[str, Any] = (
            {"place_id": mention.place_id, "name": mention.name}
            if mention.place_id
            else {"lat": round(mention.lat, 6), "lon": round(mention.lon, 6), "name": mention.name}
        )
        draft.positions.append((_normalise(mention.said), value))
        spans.append((start, end, mention.category))
        if mention.place_id is not None or _ORIGIN_BEFORE.search(before) or _END_BEFORE.search(before):
            masked = masked[:start] + " " * (end - start) + masked[end:]
        note = f"{mention.said} -> {mention.name}" + (f" ({mention.place_id})" if mention.place_id else " (street)")
        after_origin = (
            origin_end is not None
            and not end_said
            and _TO_AFTER_FROM.match(original[origin_end : mention.start]) is not None
        )
        # "Carltonista Rivoliin", "Havis Amandalta Kappeliin": from (-sta, -lta) one to (-iin, -lle...) the next
        pair = next((m for m in mentions if m.start > mention.end), None)
        finnish_from = (
            re.search(r"(?:sta|lta|stä|ltä)$", mention.said.lower()) is not None
            and pair is not None
            and re.fullmatch(r"\s*(?:->|→|-)?\s*", original[mention.end : pair.start]) is not None
            and re.search(r"(?:iin|aan|een|oon|uun|yyn|ään|öön|lle|in|an|en|on|un)$", pair.said.lower()) is not None
        )
        finnish_to = origin_end is not None and re.fullmatch(r"\s*(?:->|→|-)?\s*", original[origin_end : mention.start])
        if (_ORIGIN_BEFORE.search(before) or finnish_from or mention is hotel_first) and "origin" not in draft.fields:
            draft.put("origin", value, mention.said)
            linked("origin")
            origin_end = mention.end
        elif (
            (
                _END_BEFORE.search(before)
                or after_origin
                or (finnish_to and re.search(r"(?:n|lle)$", mention.said.lower()))
                or mention is hotel_last
                # "from helsinki airport to hotel arthur": a start the region lacks still makes this the end
                or ("origin" not in draft.fields and _FROM_ELSEWHERE_TO.search(original[: mention.start].lower()))
            )
            and "destination" not in draft.fields
        ):
            draft.put("destination", value, mention.said)
            linked("destination")
        elif mention.place_id is None:
            continue  # a street named in passing ("lunch on Aleksanterinkatu") is no wish to visit it
        elif _AVOID_BEFORE.search(before):
            if mention.place_id not in avoid:
                avoid.append(mention.place_id)
                linked("avoid_places")
        elif mention.place_id not in must and mention.place_id != draft.fields.get("origin", {}).get("place_id"):
            must.append(mention.place_id)
            said_must.append(note)
            linked("must_visit")
        if mention.others:
            draft.assumptions.append(
                f"{mention.said!r} could be several places; took {mention.name} ({mention.label}), "
                f"others: {', '.join(mention.others[:3])}"
            )
    masked = _towns(original, masked, draft, gazetteer, mentions, unresolved=unresolved, after=origin_end)
    marked = original
    for first, last, kind in sorted(spans, reverse=True):
        marked = f"{marked[:first]} @{kind}@ {marked[last:]}"
    draft.marked = _normalise(marked)
    if must:
        draft.put("must_visit", must, "; ".join(said_must))
    if avoid:
        draft.put("avoid_places", avoid, ", ".join(avoid))
    where = f"region {region!r}" if region else "this region"
    # "start at the sokos vaakuna": a start said with its verb, whatever words name it
    named = _START_NAMED.search(original)
    if named is not None and not any(
        english_frequency(w) == 0 and w not in NUMBER_WORDS for w in re.findall(r"[^\W\d_]+", named.group(1).lower())
    ):
        named = None  # "starting at around ten", "start at the museum": no name in the words, nothing to say missing
    start_said = _START_DESCRIBED.search(original) or named
    if (
        start_said
        and not CAME_FROM.search(original[: start_said.start()])
        and "origin" not in draft.fields
        and not any(m.start < start_said.end(1) and start_said.start(1) < m.end for m in mentions)
        and not any(start_said.start(1) <= at < start_said.end(1) for _, at in unresolved)  # said below already
        # "starting from the hotel": where the traveller stays is the trip's usual start, nothing to find
        and not re.fullmatch(r"(?:the|our|my) (?:hotel|hostel)", start_said.group(1).lower())
    ):
        # "from the railway station": a start described, not found, is said (the plan starts elsewhere)
        said = start_said.group(1)
        draft.not_understood.append({"said": said, "reason": f"no place found for {said!r} in {where}"})
        draft.fields.setdefault("_origin_unresolved", said)
    for name, start in unresolved:
        if gazetteer.locality(name) is not None:
            continue  # a town of the region, read above
        # "Uspenski Cathedral": the kind of place in a name the region lacks is no wish for that kind
        masked = masked[:start] + " " * len(name) + masked[start + len(name) :]
        # "the abbey library in St. Gallen": a sight of a town the region lacks is no wish for its kind here
        sight = _SIGHT_IN.search(original, 0, start)
        if sight is not None:
            masked = masked[: sight.start()] + " " * (sight.end() - sight.start()) + masked[sight.end() :]
        draft.unresolved_places.append(name)
        draft.not_understood.append({"said": name, "reason": f"no place called {name!r} in {where}"})
        if _ORIGIN_BEFORE.search(original[max(0, start - 40) : start].lower()) and "origin" not in draft.fields:
            draft.fields.setdefault("_origin_unresolved", name)  # the question about the start names it
    return masked


def _country_names() -> str:
    """English names of the world's countries, from the ``holidays`` registry ("UnitedKingdom": united kingdom)."""
    from holidays.registry import COUNTRIES  # noqa: PLC0415

    names = {re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0]).lower() for entry in COUNTRIES.values()}
    names |= {"usa", "the us", "uk", "england", "scotland", "wales", "the states", "holland"}
    return "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))


_IN_ANOTHER_COUNTRY = re.compile(rf"\s*(?:,|in|en)\s+(?:the\s+)?(?:{_country_names()})\b", re.IGNORECASE)
_SIGHT_IN = re.compile(
    # definite: "a museum in San Francisco" is a kind wished for, "the abbey library in St. Gallen" one sight
    r"\bthe\s+(?:[a-z]+\s+)?(?:museum|gallery|library|castle|church|cathedral|abbey|monastery|palace|zoo)"
    r"\s+(?:in|at)\s+$",
    re.IGNORECASE,
)
_KIND_LEAD = re.compile(r"\b(?:hotel|hostel|cafe|café|restaurant|bar|pub)\s+$", re.IGNORECASE)
_KIND_AFTER_TOWN = re.compile(
    # one word between ("Helsinki Central Station"), but no linking word ("Schaan then a museum" is the town)
    r"\s+(?:(?!(?:and|then|or|to|the|a|an|with|for|in|at|on|of|after|before|via)\b)[a-z]+\s+)?"
    r"(?:airport|station|harbou?r|port|terminal|castle|palace|fortress|museum|church|cathedral|chapel|bridge|"
    r"hotel|hostel|cent(?:re|er)|square|park|market|hall|zoo|library|stadium|university|hospital|gallery|tower|"
    r"lake|river|beach|island|old town)\b",
    re.IGNORECASE,
)
_TOWN_WORDS = r"[A-Za-zÀ-ÿ][\w'\u2019-]*(?:\s+[A-Za-zÀ-ÿ][\w'\u2019-]*){0,3}"


def _towns(
    original: str,
    masked: str,
    draft: RequestDraft,
    gazetteer: Gazetteer,
    mentions: list[Mention],
    *,
    unresolved: list[tuple[str, int]],
    after: int | None,
) -> str:
    """Towns, villages and districts of the region named in the text: a start or an end, or where to be.

    "from Schaan", "ending in Triesen": the trip's start or end at the town's position. "lunch in
    Schaan", "a day in Vaduz": where the traveller wants to be, kept in ``draft.towns`` (the plan
    picks places across the region, which the reader says where the town is not the start's).
    Words of a catalogue place's name ("Landesmuseum Vaduz") are the place's, not the town's, and so
    are those of a name the region lacks ("Helsinki Central Station").
    """
    if not gazetteer.localities:
        return masked
    taken = [(m.start, m.end) for m in mentions] + [
        (at, at + len(name)) for name, at in unresolved if gazetteer.locality(name) is None
    ]
    seen: set[str] = set()
    for found in re.finditer(rf"(?<![\w'\u2019-])(?={_TOWN_WORDS})", original):
        start = found.start()
        words = re.match(_TOWN_WORDS, original[start:])
        assert words is not None
        tokens = words.group(0).split()
        for size in range(len(tokens), 0, -1):  # the longest run of words that names a town
            said = " ".join(tokens[:size])
            town = gazetteer.locality(said)
            end = start + len(said)
            if town is None or (size == 1 and said.islower() and len(said) < 5):
                continue
            if any(first < end and start < last for first, last in taken):
                continue  # "the rhine monument": words of a place linked or said missing
            if _KIND_AFTER_TOWN.match(original[end:]):
                break  # "Helsinki Airport", "Vaduz Castle": a place named after the town, not the town
            taken.append((start, end))
            masked = masked[:start] + " " * (end - start) + masked[end:]
            before = original[max(0, start - 40) : start].lower()
            value = {"lat": round(town.lat, 6), "lon": round(town.lon, 6), "name": town.name}
            role = None
            if _ORIGIN_BEFORE.search(before) and "origin" not in draft.fields:
                role = "origin"
            elif (
                _END_BEFORE.search(before)
                or (after is not None and _TO_AFTER_FROM.match(original[after:start]) is not None)
            ) and "destination" not in draft.fields:
                role = "destination"
            if role is not None:
                draft.put(role, value, said)
                draft.positions.append((_normalise(said), value))
                draft.linked.append(
                    {
                        "field": role,
                        "said": said,
                        "value": f"{town.kind}:{town.name}",
                        "name": town.name,
                        "score": 1.0,
                        "category": town.category,
                    }
                )
            elif any(
                m.end <= start and re.fullmatch(r"\s*,?\s*(?:in|at|near|by)\s+", original[m.end : start])
                for m in mentions
            ):
                pass  # "the Rhine monument in Schaan": where the place named is, no wish of its own
            elif town.name not in seen:
                seen.add(town.name)
                draft.towns.append((said, town.name, town.category or town.kind, town.lat, town.lon))
            break
    return masked


_START_NAMED = re.compile(
    r"\b(?:start(?:ing)? (?:at|from)|begin(?:ning)? at|set(?:ting)? off from|leaving from)\s+"
    r"(?!(?:noon|midday|midnight|dawn|sunrise|home|here|now|my|our|your|his|her|their|it|where)\b)"
    r"((?:the )?[a-zåäöé][\w'-]+(?: [a-zåäöé][\w'-]+){0,3}?)(?=\s*(?:$|[,.;!?]|\s(?:and|then|at|by|to)\b))"
)
_START_DESCRIBED = re.compile(
    r"\b(?:from|starting (?:at|from)|start(?:s)? (?:at|from)|leaving from|depart(?:ing)? from)\s+"
    r"(the (?:[a-z]+ ){0,2}(?:station|square|harbou?r|port|airport|terminal|hotel|hostel|museum|church|cathedral|"
    r"market(?: hall)?|library|park|centre|center|mall|bridge))\b"
)
_MOST_OF_A_KIND = 6  # "3 museums" is a count of stops; "10 museums" in a day is no plan anyone drives
# "um" before an hour said with "Uhr" is German "at" ("zurück um 15 Uhr"), no filler
_FILLERS = re.compile(
    r"\b(?:u+m+(?!\s+\d{1,2}(?:[:.]\d{2})?\s*uhr\b)|u+h+|e+r+m+|h+m+|u+h+m+|e+h+m+)\b,?\s*", re.IGNORECASE
)


def _points(original: str, draft: RequestDraft) -> str:
    """ "from 60.1699, 24.9384": a start or end given as coordinates; the text with them blanked."""
    masked = original
    for point in COORDINATES.finditer(original):
        lat, lon = float(point[1]), float(point[2])
        masked = masked[: point.start()] + " " * (point.end() - point.start()) + masked[point.end() :]
        said = point.group(0)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            draft.not_understood.append({"said": said, "reason": "not a latitude and longitude on Earth"})
            continue
        value = {"lat": lat, "lon": lon, "name": f"{lat:.5f}, {lon:.5f}"}
        before = original[max(0, point.start() - 40) : point.start()].lower()
        if _END_BEFORE.search(before) and "destination" not in draft.fields:
            draft.put("destination", value, said)
        elif "origin" not in draft.fields and not _END_BEFORE.search(before):
            draft.put("origin", value, said)
        else:
            reason = "a point given as coordinates is read only as the start or the end of the trip"
            draft.not_understood.append({"said": said, "reason": reason})
    return masked


# Kinds of place said around a name ("the art museum Ateneum", "Stockmann's roof bar", "Ateneum Bistro, the
# museum's cafe"): they are what the place is, not a wish for another place of that kind
_KIND_WORD = (
    r"(?:art |history |design )?(?:museum|gallery|church|cathedral|chapel|park|bar|pub|cafe|café|restaurant|bistro|"
    r"library|theatre|theater|statue|monument|memorial|sculpture|fountain|square|hotel|market hall|hall)s?"
)
_KIND_BEFORE_NAME = re.compile(rf"\b(?:the|a|an)\s+(?:\w+\s+)?{_KIND_WORD}\s+$", re.IGNORECASE)
_KIND_AFTER_NAME = re.compile(
    # "Ateneum Bistro, the museum's cafe": an apposition says whose it is; "Rautatientori, a museum" is a list
    rf"^(?:'s|\u2019s)?\s+{_KIND_WORD}\b|^,?\s+(?:the|its)\s+\w+(?:'s|\u2019s)\s+{_KIND_WORD}\b",
    re.IGNORECASE,
)


def _with_kind_words(text: str, mention: Mention) -> tuple[int, int]:
    """The span of a mention with the kind words said right around it."""
    start, end = mention.start, mention.end
    before = _KIND_BEFORE_NAME.search(text[:start])
    if before is not None:
        start = before.start()
    after = _KIND_AFTER_NAME.match(text[end:])
    if after is not None:
        end += after.end()
    return start, end


# Pictures people type for kinds of place ("🎬🍿 somewhere?"): read as the word (food pictures: _cuisine)
_EMOJI_WORDS = {
    "🎬": " films ",
    "🎥": " films ",
    "🍿": " films ",
    "🎭": " theatre ",
    "🎨": " art ",
    "🖼": " art ",
    "🏛": " museums ",
    "⛪": " churches ",
    "🍺": " beer ",
    "🍻": " beer ",
    "🍷": " wine ",
    "🍸": " cocktails ",
    "☕": " coffee ",
    "🌳": " parks ",
    "🌲": " nature ",
    "🛝": " playground ",
    "🎵": " live music ",
    "🎶": " live music ",
    "📚": " library ",
}
_EMOJI_WORD = re.compile("|".join(map(re.escape, _EMOJI_WORDS)))


def _normalise(text: str) -> str:
    """Lower case without accents; punctuation kept (times, %, currency need it)."""
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare.casefold()).strip()


def _cuisines(text: str, draft: RequestDraft, region_cuisines: frozenset[str]) -> None:
    """Food wishes ("sushi", "something Nepalese"), attached to the meal said nearest to them."""
    wishes = read_cuisines(text, region_cuisines=region_cuisines)
    # "an Indian place, no wait, make it Nepalese": the food said before the words taking it back is dropped
    for cue in _TAKEN_BACK.finditer(text):
        before = [w for w in wishes if w.start < cue.start()]
        if before and any(w.start > cue.start() for w in wishes):
            wishes = [w for w in wishes if w is not before[-1]]
    seen: set[tuple[str, ...]] = set()
    # "🍕🍕", "sushi... more sushi": one wish said twice is one wish
    wishes = [w for w in wishes if tuple(w.values) not in seen and not seen.add(tuple(w.values))]  # type: ignore[func-returns-value]
    # "schnitzel and beer German style", "a German schnitzel": the cuisine said in the same clause as a dish of it
    # is that one wish ("Turkish lunch tomorrow, a kebab is fine too" stays two)
    wishes = [
        w
        for w in wishes
        if not any(
            set(w.values) < set(o.values)
            and not re.search(r"[,.;:!?]|\bor\b", text[min(o.start, w.start) : max(o.start, w.start)])
            for o in wishes
        )
    ]
    if not wishes:
        return

    draft.put(
        "cuisine", [{"said": w.said, "values": list(w.values)} for w in wishes], ", ".join(w.said for w in wishes)
    )
    meals = draft.fields.get("meals", [])
    if not meals and re.search(r"\btonight\b", text):
        # "sushi tonight?": food wished for the evening is dinner
        earliest, latest = MEAL_WINDOWS["dinner"]
        values = list(dict.fromkeys(v for w in wishes for v in w.values))
        meal = {"meal": "dinner", "earliest": earliest.isoformat("minutes"), "latest": latest.isoformat("minutes")}
        draft.fields["meals"] = [{**meal, "duration_min": 60, "cuisine": values}]
        draft.evidence["meals"] = draft.evidence["meal:dinner"] = wishes[0].said
        return
    if not meals:
        return
    positions = {m["meal"]: text.find(draft.evidence.get(f"meal:{m['meal']}", m["meal"])) for m in meals}
    for wish in wishes:
        nearest = min(meals, key=lambda m: abs(positions[m["meal"]] - wish.start))
        nearest.setdefault("cuisine", [])
        nearest["cuisine"] = list(dict.fromkeys([*nearest["cuisine"], *wish.values]))


def read_request(
    text: str,
    *,
    now: datetime,
    gazetteer: Gazetteer | None = None,
    networks: tuple[str, ...] = (),
    country: str | None = None,
    region_cuisines: frozenset[str] = frozenset(),
) -> RequestDraft:
    """The fields of a trip request found in ``text``; ``now`` is aware, in the region's zone.

    Dates and times are resolved against ``now`` (holidays of ``country``, an ISO code);
    ``networks`` are the charging networks of the region (so "only Recharge chargers" is
    recognised); ``region_cuisines`` are the cuisine values of its catalogue.
    """
    # "musuems and a galery": slips of the reader's own words are read as those words, and said
    text = _FILLERS.sub("", text)  # "to um kiasma": what a voice says while thinking
    text = re.sub(r"\b([Ss])q\b\.?", r"\1quare", text)  # "senate sq": typed short
    text, slips = correct_slips(text, known_words(gazetteer) if gazetteer is not None else frozenset())
    text = corrected(text)  # "4 people, wait no, 5": the number said last
    draft = RequestDraft(
        kind_words=local_kind_words(gazetteer) if gazetteer is not None else (),
        capitalised=frozenset(
            _normalise(m.group(0)) for m in re.finditer(r"(?<![.!?:]\s)(?<!^)\b[A-ZÅÄÖ]\w+", text.strip())
        ),
    )
    draft.assumptions.extend(f"read '{typed}' as '{read}'" for typed, read in slips)
    # Places first: the words of a place's name ("Helsinki Cathedral") are not also an interest.
    masked = _places(text, draft, gazetteer, gazetteer.region if gazetteer is not None else None)
    if not draft.linked and not draft.unresolved_places:  # "🏛️ ateneum ➡️ 🎭 kansallisteatteri": pictures of places
        masked = _EMOJI_WORD.sub(lambda m: _EMOJI_WORDS[m.group(0)], masked)
    lowered = french_hours(_normalise(masked))  # "déjeuner vers 13h": the meal's hour, as "lunch around 13:00"
    when = read_when(_normalise(text), now, country=country)
    draft.evidence.update({k: v for k, v in when.said.items() if k in {"date", "depart_at", "return_by"}})
    draft.questions.extend(when.questions)
    draft.assumptions.extend(when.notes)
    day = when.day or now.date()
    zone = now.tzinfo
    if when.depart is not None:
        draft.put("depart_at", datetime.combine(day, when.depart, zone).isoformat(), when.said["depart_at"])
    last = when.last_day or day  # "Friday to Sunday, back by 6": six on Sunday
    if when.back is not None:
        back_day = last + timedelta(days=1) if when.back_next_day and last == day else last
        draft.put("return_by", datetime.combine(back_day, when.back, zone).isoformat(), when.said["return_by"])
    if when.last_day is not None:
        draft.put("end_date", when.last_day.isoformat(), when.said.get("days") or when.said["date"])
    if when.duration_h is not None:
        draft.put("duration_h", when.duration_h, when.said["duration"])
    if when.part is not None:
        draft.put("part_of_day", when.part, when.said["part_of_day"])
    if when.day is not None:
        draft.put("date", day.isoformat(), when.said["date"])
        _day_named_no_place(draft, when.said["date"])
    _party(lowered, draft)
    _budget(lowered, draft)
    _interests(lowered, draft)
    if re.search(_ANYTHING, lowered):
        draft.fields["_anything"] = True
    _missing_kinds(lowered, draft)
    _special_attractions(lowered, draft, gazetteer)
    _diets(lowered, draft)
    lowered = _food_meal_words(lowered)
    _meals(lowered, draft)
    _cuisines(lowered, draft, region_cuisines)
    _vehicle(lowered, draft, networks)
    _unheld(lowered, draft)
    _constraints(lowered, draft)
    _visit_minutes(lowered, draft)
    if re.search(r"\b(?:back home|return home|home again|round trip|loop)\b", lowered):
        draft.fields["round_trip"] = True
    _meals_near(_normalise(text), draft)
    _meal_at_the_one_restaurant(draft)
    _part_of_one_thing(draft)
    if when.window_of_meal and {"interests", "must_visit"} & set(draft.fields):
        for name in ("depart_at", "return_by"):  # "lunch between 12 and 2, and a gallery": lunch's hours only
            draft.fields.pop(name, None)
            draft.evidence.pop(name, None)
    read = {name for name in draft.fields if not name.startswith("_")}
    if gazetteer is not None and not read and not draft.not_understood and not draft.questions and _english(text):
        # "porvoo old town day trip": nothing read but a name of no place here; said, never a silent default day
        where = f"region {gazetteer.region!r}" if gazetteer.region else "this region"
        for name, _ in unknown_names(text, gazetteer)[:3]:
            draft.unresolved_places.append(name)
            draft.not_understood.append({"said": name, "reason": f"no place called {name!r} in {where}"})
    return draft
