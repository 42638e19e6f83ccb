"""When the traveller wants to go: the day, departure, return, length and part of day.

The values of calendar expressions are read by libraries: ``dateparser`` resolves a day
("Friday 18 December", "the 20th of December", "the day after tomorrow", "huomenna",
"i morgon"), ``holidays`` names the public holidays of the region's country ("Boxing Day",
"Midsummer Eve", "Independence Day", in English and the country's languages). This module
finds where such expressions stand in the text, reads clock times ("half past nine",
"quarter to ten", "6pm", "17.30") and composes them: ranges ("half past nine till one",
"from six till nine in the evening", "22:00 to 01:00" across midnight), roles ("back by
five" is a return, "after 17:30" a departure), lengths ("for three hours") and parts of
the day ("in the afternoon").

Why not one library for everything: measured on our development clauses, ``ctparse``
(last release 2022) returns one expression per text and lost the end of "half past nine
till one" and of "from six till nine in the evening"; ``dateparser`` reads no ranges and
reads "18.12." as 18:12; ``timefhuman`` 0.1.5 ignored the reference time. Each part is
therefore done by what reads it right (see docs/agents.md).

A day that has passed, or a weekday that contradicts the date beside it, is never
replaced silently: it becomes a question.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache, partial
from pathlib import Path

from codriver.agents._lexicon import NUMBER_WORDS

__all__ = ["AFTER_MEAL", "When", "country_of_zone", "french_hours", "holiday_words", "parse_clock", "read_when"]

# "one" .. "twelve", as the reader's lexicon spells them
_WORD_HOURS = {w: n for w, n in NUMBER_WORDS.items() if " " not in w and len(w) > 2 and w not in {"both", "twin"}}
_WORD = "|".join(sorted(_WORD_HOURS, key=len, reverse=True))
_HOUR = rf"(?:\d{{1,2}}|{_WORD})"
_MINUTE_WORDS = {"fifteen": 15, "thirty": 30, "forty-five": 45, "forty five": 45, "oh five": 5}
# A clock time: "noon", "half past nine", "quarter to ten", "half nine", "9:30", "9.30", "6pm", "nine thirty".
CLOCK = (
    r"(?:noon|midday|(?:(?:a )?quarter|half) past midnight|midnight|"
    rf"(?:(?:a )?quarter (?:past|to)|half past|twenty past|ten past|twenty to|ten to|half) {_HOUR}(?: ?(?:am|pm))?|"
    r"\d{1,2}[:.]\d{2}(?: ?(?:am|pm))?|\d{1,2}h\d{2}|\d{1,2} ?(?:am|pm)|"
    rf"(?:{_WORD}) (?:thirty|fifteen|forty[- ]five)(?: ?(?:am|pm))?|"
    rf"{_HOUR}(?: ?(?:am|pm|o'?clock))?)"
)
_EVENING = r"(?:in the evening|this evening|at night|tonight|pm|p\.m\.)"
_MORNING = r"(?:in the morning|this morning|am|a\.m\.)"
_MEAL_BEFORE = re.compile(
    r"\b(?:breakfast|brunch|lunch|dinner|supper|eat|meal|dejeuner|diner|souper|repas)\b[^,.;:]{0,30}$"
)
# the meal first in the text: two words before it, or a few that name nothing else to do ("20 € a head for dinner")
_MEAL_FIRST = re.compile(
    r"\W*(?:(?:[\w'-]+\s+){0,2}|(?:(?!(?:then|and|after|before|visit|see|museum|gallery|park|walk|tour|church|"
    r"bar|pub|cafe|coffee|drinks?|shopping)\b)[\w'€$£-]+\s+){0,6})"
    r"(?:breakfast|brunch|lunch|dinner|supper|dejeuner|diner)\b[^,.;:]{0,30}$"
)
_MEAL_MOVED = re.compile(
    r"\b(?:breakfast|brunch|lunch|dinner|supper)\s+(?:a (?:bit|little)\s+)?(?:later|earlier|sooner)\b[^.;:]{0,12}$"
)
_NIGHT_OUT_FROM = 20  # a departure this late makes a bare "back at 3" three in the night
_SMALL_HOURS_UNTIL = 5
_MORNING_FROM_HOUR = 9  # "back at 11:30" after a morning said is before noon; "back at 2" is not
_EVENING_START_FROM = 17  # a departure this late makes a bare "until 1:30" half past one in the night
_ROLLS_OVER_AFTER_DAYS = 60  # a day-month without a year passed longer ago than this is next year's; sooner, asked
_SMALL_BARE_HOUR = 5  # a departure said "at 1".."at 5" without a.m. is in the afternoon
_SHORTEST_TRIP_MIN = 60  # "leave at 9, back by 11" is a trip of two hours, not fourteen
_EARLIEST_BARE_HOUR = 7  # "7-11 museums" can only be hours; "2-3 museums" is a count
_NOT_A_CLOCK_AFTER = re.compile(
    r"^\s*(?:%|€|kilomet|(?:percent|per cent|adults?|people|persons?|kids?|children|hours?|hrs?|h|min|minutes?|km|"
    r"euros?|eur|kwh|kw|stops?|museums?|places?|days?|nights?|of us|years?|stars?)\b)"
)

_MONTHS_EN = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
_MONTH_NAMES = (
    "(?:"
    + "|".join(
        [
            *(sorted(_MONTHS_EN, key=len, reverse=True)),
            r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec",
            # Finnish and Swedish month names, read by dateparser
            r"(?:tammi|helmi|maalis|huhti|touko|kesa|heina|elo|syys|loka|marras|joulu)(?:kuu\w*)",
            r"januari|februari|mars|juni|juli|augusti|oktober",
            # German ones that English does not share
            r"januar|februar|marz|maerz|mai|dezember",
            # French ones ("le 19 novembre", "1er mai")
            r"janvier|fevrier|fevr|avril|juin|juillet|aout|septembre|octobre|novembre|decembre",
        ]
    )
    + r")\.?"
)
_WEEKDAY_NAMES = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    r"maanantai\w*|tiistai\w*|keskiviikko\w*|torstai\w*|perjantai\w*|lauantai\w*|sunnuntai\w*|"
    r"mandag|tisdag|onsdag|torsdag|fredag|lordag|sondag|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
)
_WEEKDAY_INDEX = {
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
    "maa": 0,
    "tii": 1,
    "kes": 2,
    "tor": 3,
    "per": 4,
    "lau": 5,
    "sun_fi": 6,
    "man": 0,
    "tis": 1,
    "ons": 2,
    "fre": 4,
    "lor": 5,
    "son": 6,
    "die": 1,
    "mit": 2,
    "don": 3,
    "sam": 5,
    "lun": 0,
    "mar": 1,
    "mer": 2,
    "jeu": 3,
    "ven": 4,
    "dim": 6,
}
_PARTS = {
    "morning": (time(9, 0), time(12, 0)),
    "afternoon": (time(13, 0), time(17, 0)),
    "evening": (time(18, 0), time(22, 0)),
    "night": (time(20, 0), time(23, 30)),
}
_ORDINAL = r"(?:st|nd|rd|th|er)?"  # "1er mai": French writes the first of a month so
_RELATIVE = (
    r"(?:the )?day after tomorrow|tomorrow|today|tonight|this (?:morning|afternoon|evening)|"
    r"in (?:\d+|two|three|four|five|six|a couple of) days|a week from (?:today|now)|"
    r"(?:\d|two|three|four|five|six) days from (?:today|now)|"
    r"in (?:\d|one|two|three|four|a couple of) weeks?|in a fortnight|a fortnight from (?:today|now)|"
    r"huomenna|ylihuomenna|tanaan|i morgon|imorgon|i overmorgon|i dag|idag|i ?kvall|tana iltana|"
    # German: "heute Abend", "morgen" (tomorrow; "morgen früh" tomorrow morning), "übermorgen"
    # "heute Morgen", "am Morgen", "guten Morgen" are a morning, not tomorrow
    r"heute|ubermorgen|(?<!am )(?<!heute )(?<!guten )(?<!jeden )(?<!den )(?<!this )(?<!good )morgen|"
    # French: "demain", "après-demain", "aujourd'hui", "ce soir", "cet après-midi"
    r"apres[- ]demain|demain|aujourd'?hui|ce soir|ce matin|cet apres[- ]midi"
)
# words that name a day, first in a sentence before a place's name ("Huomenna Kiasmaan"): no part of the name
DAY_WORDS = re.compile(rf"(?:{_WEEKDAY_NAMES}|{_RELATIVE})\b")


def weekday_of(word: str) -> int | None:
    """0 (Monday) .. 6 (Sunday) for an English, Finnish, Swedish or German weekday name."""
    word = word.casefold()
    if word.startswith("sunnuntai"):
        return 6
    return _WEEKDAY_INDEX.get(word[:3])


@dataclass
class When:
    """The time fields said in a text, each with the words it came from (``said``)."""

    day: date | None = None
    depart: time | None = None
    back: time | None = None
    back_next_day: bool = False
    window_of_meal: bool = False  # the window was said of a meal ("lunch 12-13.30"): the trip's only if nothing else is
    duration_h: float | None = None
    part: str | None = None
    last_day: date | None = None  # a trip of several days ends on this day ("Friday to Sunday")
    said: dict[str, str] = field(default_factory=dict)
    questions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_clock(raw: str, *, evening: bool = False) -> time | None:
    """A clock phrase as a time; with ``evening`` a bare 1..11 without am/pm is p.m.

    ``"half past nine"`` -> 09:30, ``"half nine"`` -> 09:30 (British), ``"quarter to ten"`` -> 09:45,
    ``"6pm"`` -> 18:00, ``"17.30"`` -> 17:30, ``"noon"`` -> 12:00, ``"midnight"`` -> 00:00.
    """
    text = re.sub(r"\s+", " ", raw.casefold().replace("a.m.", "am").replace("p.m.", "pm")).strip()
    text = re.sub(r" ?o'?clock$", "", text)
    if text in {"noon", "midday"}:
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    past = re.fullmatch(r"(?:a )?(quarter|half) past midnight", text)
    if past:
        return time(0, 15 if past.group(1) == "quarter" else 30)
    half = re.search(r"\s?(am|pm)$", text)
    suffix = half.group(1) if half else None
    text = text[: half.start()].strip() if half else text
    hour: int | None = None
    minute = 0
    offset = re.fullmatch(rf"(?:a )?(quarter|half|twenty|ten) (past|to) ({_HOUR})", text)
    british = re.fullmatch(rf"half ({_HOUR})", text)
    spoken = re.fullmatch(rf"({_WORD}) (thirty|fifteen|forty[- ]five)", text)
    digits = re.fullmatch(r"(\d{1,2})(?:[:.h](\d{2}))?", text)
    if offset:
        amount = {"quarter": 15, "half": 30, "twenty": 20, "ten": 10}[offset.group(1)]
        base = _hour_value(offset.group(3))
        hour, minute = (base, amount) if offset.group(2) == "past" else ((base - 1) % 24, 60 - amount)
    elif british:
        hour, minute = _hour_value(british.group(1)), 30
    elif spoken:
        hour, minute = _WORD_HOURS[spoken.group(1)], _MINUTE_WORDS[spoken.group(2).replace("-", " ")]
    elif digits:
        hour, minute = int(digits.group(1)), int(digits.group(2) or 0)
    elif text in _WORD_HOURS:
        hour = _WORD_HOURS[text]
    if hour is None or hour > 24 or minute > 59:
        return None
    if hour == 24:
        hour = 0
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    elif suffix is None and evening and 1 <= hour <= 11:
        hour += 12
    return time(hour, minute)


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def _hour_value(word: str) -> int:
    return int(word) if word.isdigit() else _WORD_HOURS[word]


def _bare_hour(raw: str) -> int | None:
    """The hour of "2" or "two" said alone (no minutes, no a.m./p.m.), else None."""
    word = raw.strip()
    return _hour_value(word) if word.isdigit() or word in _WORD_HOURS else None


def _explicit_half(raw: str) -> bool:
    """Whether the phrase fixes a.m./p.m. itself (a suffix, a 24-hour clock or a word like noon)."""
    text = raw.casefold()
    if re.search(r"am|pm|noon|midday|midnight", text):
        return True
    digits = re.search(r"\b(\d{1,2})", text)
    return bool(digits and (int(digits.group(1)) >= 13 or int(digits.group(1)) == 0 or re.match(r"0\d", text)))


def _dateparser_day(span: str, now: datetime, *, order: str) -> date | None:
    """The day ``dateparser`` reads from ``span`` (relative to ``now``), or None."""
    import dateparser  # noqa: PLC0415  (slow to import; only when a day is named)

    with warnings.catch_warnings():
        # dateparser's bundled regex patterns raise a FutureWarning on some Python versions
        warnings.simplefilter("ignore")
        parsed = dateparser.parse(
            span,
            languages=["en", "fi", "sv", "de", "fr"],
            settings={
                "RELATIVE_BASE": now.replace(tzinfo=None),
                "PREFER_DATES_FROM": "future",
                "DATE_ORDER": order,
            },
        )
    return parsed.date() if parsed else None


@lru_cache(maxsize=32)
def _holiday_names(country: str, year: int) -> tuple[tuple[str, date], ...]:
    """(folded name, day) of ``country``'s public holidays in ``year`` and the next, in each language known."""
    import holidays  # noqa: PLC0415  (slow to import; only when a holiday may be named)
    from dateutil.easter import easter  # type: ignore[import-untyped]  # noqa: PLC0415

    names: list[tuple[str, date]] = []
    try:
        languages = holidays.country_holidays(country).supported_languages or (None,)
    except NotImplementedError:
        return ()
    for language in {*languages, None}:
        table = holidays.country_holidays(country, years=[year, year + 1], language=language)
        names += [(_norm(name), day) for day, name in table.items() for name in name.split("; ")]
    # Days people name that are not public holidays everywhere.
    extra = {
        "new year's eve": (12, 31),
        "christmas eve": (12, 24),
        "boxing day": (12, 26),
        "st. stephen's day": (12, 26),
        "christmas": (12, 25),
        # Swedish and Finnish names people use beside the official ones
        "trettondagen": (1, 6),
        "trettondag jul": (1, 6),
        "julafton": (12, 24),
        "juldagen": (12, 25),
        "annandag jul": (12, 26),
        "nyarsafton": (12, 31),
        "jouluaatto": (12, 24),
        "uudenvuodenaatto": (12, 31),
        "valentine's day": (2, 14),
        "valentines day": (2, 14),
        "halloween": (10, 31),
        "st. patrick's day": (3, 17),
    }
    # Finnish flag days people plan around (not days off): Runeberg's Day, Kalevala Day
    extra |= {
        "runeberg's day": (2, 5),
        "runebergs day": (2, 5),
        "runebergin paiva": (2, 5),
        "kalevala day": (2, 28),
        "kalevalan paiva": (2, 28),
    }
    for name, (month, day_of_month) in extra.items():
        for y in (year, year + 1):
            names.append((_norm(name), date(y, month, day_of_month)))
    # English names beside the tables' own ("Pentecost Monday" is Whit Monday, "Saint Joseph's Day" St Joseph's)
    names += [
        (other, day)
        for name, day in list(names)
        for other in (*_OTHER_NAMES.get(name, ()), *((f"st. {name[6:]}",) if name.startswith("saint ") else ()))
    ]
    # French tables name a day "le jour de la Toussaint", "le lundi de Pâques": people say "la Toussaint",
    # "lundi de Pâques", "Noël"
    names += [(short, day) for name, day in list(names) if (short := _FRENCH_DAY.sub("", name)) != name and short]
    for y in (year, year + 1):  # Shrove Tuesday (laskiainen): 47 days before Easter Sunday
        shrove = easter(y) - timedelta(days=47)
        names += [(_norm(name), shrove) for name in ("shrove tuesday", "pancake day", "laskiaistiistai")]
        names += [
            (name, _mothers_day(y, country)) for name in ("mother's day", "mothers day", "aitienpaiva", "mors dag")
        ]
        names += [(name, _fathers_day(y, country)) for name in ("father's day", "fathers day", "isanpaiva", "fars dag")]
        if country in {"GB", "IE"}:
            names.append(("mothering sunday", _mothers_day(y, country)))
    return tuple(names)


_FRENCH_DAY = re.compile(r"^(?:le jour (?:de la |de l'|du |des |de )|le |la |l')")
_OTHER_NAMES = {
    "pentecost": ("whit sunday", "whitsunday", "whitsun", "pentecost sunday"),
    "whit sunday": ("pentecost", "whitsun", "pentecost sunday"),
    "pentecost monday": ("whit monday", "whitmonday"),
    "whit monday": ("pentecost monday",),
    "labor day": ("labour day", "may day"),
    "labour day": ("labor day", "may day"),
    "easter sunday": ("easter",),
    "ascension day": ("ascension",),
    "christmas day": ("christmas",),
    "assumption day": ("assumption",),
    "assumption of mary": ("assumption",),
    # Monaco: the Sovereign Prince's Day is its national day; Sainte Dévote its patron saint's
    "prince's day": ("national day", "fete du prince", "fete nationale", "monaco national day"),
    "saint devote's day": ("sainte devote", "saint devote", "fete de la sainte devote"),
}


def _sunday(year: int, month: int, nth: int) -> date:
    """The ``nth`` Sunday of a month (``-1``: the last)."""
    if nth < 0:
        last = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
        return last - timedelta(days=(last.weekday() + 1) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (nth - 1))


def _mothers_day(year: int, country: str) -> date:
    """Mother's Day as the country keeps it: the second Sunday of May in most (Finland, the US, Germany)."""
    from dateutil.easter import easter  # noqa: PLC0415

    if country in {"GB", "IE"}:
        lent: date = easter(year) - timedelta(days=21)  # Mothering Sunday, the fourth Sunday of Lent
        return lent
    if country in {"SE", "FR"}:
        return _sunday(year, 5, -1)
    if country == "NO":
        return _sunday(year, 2, 2)
    return _sunday(year, 5, 2)


def _fathers_day(year: int, country: str) -> date:
    """Father's Day as the country keeps it: the second Sunday of November in the Nordic countries."""
    from dateutil.easter import easter  # noqa: PLC0415

    if country in {"FI", "SE", "NO", "EE", "IS"}:
        return _sunday(year, 11, 2)
    if country in {"DE", "AT"}:
        ascension: date = easter(year) + timedelta(days=39)  # Vatertag is Ascension Day
        return ascension
    if country in {"AU", "NZ"}:
        return _sunday(year, 9, 1)
    if country in {"IT", "ES", "PT"}:
        return date(year, 3, 19)  # St Joseph's Day
    return _sunday(year, 6, 3)


def _norm(text: str) -> str:
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare.casefold().replace("\u2019", "'")).strip()


# "christmas shopping", "the Christmas market": things of the season, not the day itself
_NOT_THE_DAY = r"shopping|markets?|lights|presents|gifts|party|parties|songs|carols|trees?|decorations|music|spirit"


@lru_cache(maxsize=32)
def holiday_words(country: str | None, year: int) -> frozenset[str]:
    """Words of five letters or more of the country's holiday names ("staatsfeiertag"): words of a day, read."""
    if not country:
        return frozenset()
    return frozenset(w for name, _ in _holiday_names(country, year) for w in _fold_words(name) if len(w) >= 5)


def _fold_words(text: str) -> list[str]:
    """The words of ``text`` without accents, case or punctuation."""
    return re.findall(r"[^\W\d_]+", _norm(text))


@lru_cache(maxsize=1024)
def _holiday_pattern(name: str) -> re.Pattern[str]:
    """The words of a holiday's name as typed: compiled once (a country's names in all its languages are many)."""
    # "st stephens day" is "St. Stephen's Day"; "vappu eve" is the day before Vappu
    # "Fête-Dieu", "Sainte-Dévote": a hyphen between the words of a name, or a space
    words = re.split(r"[\s-]+", name)
    pattern = r"[\s-]+".join(re.escape(w).replace(r"\.", r"\.?").replace("'", "'?") for w in words if w)
    if pattern.endswith("nen"):  # "loppiainen" is "loppiaisena" on the day: the stem turns -nen into -se-
        pattern = pattern[:-3] + "(?:nen|se(?=na|lla|ksi|sta|ssa|n\\b))"
    # a Finnish or Swedish case ending may follow the name: "tapaninpäivänä" is on Tapaninpäivä
    return re.compile(rf"\b{pattern}(?:na|lla|ksi|sta|ssa)?\b(?:\s+eve\b)?(?!\s+(?:{_NOT_THE_DAY}))")


def _holiday(text: str, now: datetime, country: str | None) -> tuple[date, str] | None:
    if not country:
        return None
    today = now.date()
    best: tuple[int, date, str] | None = None
    for name, holiday in _holiday_names(country, today.year):
        if len(name) < 4:  # "noel" is the shortest name people say
            continue
        match = _holiday_pattern(name).search(text)
        if match is None:
            continue
        day = holiday - timedelta(days=1) if match.group(0).endswith("eve") and not name.endswith("eve") else holiday
        said = match.group(0)
        if day >= today and (best is None or len(said) > len(best[2]) or (len(said) == len(best[2]) and day < best[1])):
            best = (match.start(), day, said)
    return (best[1], best[2]) if best else None


def country_of_zone(zone: str | None) -> str | None:
    """ISO country code of an IANA zone (``Europe/Helsinki`` -> ``FI``), from the tz database's own table."""
    if not zone:
        return None
    return _zone_countries().get(zone)


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    from importlib import resources  # noqa: PLC0415

    table: dict[str, str] = {}
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        try:
            text = Path("/usr/share/zoneinfo/zone.tab").read_text(encoding="utf-8")
        except OSError:
            return table
    for line in text.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            if len(parts) >= 3:
                table[parts[2]] = parts[0]
    return table


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


class _DayReader:
    def __init__(self, text: str, now: datetime, when: When, *, country: str | None, order: str) -> None:
        self.text = text
        self.now = now
        self.when = when
        self.country = country
        self.order = order

    def read(self) -> str:
        """Fill ``when.day``; return the text with the day's words blanked out."""
        text, today = self.text, self.now.date()
        iso = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
        if iso:
            try:
                return self._set(date(int(iso[1]), int(iso[2]), int(iso[3])), iso, explicit_year=True)
            except ValueError:
                self.when.questions.append(f"{iso[0]} is not a date of the calendar: which day do you mean?")
                return _blank(text, iso.start(), iso.end())
        holiday = _holiday(text, self.now, self.country)
        weekday = rf"(?:(?P<wd>{_WEEKDAY_NAMES})\.?,?\s+(?:the\s+)?)?"
        named = re.search(
            rf"\b{weekday}(?P<d>\d{{1,2}}){_ORDINAL}\.?(?:\s+of)?\s+(?P<m>{_MONTH_NAMES})(?:,?\s+(?P<y>\d{{4}}))?\b"
            rf"|\b{weekday.replace('wd', 'wd2')}(?P<m2>{_MONTH_NAMES})\s+(?:the\s+)?(?P<d2>\d{{1,2}}){_ORDINAL}\b"
            rf"(?:,?\s+(?P<y2>\d{{4}}))?",
            text,
        )
        numeric = re.search(
            rf"\b{weekday}(?P<a>\d{{1,2}})(?P<sep>[./])(?P<b>\d{{1,2}})(?:(?P=sep)(?P<y>\d{{2,4}})|(?P<dot>\.))?(?![\d:])",
            text,
        )
        if (
            numeric
            and numeric["sep"] == "."
            and not numeric["y"]
            and not numeric["dot"]
            and not re.search(r"\bon\s+$", text[: numeric.start()])
            # "wed 30.12": a weekday before it makes it a date, and "30.12" is no time of day
            and not ((numeric["wd"] or int(numeric["a"]) > 24) and int(numeric["b"]) <= 12)
        ):
            numeric = None  # "17.30" is a clock time; a date is written "18.12." or "18.12.2026"
        match = re.search(re.escape(holiday[1]), text) if holiday else None  # where _holiday found it
        if holiday and match is not None and not named and not numeric:
            day = holiday[0]
            beside = re.search(rf"\b(?P<wd>{_WEEKDAY_NAMES})\b", text[max(0, match.start() - 20) : match.end() + 20])
            wd = beside["wd"] if beside else None
            return self._set(day, match, explicit_year=True, wd=wd)  # the next one, named: nothing to ask
        if named:
            span = named.group(0)
            parsed = _dateparser_day(re.sub(rf"^{_WEEKDAY_NAMES}\.?,?\s+", "", span), self.now, order=self.order)
            if parsed is not None:
                return self._set(
                    parsed, named, explicit_year=bool(named["y"] or named["y2"]), wd=named["wd"] or named["wd2"]
                )
            day_number = int(named["d"] or named["d2"])
            if day_number > 28:  # "31 November": a day the month does not have
                self.when.questions.append(f"{span.strip()} is not a date of the calendar: which day do you mean?")
                self.when.said["date"] = span.strip()
                return _blank(text, named.start(), named.end())
        if numeric:
            first, second = int(numeric["a"]), int(numeric["b"])
            if numeric["sep"] == "/" and (second > 12 or (self.order == "MDY" and first <= 12)):
                first, second = second, first
            year = int(numeric["y"]) if numeric["y"] else today.year
            year += 2000 if year < 100 else 0
            said_wd = weekday_of(numeric["wd"]) if numeric["wd"] else None
            if numeric["sep"] == "/" and first <= 12 and second <= 12 and said_wd is not None:
                # "Monday 5/3": the order whose day is a Monday (3 May), whichever order the country writes
                def upcoming(d: int, m: int) -> date:
                    said = date(year, m, d)
                    return said.replace(year=year + 1) if said < today and not numeric["y"] else said

                fits = [(d, m) for d, m in ((first, second), (second, first)) if upcoming(d, m).weekday() == said_wd]
                if len(fits) == 1:
                    first, second = fits[0]
            try:
                day = date(year, second, first)
            except ValueError:
                self.when.questions.append(
                    f"{numeric[0].strip()} is not a date of the calendar: which day do you mean?"
                )
                return _blank(text, numeric.start(), numeric.end())
            return self._set(day, numeric, explicit_year=bool(numeric["y"]), wd=numeric["wd"])
        relative = re.search(rf"\b(?:{_RELATIVE})\b", text)
        if relative:
            word = relative.group(0)
            if word in {"ylihuomenna", "i overmorgon", "ubermorgen"} or word.startswith("apres"):
                parsed = today + timedelta(days=2)
            elif word in {"tonight", "ikvall", "i kvall", "tana iltana", "heute"} or word.startswith(
                ("this ", "today", "tanaan", "i dag", "idag", "aujourd", "ce ", "cet ")
            ):
                parsed = today
            elif word in {"morgen", "demain"}:
                parsed = today + timedelta(days=1)
            elif re.match(r"\w+ days from", word):
                count = word.split()[0]
                parsed = today + timedelta(days=int(count) if count.isdigit() else _NUMBERS[count])
            elif word.startswith("a week from"):
                parsed = today + timedelta(days=7)  # dateparser reads it as a week ago
            elif "fortnight" in word:
                parsed = today + timedelta(days=14)
            else:
                parsed = _dateparser_day(word.removeprefix("the "), self.now, order=self.order)
            if parsed is not None:
                # the weekday said right beside it, as another name of the same day: "tomorrow (Sunday)"
                beside = re.match(rf"[\s,(]{{1,3}}(?P<wd>{_WEEKDAY_NAMES})\b", text[relative.end() :]) or re.search(
                    rf"\b(?P<wd>{_WEEKDAY_NAMES})[\s,(]{{1,3}}$", text[: relative.start()]
                )
                # "tomorrow, Sunday" said on a Monday: which of the two is meant is asked
                wd = beside["wd"] if beside and not word.startswith(("in ", "a ")) else None
                return self._set(parsed, relative, explicit_year=True, wd=wd)
        dom = re.search(
            rf"\b(?:on )?(?:(?P<wd>{_WEEKDAY_NAMES}),? )?the (?P<d>\d{{1,2}})(?:st|nd|rd|th)\b"
            r"(?!\s+(?:floor|storey|story|level|row|time|place|gate|door|stop|exit|platform|room|century))",
            text,
        )
        if dom:
            parsed = _dateparser_day(f"the {dom['d']}th", self.now, order=self.order)
            if parsed is not None:
                return self._set(parsed, dom, explicit_year=True, wd=dom["wd"])
        return self._named_weekday(text, today)

    def _named_weekday(self, text: str, today: date) -> str:
        """ "Saturday", "next Monday", "Wednesday next week", "a week on Friday", "this weekend"."""
        past = re.search(rf"\b(?:last|past|previous) (?:{_WEEKDAY_NAMES}|weekend)\b", text)
        # "from Kauppatori yesterday 10-14": a day gone by asked as the trip's day (not "yesterday's tour was ...")
        gone = re.search(r"\b(?:yesterday|eilen|igar)\b(?!'s)", text)
        if past is None and gone and not re.search(r"\b(?:was|were|went|had|did|left|visited|came|saw)\b", text):
            past = gone
        if past:  # "last Saturday": a day gone by is asked about, not read as the next one
            self.when.questions.append(
                f"{past.group(0)} has passed (today is {today:%A %d %B}): which day do you mean?"
            )
            self.when.said["date"] = past.group(0)
            return _blank(text, past.start(), past.end())
        weekend = re.search(
            r"\b(?:this |next |the |over the |on the |ce |le )?week-?end(?: after next| prochain)?\b", text
        )
        named_day = re.search(
            rf"\b(?P<cue>a week on |next |this |on |coming |this coming )?(?P<wd>{_WEEKDAY_NAMES})\b"
            r"(?P<week>,? next week)?(?: prochaine?\b)?",  # "samedi prochain": the coming one, as "next" is
            text,
        ) or re.search(rf"\bnext week,? (?:on )?(?P<wd>{_WEEKDAY_NAMES})\b(?P<cue>)(?P<week>)", text)
        if named_day and (index := weekday_of(named_day["wd"])) is not None:
            ahead = (index - today.weekday()) % 7
            cue = (named_day["cue"] or "").strip()
            if ahead == 0 and cue == "next":
                ahead = 7
            if named_day["week"] or named_day.group(0).startswith("next week"):
                ahead = 7 - today.weekday() + index  # that day of the next calendar week
            if cue == "a week on":
                ahead += 7
            return self._set(today + timedelta(days=ahead), named_day, explicit_year=True)
        if weekend:
            ahead = 0 if today.weekday() >= 5 else 5 - today.weekday()
            if weekend.group(0).endswith("after next"):
                ahead += 7  # "the weekend after next"
            self.when.notes.append("the weekend: Saturday (say Sunday if you mean it)")
            return self._set(today + timedelta(days=ahead), weekend, explicit_year=True)
        return text

    def _set(self, day: date, match: re.Match[str], *, explicit_year: bool, wd: str | None = None) -> str:
        when, today = self.when, self.now.date()
        said = match.group(0).strip(" ,")
        if day < today and not explicit_year and (today - day).days > _ROLLS_OVER_AFTER_DAYS:
            with contextlib.suppress(ValueError):  # 29 February of a year without one stays this year's, asked about
                day = day.replace(year=today.year + 1)  # "8.1." said in December: January next year
        if wd is not None and (index := weekday_of(wd)) is not None and index != day.weekday():
            said = said if wd in said else f"{said}, {wd}"
            when.questions.append(
                f"{said} does not match the calendar: {day:%d %B %Y} is a {day:%A}. Which day do you mean?"
            )
            when.said["date"] = said
            return _blank(self.text, match.start(), match.end())
        if day < today:
            when.questions.append(f"{said} has passed (today is {today:%A %d %B %Y}): which day do you mean?")
            when.said["date"] = said
            return _blank(self.text, match.start(), match.end())
        if not explicit_year and (day - today).days > 300:
            # dateparser rolls a day-month that has passed this year over to the next
            this_year = day.replace(year=today.year)
            when.questions.append(
                f"{said}: {this_year:%d %B} has passed this year; did you mean {day:%d %B %Y}, or another day?"
            )
            when.said["date"] = said
            return _blank(self.text, match.start(), match.end())
        if (day - today).days > 730:
            when.questions.append(f"{said} is more than two years ahead: which day do you mean?")
            when.said["date"] = said
            return _blank(self.text, match.start(), match.end())
        when.day = day
        when.said["date"] = said
        return _blank(self.text, match.start(), match.end())


def _evening_after(text: str, end: int) -> bool:
    return re.match(rf"\s*(?:{_EVENING})\b", text[end:]) is not None


def _morning_after(text: str, end: int) -> bool:
    return re.match(rf"\s*(?:{_MORNING})\b", text[end:]) is not None


def _is_clock_context(text: str, match: re.Match[str], group: str) -> bool:
    """A bare number is a clock only when no unit follows it ("2 adults", "40 %" are not).

    "10-16 museums" is still a window: nobody counts ten to sixteen museums ("2-3 museums" is a count).
    """
    unit = _NOT_A_CLOCK_AFTER.match(text[match.end(group) :])
    if unit is not None and re.fullmatch(r"\s*(?:museums?|places?|stops?)", unit.group(0)) and "a" in match.groupdict():
        first = re.match(r"\d+", match["a"] or "")
        return first is not None and int(first.group(0)) >= _EARLIEST_BARE_HOUR
    return unit is None


_PART = r"in the (?:morning|afternoon|evening)|at night"
# "10 to 14", "from six till nine", "9 in the morning to 5 in the afternoon", "between 10am and 2pm"
_RANGE = re.compile(
    rf"\b(?P<cue>from|between|von|zwischen)?\s*(?P<a>{CLOCK})(?:\s+(?P<qa>{_PART}))?\s*"
    rf"(?P<sep>-|\u2013|to|till|til|until|and|through|bis|und)\s*(?:(?:about|around|roughly|approximately|approx\.?|ca\.?)\s+)?"
    rf"(?P<b>{CLOCK})\b"
)


def _read_range(text: str, when: When) -> str:
    """The trip's window from a clock range; a range said of a meal counts only when it is the only one."""
    done = _read_range_of(text, when, meals=False)
    if when.depart is not None:
        return done
    done = _read_range_of(text, when, meals=True)
    when.window_of_meal = when.depart is not None
    return done


def _read_range_of(text: str, when: When, *, meals: bool) -> str:
    rng = _RANGE.search(text)
    while rng is not None:
        start = rng.start("cue") if rng["cue"] else rng.start("a")
        before = text[max(0, start - 30) : start]
        bare = not (_explicit_half(rng["a"]) or _explicit_half(rng["b"]) or re.search(r"[:.]", rng["a"] + rng["b"]))
        meal = _MEAL_BEFORE.search(before)
        weak = bare and not rng["cue"] and rng["sep"] in {"to", "and"}
        if (
            (meal is None) != meals
            and _is_clock_context(text, rng, "b")
            and not (weak and re.search(r"\b(?:for|of|up)\s*$", before))
            and not (rng["sep"] == "and" and not rng["cue"])
        ):
            evening = (
                _evening_after(text, rng.end())
                or re.match(r"\s*in the afternoon\b", text[rng.end() :])
                # "Friday evening from 7 until 11", "tonight 8-11": the part of the day said first
                or re.search(r"\b(?:evening|tonight|afternoon|night)\b[^.,;:]{0,12}$", before)
                # "tonight from seven till about midnight": the day's word, already read, says evening too
                or re.fullmatch(r"tonight|this evening|i ?kvall|tana iltana", when.said.get("date", ""))
            )
            later = (rng["qa"] or "") not in {"", "in the morning"}
            pm_first = (later or (bool(evening) and not rng["qa"])) and not _explicit_half(rng["a"])
            small = _bare_hour(rng["a"]) in range(1, 7) and _bare_hour(rng["b"]) in range(1, 8)
            # "half past two until six": an hour in words with its minutes is a bare hour too
            spoken = [parse_clock(rng[k]) for k in ("a", "b")]
            small = small or (
                not re.search(r"\d|am|pm|noon|midday|midnight", rng["a"] + rng["b"])
                and all(c is not None and 1 <= c.hour <= 7 for c in spoken)
            )
            pm_first = pm_first or (bool(small) and not rng["qa"])  # "Sunday 2 to 5": nobody means the night
            first = parse_clock(rng["a"], evening=pm_first)
            second = parse_clock(rng["b"], evening=(bool(evening) or bool(small)) and not _explicit_half(rng["b"]))
            if first is not None and second is not None:
                if "pm" in rng["b"] and "am" not in rng["a"] and not _explicit_half(rng["a"]) and first.hour < 12:
                    candidate = time(first.hour + 12, first.minute)
                    first = candidate if candidate < second else first
                day_clock = _explicit_half(rng["a"]) and first.hour >= 13 and re.search(r"[:.]\d{2}", rng["b"])
                if second <= first and second.hour < 12 and not _explicit_half(rng["b"]) and not day_clock:
                    second = time(second.hour + 12, second.minute)  # "from 16:00 to 10:00" stays 10:00, asked about
                if second.hour == 12 and first.hour >= 12 and not re.search(r"noon|midday|pm", rng["b"]):
                    second = time(0, second.minute)  # "from 8pm till half past 12": past midnight
                when.depart, when.back = first, second
                when.back_next_day = second <= first
                said = text[start : rng.end()].strip()
                when.said["depart_at"] = when.said["return_by"] = said
                return _blank(text, start, rng.end())
        rng = _RANGE.search(_blank(text, 0, rng.end()))
    return text


_DEPART_CUE = (
    r"(?:leav(?:e|ing)|depart(?:ing|ure)?|start(?:ing)?|set(?:ting)? off|head(?:ing)? out|go(?:ing)?|"
    r"pick(?:ing)? (?:us |me |them )?up|drive off|get going|on the road)"
    r"(?: \w+)?\s+(?:at|around|about|from|after|by|no earlier than|not before)?\s*"
)
# "a sales meeting that ends 16:30", "after work finishes at 5": free, so the trip starts, from then
_WRITTEN_CLOCK = r"(?:\d{1,2}[:.]\d{2}(?:\s?(?:am|pm))?|\d{1,2}\s?(?:am|pm))"
_START_AT_PLACE = (
    r"(?:from|start(?:ing)?(?: at| from)?|leav(?:e|ing)(?: from)?|depart(?:ing)?(?: from)?)\s+"
    r"(?:[^\W\d][\w'-]*\s+){1,4}?(?:at\s+|@\s*)?"
)
_BUSY_UNTIL = (
    r"(?:meeting|work|conference|class(?:es)?|lectures?|shift|appointment|school|seminar|workshop|training|"
    r"exam|match|game|concert|show)(?: \w+){0,2}? (?:ends?|finish(?:es)?|is over|wraps? up|is done)\s+"
    r"(?:at|around|about|by)?\s*"
)
_BACK_NORDIC = (
    r"(?:takaisin|kotiin|kotona|paluu|palaamme|palataan|tillbaka|hemma|hem)\s+"
    r"(?:(?:klo|kello|kl|ennen|viimeistaan|senast|till|vid|noin|ungefar)\.?\s+)*"
)
_RETURN_CUE = (
    # "from home at 9" is when the trip leaves home, not when it is back
    r"(?:back|(?<!from )(?<!leave )(?<!leaving )(?<!left )home|return(?:ing)?|done|finish(?:ed)?|end(?:ing)?|"
    r"be (?:back|home)|arriv(?:e|ing) (?:home|back)|over|zuruck)"
    # German "zurück um 15 Uhr", "zurück bis 17 Uhr": back at three, by five
    r"(?: \w+){0,2}?\s+(?:by|at|before|around|about|no later than|until|till|latest|um|bis|gegen|spatestens)\s*"
    r"(?:(?:like|say|roughly)\s+)?"
)


def _read_clocks(text: str, when: When) -> str:
    impossible = re.search(
        r"\b(?:at|by|until|till|from|klo|kl|lahto|leave|leaving|start)\s+(\d{1,2})[:.](\d{2})\b", text
    )
    if impossible and (int(impossible.group(1)) > 24 or int(impossible.group(2)) > 59):
        when.questions.append(f"{impossible.group(0)} is not a time of day: what time do you mean?")
        return _blank(text, impossible.start(), impossible.end())
    if when.depart is None:
        leave = (
            re.search(rf"\b{_DEPART_CUE}(?P<t>{CLOCK})", text)
            or re.search(rf"\b{_BUSY_UNTIL}(?P<t>{CLOCK})", text)
            or re.search(rf"\b(?:after|from|starting|not before|no earlier than)\s+(?P<t>{CLOCK})", text)
            # "start at Senate Square 10:00", "from Kamppi at 19:30": the start's place said before its hour
            or re.search(rf"\b{_START_AT_PLACE}(?P<t>{_WRITTEN_CLOCK})\b", text)
        )
        # "Sunday dinner from 18:00": a meal that is the first thing of the outing starts it, as "dinner at 19" does
        meal_said = _MEAL_BEFORE.search(text[: leave.start()][-30:]) if leave else None
        if (
            leave
            and _is_clock_context(text, leave, "t")
            and (not meal_said or _MEAL_FIRST.match(text[: leave.start()]))
        ):
            # "tonight after 6": a bare hour of an evening said anywhere is in the evening
            evening = _evening_after(text, leave.end()) or (
                re.search(
                    r"\b(?:tonight|this evening|ikvall|i kvall|tana iltana)\b", f"{text} {when.said.get('date', '')}"
                )
                is not None
                and not re.search(r"am\b|a\.m\.", leave["t"])
            )
            clock = parse_clock(leave["t"], evening=evening)
            if clock is not None and 1 <= clock.hour <= _SMALL_BARE_HOUR and not _explicit_half(leave["t"]):
                clock = time(clock.hour + 12, clock.minute)  # "from a quarter past one": nobody leaves at 1 a.m.
            if clock is not None:
                when.depart = clock
                when.said["depart_at"] = leave.group(0).strip()
                text = _blank(text, leave.start(), leave.end())
    if when.back is None:
        back = (
            re.search(rf"\b{_RETURN_CUE}(?P<t>{CLOCK})", text)
            or re.search(rf"\b(?:until|till|til|no later than|by|latest|before)\s+(?P<t>{CLOCK})", text)
            # "start 9.30 finish 15.30": a clock with its minutes needs no "at"
            or re.search(r"\b(?:finish(?:ing)?|end(?:ing)?|done|back)\s+(?P<t>\d{1,2}[:.]\d{2})\b", text)
            # "back 4pm", "back 15": an hour that cannot be anything else
            or re.search(r"\bback\s+(?P<t>\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)|1[3-9]|2[0-3])\b", text)
            # "takaisin klo 15", "tillbaka kl 16", "klo 15 mennessa": back, in Finnish and Swedish
            or re.search(rf"\b{_BACK_NORDIC}(?P<t>{CLOCK})\b", text)
            # "from Senaatintori 10:00 to Kauppatori 18:00": the end's hour said after it, as the start's was
            or (
                re.search(rf"\bto\s+(?:[^\W\d][\w'-]*\s+){{1,4}}?(?:by\s+|at\s+)?(?P<t>{_WRITTEN_CLOCK})\b", text)
                if when.said.get("depart_at", "").startswith("from ")
                else None
            )
            or re.search(rf"\b(?:klo|kello|kl)\.?\s*(?P<t>{CLOCK})\s+(?:mennessa|asti|saakka)\b", text)
        )
        homeward = (
            back is not None
            and (
                re.match(rf"(?:be )?(?:back|home|return)|{_BACK_NORDIC}", back.group(0))
                # "add dinner and we can stay until 9pm": how long the day lasts, not the dinner's hour
                or re.search(r"\bstay(?:ing)?(?: out)?\s+$", text[: back.start()])
            )
        )
        if (
            back
            and _is_clock_context(text, back, "t")
            # "pizza for lunch and back home by three": back home is no meal's hour
            and (homeward or not _MEAL_BEFORE.search(text[: back.start()][-30:]))
        ):
            morning = _morning_after(text, back.end())
            night = parse_clock(back["t"])
            # "Friday morning, the cathedral then brunch, back at 11:30": a morning's outing is back before noon
            morning = morning or bool(
                when.depart is None
                and night is not None
                and _MORNING_FROM_HOUR <= night.hour < 12
                and re.search(r"\b(?:morning|breakfast|brunch|matin|aamu\w*|vormittag)\b", text)
            )
            clock = parse_clock(back["t"], evening=not morning and not _explicit_half(back["t"]))
            if (
                when.depart is not None
                and night is not None
                and night.hour < 12
                and _minutes(night) - _minutes(when.depart) >= _SHORTEST_TRIP_MIN
            ):
                clock = night  # "leave at 9, back by 11": two hours out, not fourteen
            if (
                when.depart is not None
                and when.depart.hour >= 13
                and night is not None
                and re.fullmatch(r"\d{1,2}[:.]\d{2}", back["t"].strip())
            ):
                clock = night  # "leaving 16:00 back by 10:00": the same 24-hour clock, asked about as said backwards
            if (
                when.depart is not None
                and when.depart.hour >= _EVENING_START_FROM
                and night is not None
                and night.hour <= _SMALL_HOURS_UNTIL
                and not _explicit_half(back["t"])
            ):
                clock = night  # "leave at 19 for dinner, then drinks until 1:30": half past one in the night
            night_out = when.depart is not None and when.depart.hour >= _NIGHT_OUT_FROM
            if clock is not None and night_out and clock.hour >= 12 and not _explicit_half(back["t"]):
                small_hours = time(clock.hour - 12, clock.minute)
                if small_hours.hour <= _SMALL_HOURS_UNTIL:
                    clock = small_hours  # "leaving 22:30, home around 3": three in the night
            elif clock is not None and clock.hour < 8 and not _explicit_half(back["t"]) and not morning:
                evening_start = when.depart is not None and when.depart.hour >= _EVENING_START_FROM
                if not (evening_start and clock.hour <= _SMALL_HOURS_UNTIL):
                    clock = time(clock.hour + 12, clock.minute)
            if clock is not None:
                when.back = clock
                # "out till 1am": back in the small hours is back the next day
                when.back_next_day = clock < time(5, 0) or (when.depart is not None and clock <= when.depart)
                when.said["return_by"] = back.group(0).strip()
                text = _blank(text, back.start(), back.end())
        elif re.search(r"\b(?:until|till) late\b|\blate night\b", text):
            when.back = time(23, 30)
            when.said["return_by"] = "until late"
            when.notes.append("until late: back by 23:30")
    if when.depart is None:
        at = re.search(rf"(?:^|[,;]|\b(?:at|around|about|klo|kl|kello))\.?\s*(?P<t>{CLOCK})\b", text)
        if (
            at
            and _is_clock_context(text, at, "t")
            and (
                _explicit_half(at["t"])
                or re.search(r"[:.]|o'?clock", at["t"])
                or re.search(r"\b(?:at|klo|kl|kello)\b", at.group(0))
            )
            # "dinner at 19, then a bar" is the meal's hour, unless the meal is the first thing ("Mexican dinner
            # Friday at 6pm": the trip starts with it)
            and (not _MEAL_BEFORE.search(text[: at.start()][-30:]) or _MEAL_FIRST.match(text[: at.start()]))
            # "can we have lunch later, around 13:00?": the lunch's new hour, not the trip's
            and not _MEAL_MOVED.search(text[: at.start()])
            # "the museum at 3" is the museum's hour; "museum tomorrow at 8" (the day blanked) is the trip's
            and not re.search(
                r"\b(?:visit|see|museum|gallery|park|cafe|charg\w*|%)[^\w\s]?\s?$", text[: at.start()][-25:]
            )
        ):
            supper = re.match(r"\W*(?:[\w'-]+\s+){0,2}(?:dinner|supper)\b", text)
            clock = parse_clock(at["t"], evening=_evening_after(text, at.end()) or supper is not None)
            small = clock is not None and 1 <= clock.hour <= _SMALL_BARE_HOUR and not _explicit_half(at["t"])
            if clock is not None and small and not _morning_after(text, at.end()):
                clock = time(clock.hour + 12, clock.minute)  # "my meeting ends at 3": nobody sets off at 3 a.m.
            if clock is not None and (when.back is None or clock < when.back):
                when.depart = clock
                when.said["depart_at"] = at.group(0).strip(" ,;")
                text = _blank(text, at.start(), at.end())
    return text


_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}


def _read_length(text: str, when: When) -> None:
    duration = re.search(
        r"\b(?:for|about|around|just|only|roughly)?\s*(?P<n>\d+(?:[.,]\d+)?|an?|one|two|three|four|five|six|seven|eight)"
        r"(?P<half> and a half)?[- ]?(?:hours?|hrs?|h)\b(?P<half2> and a half)?"
        r"(?! (?:at|in|for) (?!(?:the )?(?:morning|afternoon|evening)\b|total\b|all\b)(?:the |a |each )?\w+)"
        r"(?!\s+(?:later|earlier|sooner|longer|more|less|extra)\b)",  # "leave an hour later" is a shift, no length
        text,
    )
    minutes = re.search(r"\b(?:for|got|have|only|just)\b[^.,;\d]{0,12}?(?P<n>\d+) ?(?:minutes|mins?)\b", text)
    if duration and not re.search(r"\b(?:every|break|stint|drive|driving)\W+(?:\w+\W+)?$", text[: duration.start("n")]):
        number = duration["n"].replace(",", ".")
        hours = float(number) if number[0].isdigit() else float(_NUMBERS[number])
        if duration["half"] or duration["half2"]:
            hours += 0.5
        if 0 < hours <= 24:
            when.duration_h = hours
            when.said["duration"] = duration.group(0).strip()
            return
    if minutes and 15 <= int(minutes["n"]) <= 24 * 60:
        when.duration_h = int(minutes["n"]) / 60
        when.said["duration"] = minutes.group(0)
        return
    if re.search(r"\bhalf[- ]day\b", text):
        when.duration_h = 4.0
        when.said["duration"] = "half day"
    elif couple := re.search(r"\ba couple (?:of )?hours\b", text):
        when.duration_h = 2.0
        when.said["duration"] = couple.group(0)
    elif re.search(r"\ba few hours\b", text):
        when.duration_h = 3.0
        when.said["duration"] = "a few hours"
    elif local := re.search(
        rf"\b(?P<n>\d{{1,2}}|{'|'.join(_LOCAL_NUMBERS)}) (?:tuntia|timmar)\b|\btunnin\b|\ben timme\b", text
    ):
        # "kolme tuntia" (three hours), "tunnin" (an hour), "två timmar": a length in Finnish or Swedish
        word = local.group("n")
        hours = 1 if word is None else int(word) if word.isdigit() else _LOCAL_NUMBERS[word]
        if 0 < hours <= 24:
            when.duration_h = float(hours)
            when.said["duration"] = local.group(0)


_LOCAL_NUMBERS = {
    "kaksi": 2,
    "kolme": 3,
    "nelja": 4,
    "viisi": 5,
    "kuusi": 6,
    "tva": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
}


# Parts of the day said in Swedish or Finnish (folded): "på förmiddagen", "iltapäivällä"
_LOCAL_PARTS = {
    "formiddag": "morning",
    "eftermiddag": "afternoon",
    "kvall": "evening",
    "ikvall": "evening",
    "iltana": "evening",
    "aamupaiva": "morning",
    "aamulla": "morning",
    "iltapaiva": "afternoon",
    "illalla": "evening",
}
# German: "heute Abend", "am Nachmittag", "morgen Vormittag" (not "Abendessen", the dinner)
_GERMAN_PARTS = {"abend": "evening", "nachmittag": "afternoon", "vormittag": "morning"}
# French: "demain matin", "samedi après-midi", "ce soir", "en soirée" (not "bonsoir")
_FRENCH_PART = re.compile(r"\b(matin|apres[- ]midi|soir(?:ee)?|nuit)\b")  # not "matinée": an English show too
_FRENCH_PARTS = {
    "matin": "morning",
    "apres-midi": "afternoon",
    "apres midi": "afternoon",
    "soir": "evening",
    "soiree": "evening",
    "nuit": "night",
}


def _read_part(text: str, when: When) -> None:
    local = re.search(rf"\b({'|'.join(_LOCAL_PARTS)})\w*", text) or re.search(
        rf"\b({'|'.join(_GERMAN_PARTS)})s?\b", text
    )
    if local and local.group(1) in _GERMAN_PARTS:
        when.part = _GERMAN_PARTS[local.group(1)]
        when.said["part_of_day"] = local.group(0)
        return
    if local:
        when.part = _LOCAL_PARTS[local.group(1)]
        when.said["part_of_day"] = local.group(0)
        return
    french = _FRENCH_PART.search(text)
    if french:
        when.part = _FRENCH_PARTS[french.group(1)]
        when.said["part_of_day"] = french.group(0)
        return
    part = re.search(
        r"\b(?<!for the )(?<!for a )(?<!for one )(?:in the |this |tomorrow |on \w+ |\w+day )?"
        r"(morning|afternoon|evening|night)\b|\b(tonight)\b|\b(morning|afternoon|evening)s only\b"
        # "for a morning swim", "an evening stroll": the part of the day of what is done
        r"|(?<=for a )(morning|afternoon|evening) (?=(?:swim|walk|stroll|run|jog|dip|coffee|tour|visit|outing)\b)",
        text,
    )
    if part:
        name = part.group(1) or part.group(3) or part.group(4) or "night"  # "mornings only": the morning of the day
        name = "evening" if part.group(2) else name
        if name == "night" and re.match(r"(?:tomorrow|on \w+|\w+day) ", part.group(0)):
            name = "evening"  # "Friday night", "tomorrow night": the evening of that day, not the small hours
        when.part = name
        when.said["part_of_day"] = part.group(0).strip()


# "tommorow", "tmrw": typed in a hurry, still tomorrow
_MISSPELT_TOMORROW = re.compile(r"\b(?:tom+or+ow+|tomor+ow|tmrw|tmr|2mor+ow|2moro)\b")


_SPAN_SEP = r"\s*(?:-|\u2013|to|till|til|until|through|thru)\s*"
# a point said as latitude, longitude in decimal degrees ("60.1699, 24.9384")
COORDINATES = re.compile(r"(?<![\d.])(-?\d{1,2}\.\d{3,})\s*[,;]\s*(-?\d{1,3}\.\d{3,})(?![\d.])")
_MAX_TRIP_DAYS = 14


def _read_days(text: str, now: datetime, when: When, *, order: str) -> str:
    """A trip over several days said as a span: "Friday to Sunday", "18-20 December", "18.-20.12."."""
    today = now.date()
    weekdays = re.search(rf"\b(?:from\s+)?(?P<a>{_WEEKDAY_NAMES})\.?{_SPAN_SEP}(?P<b>{_WEEKDAY_NAMES})\b\.?", text)
    first: date | None = None
    last: date | None = None
    span: re.Match[str] | None = None
    if weekdays and re.search(r"\b(?:open|opens|opening|closed|hours)\W+(?:\w+\W+)?$", text[: weekdays.start()]):
        weekdays = None  # "museums open Mon-Fri": the places' days, not the trip's
    if weekdays and (a := weekday_of(weekdays["a"])) is not None and (b := weekday_of(weekdays["b"])) is not None:
        first = today + timedelta(days=(a - today.weekday()) % 7)
        last = first + timedelta(days=(b - a) % 7 or 7)
        span = weekdays
    month_days = re.search(
        rf"\b(?P<a>\d{{1,2}})(?:st|nd|rd|th)?\.?{_SPAN_SEP}(?P<b>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(?P<m>{_MONTH_NAMES})\b"
        r"|(?<![\d.])(?P<a2>\d{1,2})\.?" + _SPAN_SEP + r"(?P<b2>\d{1,2})\.(?P<m2>\d{1,2})\.(?!\d)",
        text,
    )
    if span is None and month_days:
        month_said = month_days["m"]
        parsed = _dateparser_day(f"1 {month_said}", now, order=order) if month_said else None
        month = parsed.month if parsed else int(month_days["m2"] or 0)
        a, b = int(month_days["a"] or month_days["a2"]), int(month_days["b"] or month_days["b2"])
        if 1 <= month <= 12 and a < b:
            year = today.year if (month, b) >= (today.month, today.day) else today.year + 1
            with contextlib.suppress(ValueError):
                first, last, span = date(year, month, a), date(year, month, b), month_days
    if span is None or first is None or last is None:
        return text
    if (last - first).days >= _MAX_TRIP_DAYS:
        when.questions.append(f"{span.group(0).strip()} is longer than {_MAX_TRIP_DAYS} days: which days do you mean?")
        return _blank(text, span.start(), span.end())
    when.day, when.last_day = first, last
    when.said["date"] = span.group(0).strip()
    return _blank(text, span.start(), span.end())


def _read_last_day(text: str, now: datetime, when: When, *, country: str | None, order: str) -> str:
    """The end of a span of two dates said in full ("Friday 18 December till Sunday 20 December").

    ``text`` has the first day's words blanked; the second must follow them, after a span word.
    """
    if when.day is None or when.last_day is not None or when.questions or not re.search(r"\d", when.said["date"]):
        return text  # "a museum open mon-fri" are the museum's days; a span of weekdays is _read_days's
    sep = re.search(rf"(?:^|\s{{2}}){_SPAN_SEP}(?=\S)", text)
    if sep is None:
        return text
    second = When()
    rest = _DayReader(" " * sep.end() + text[sep.end() :], now, second, country=country, order=order).read()
    if second.day is None and not second.questions:
        return text
    span = f"{when.said.get('date', '')} {sep.group(0).strip()} {second.said.get('date', '')}".strip()
    if second.questions:
        when.questions.extend(second.questions)
    elif not when.day < second.day <= when.day + timedelta(days=_MAX_TRIP_DAYS - 1):  # type: ignore[operator]
        when.questions.append(f"{span}: the last day is not after the first. Which days do you mean?")
    else:
        when.last_day = second.day
        when.said["date"] = span
    return _blank(rest, sep.start(), sep.end())


_DAY_COUNT = r"(?P<n>\d{1,2}|two|three|four|five|six|seven|a couple of)"


def _read_days_long(text: str, when: When, now: datetime, *, said: str) -> None:
    """A length in days or nights ("for three days", "a 2-day trip", "two nights", "the whole weekend").

    ``text`` has the day's words blanked; ``said`` is the whole text (the weekend is also a day).
    """
    if when.last_day is not None:
        return
    days = re.search(rf"(?<!\bin )\b(?:for\s+)?{_DAY_COUNT}[- ]days?\b(?!\s+(?:ago|from|later|before))", text)
    nights = re.search(rf"\b{_DAY_COUNT} nights?\b", text)
    weekend = re.search(r"\b(?:whole|full|long) weekend\b|\bweekend (?:trip|away|getaway)\b|\bfor the weekend\b", said)
    count: int | None = None
    words = ""
    for match, extra in ((days, 0), (nights, 1)):
        if match is not None and count is None:
            word = match["n"]
            number = int(word) if word.isdigit() else (2 if word == "a couple of" else _NUMBERS[word])
            count, words = number + extra, match.group(0).strip()
    if count is None and weekend is not None:
        first = when.day or now.date()
        count, words = (1 if first.weekday() == 6 else 2), weekend.group(0)  # Saturday and Sunday
        when.notes = [n for n in when.notes if not n.startswith("the weekend: Saturday")]
    if count is None or count < 2:
        return
    if count > _MAX_TRIP_DAYS:
        when.questions.append(f"{words} is longer than {_MAX_TRIP_DAYS} days: how long is the trip?")
        return
    first = when.day or now.date()
    when.day, when.last_day = first, first + timedelta(days=count - 1)
    when.said.setdefault("date", words)
    when.said["days"] = words


# "leave at 9, sorry, 9:30", "4 people, wait no, 5": the number said last is the one meant
_CORRECTED = re.compile(
    r"\b(\d{1,2}(?:[:.]\d{2})?)(\s+[a-z]+)?\s*,?\s*(?:sorry|wait,? no|no,? wait|i mean|actually|make (?:that|it)|"
    r"or rather|no)\s*,?\s*(\d{1,2}(?:[:.]\d{2})?)\b(?!\s*[a-z])",
    re.IGNORECASE,
)


# "leave at eight no nine home by one": a spoken hour taken back by the next one
_CORRECTED_WORD = re.compile(
    rf"\b(?:at|by|from|until|till) ({_WORD})\s*,?\s*(?:sorry|wait,? no|no,? wait|i mean|no|or rather),?\s+({_WORD})\b"
)


def corrected(text: str) -> str:
    """The text with a number taken back replaced by the one said after it ("9, sorry, 9:30" -> "9:30")."""
    text = _CORRECTED_WORD.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + m.group(2), text)
    return _CORRECTED.sub(lambda m: m.group(3) + (m.group(2) or ""), text)


# "kahdelta" (at two), "puoli kahdelta" (at half past one), "klockan tre", "halv tre" (half past two): hours said
# in Finnish or Swedish words, as a day out reads them (1..7 in the afternoon)
_FINNISH_AT = [
    "yhdelta",
    "kahdelta",
    "kolmelta",
    "neljalta",
    "viidelta",
    "kuudelta",
    "seitsemalta",
    "kahdeksalta",
    "yhdeksalta",
    "kymmenelta",
    "yhdeltatoista",
    "kahdeltatoista",
]
_SWEDISH_HOURS = ["ett", "tva", "tre", "fyra", "fem", "sex", "sju", "atta", "nio", "tio", "elva", "tolv"]
_NORDIC_HOUR = re.compile(
    rf"\b(?:(?P<fi_half>puoli )?(?P<fi>{'|'.join(sorted(_FINNISH_AT, key=len, reverse=True)).replace('a', '[aä]')})"
    rf"|(?:(?P<sv_half>halv )|(?:klockan|kl\.?) )(?P<sv>{'|'.join(_SWEDISH_HOURS).replace('a', '[aå]')}))\b"
)


def _nordic_hours(text: str) -> str:
    def clock(found: re.Match[str]) -> str:
        if re.search(r"(?:euro\w*|eur|e|€)\s*$", found.string[: found.start()]):
            return found.group(0)  # "25 euroa kahdelta": 25 euros from two people, no hour
        hour = (_FINNISH_AT.index(_norm(found["fi"])) if found["fi"] else _SWEDISH_HOURS.index(_norm(found["sv"]))) + 1
        half = bool(found["fi_half"] or found["sv_half"])
        if half:
            hour -= 1
        if 1 <= hour <= 7:
            hour += 12
        return f"klo {hour or 12}.{30 if half else 0:02d}"

    return _NORDIC_HOUR.sub(clock, text)


# French clock times and their cues, said the English way the readers below know: "de 10h à 14h" is
# "from 10:00 to 14:00", "retour pour 18h" "back by 18:00", "vers midi" "around noon". "10h" after no cue
# stays a length ("pendant 3h" is three hours, as "for 3h" is).
_FR_CLOCK = r"(?P<h{n}>\d{{1,2}})\s?(?:h|heures?)(?:\s?(?P<m{n}>\d{{2}}))?\b|(?P<w{n}>midi|minuit)"
_FR_CUES = (
    (r"retour|rentres?|rentrer|etre rentres?|de retour|revenir|rentree", "back by"),
    (r"(?:a )?partir de|des|apres", "from"),
    (r"jusqu'?\s?a|jusqu'?\s?au|avant", "until"),
    (r"vers|aux alentours de|autour de", "around"),
    (r"depart|partir|partons|on part|je pars|nous partons|on y va", "leave at"),
)
_FRENCH_WORDS_MIN = 2
# "à 14h", "le 3 mars à 9h30": the bare cues, read only in French words ("a 3h drive" is English)
_FR_AT = r"a|pour|le"
_FRENCH_WORDS = re.compile(
    r"\b(?:le|la|les|et|pour|nous|je|demain|au|du|des|une|avec|puis|vers|jusqu|de|aujourd'?hui|ce soir|on)\b"
)


def _french_clock(found: re.Match[str], n: int) -> str:
    word = found[f"w{n}"]
    if word:
        return "noon" if word == "midi" else "midnight"
    return f"{int(found[f'h{n}'])}:{found[f'm{n}'] or '00'}"


def _english_clock(english: str, found: re.Match[str]) -> str:
    """A French clock with its cue, said the English way ("retour pour 18h": "back by 18:00")."""
    return f"{english} {_french_clock(found, 1)}"


def french_hours(text: str) -> str:
    """French clock times with their cues rewritten in the English the time readers know."""
    if not re.search(r"\d\s?h\b|\d\s?h\s?\d{2}|\d\s?heures?\b|\bmidi\b|\bminuit\b", text):
        return text
    one, two = _FR_CLOCK.format(n=1), _FR_CLOCK.format(n=2)
    text = re.sub(
        rf"\b(?:de|entre)\s+(?:{one})\s*(?:a|-|et|jusqu'?\s?a)\s*(?:{two})",
        lambda m: f"from {_french_clock(m, 1)} to {_french_clock(m, 2)}",
        text,
    )
    cues = [*_FR_CUES, (_FR_AT, "at")] if len(_FRENCH_WORDS.findall(text)) >= _FRENCH_WORDS_MIN else _FR_CUES
    # "demain 10h-12h", "14h à 18h": two French clocks make a range without a cue
    text = re.sub(
        rf"(?<![\w:])(?:{one})\s*(?:-|\u2013|a|jusqu'?\s?a)\s*(?:{two})",
        lambda m: f"from {_french_clock(m, 1)} to {_french_clock(m, 2)}",
        text,
    )
    for cue, english in cues:
        pattern = re.compile(
            rf"\b(?:{cue})(?:\s+(?:a|a l'hotel|a la maison|pour|avant|vers|au plus tard a))*\s+(?:{one})"
        )
        text = pattern.sub(partial(_english_clock, english), text)
    # "pendant 3 heures", "3h de visite": a length
    return re.sub(r"\b(?:pendant|durant)\s+(\d{1,2})\s?(?:h|heures?)\b", r"for \1 hours", text)


# A meal that is over before the trip starts: first in the request, or with the trip's end right after it
AFTER_MEAL = re.compile(
    r"(?:(?<=^)|(?<=^tomorrow )|(?<=^today ))after (?P<meal>breakfast|lunch|dinner)\b(?=\s+(?:till|until|to)\b)"
)
_MEAL_OVER = {"breakfast": "9:30", "lunch": "13:30", "dinner": "20:30"}


_STAY_SPAN = re.compile(
    rf"\b(?:arriv(?:e|ing)|get(?:ting)? there|be there)\s+(?:at\s+|around\s+)?(?P<a>{CLOCK})"
    rf"(?P<mid>[^.;]{{0,30}}?)\b(?:must|have to|need to|got to|has to)\s+leave\s+(?:by|before|at)\s+(?P<b>{CLOCK})"
)


def read_when(text: str, now: datetime, *, country: str | None = None) -> When:
    """The time fields of ``text`` (folded: lower case, no accents), relative to ``now`` (aware).

    ``country`` (ISO code) names whose public holidays are known by name; the order of
    numeric dates is day-month except for the United States.
    """
    when = When()
    text = _nordic_hours(text)
    text = french_hours(text)
    # "after lunch till 6": the trip starts once lunch is over (and plans no lunch, see the reader)
    text = AFTER_MEAL.sub(lambda m: f"after {_MEAL_OVER[m['meal']]}", text)
    text = _MISSPELT_TOMORROW.sub("tomorrow", text)
    text = re.sub(r"\bx-?mas\b", "christmas", text)
    text = re.sub(r"\b(\d{1,2}(?:[:.]\d{2})?)\s*-?ish\b", r"\1", text)  # "10-ish to 4": about ten
    # "from like two until seven", "back by like nine": a filler before an hour
    text = re.sub(rf"\blike\s+(?={_HOUR}\b)", "", text)
    # "we arrive at 11 and must leave by 13:30": there from one hour to the other
    text = _STAY_SPAN.sub(lambda m: f"from {m['a']} to {m['b']}".ljust(len(m.group(0))), text)
    order = "MDY" if country == "US" else "DMY"
    text = COORDINATES.sub(lambda m: " " * len(m.group(0)), text)  # "from 60.1699,24.9384": a place, no clock
    text = _read_days(text, now, when, order=order)
    rest = _DayReader(text, now, when, country=country, order=order).read() if when.day is None else text
    rest = _read_last_day(rest, now, when, country=country, order=order)
    _read_days_long(rest, when, now, said=text)
    rest = _read_range(rest, when)
    rest = _read_clocks(rest, when)
    _read_length(rest, when)
    _read_part(text, when)
    if (
        when.depart is not None
        and when.back is not None
        and when.back_next_day
        and when.last_day is None
        and when.depart.hour < _EVENING_START_FROM
        and when.back.hour > _SMALL_HOURS_UNTIL
    ):  # "leave at 10, back by 8 in the morning": a day trip said backwards, not a night out
        when.questions.append(
            f"back by {when.back:%H:%M} is before leaving at {when.depart:%H:%M}: what time will you be back?"
        )
        when.back, when.back_next_day = None, False
        when.said.pop("return_by", None)
    when.questions = [q[:1].upper() + q[1:] for q in when.questions]
    if when.depart is not None and when.back is not None and when.duration_h is not None:
        when.duration_h = None
        when.said.pop("duration", None)
    if when.day is not None and when.day == now.date() and when.depart is not None:
        moment = datetime.combine(when.day, when.depart, now.tzinfo)
        if moment < now - timedelta(minutes=30) and when.back is not None and not when.back_next_day:
            back = datetime.combine(when.day, when.back, now.tzinfo)
            if back < now:
                when.questions.append(
                    f"{when.said.get('depart_at', 'that time')} today has passed (it is {now:%H:%M}): "
                    "which day or time do you mean?"
                )
    return when


def part_window(part: str) -> tuple[time, time]:
    """The hours of a part of the day: morning 09-12, afternoon 13-17, evening 18-22, night 20-23:30."""
    return _PARTS[part]
