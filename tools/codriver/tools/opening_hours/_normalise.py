"""Rewrites that make opening-hours-py read a string the way opening_hours.js does.

opening_hours.js (the evaluator of OSM's editors) is the reference; a differential test
(``tests/unit/tools/opening_hours/test_opening_hours_reference.py``) compares every string
of the embedded region and an unseen corpus with it. Two library bugs are worked around here:

- **Weekday lists with spaces.** ``Tu, Fr 10:00-18:00`` is read as two rules, ``Tu``
  (open all day) and ``Fr 10:00-18:00``. The reference reads one weekday list, so the
  space after a comma between weekdays is dropped: ``Tu,Fr 10:00-18:00``.
- **Rules without days.** The reference adds ``11:00-15:00`` in
  ``Mo-Fr 10:00-18:00; 11:00-15:00`` to every day (open 10-18 on weekdays, 11-15 at
  weekends); the library lets it replace the weekday hours.
- **Overnight spans.** In the library any rule that matches a day wipes the part of the
  previous day's span that runs past midnight, even an *earlier* rule: with
  ``Mo-Fr 11:00-02:00; Sa-Su 12:00-02:00`` it is closed at 01:00 on Monday. The reference
  lets only later rules override. Strings made of weekday rules with plain times (the
  usual bar and restaurant hours) are expanded into one rule per weekday with the
  overnight part moved into the next day (``Mo 00:00-02:00,11:00-24:00; ...``), which both
  evaluators read alike; strings with a later rule without days are expanded the same
  way. Anything more complex is left as written.
"""

from __future__ import annotations

import re

__all__ = ["normalise_hours"]

_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_DAY_WORD = r"(?:Mo|Tu|We|Th|Fr|Sa|Su|PH|SH)"
_SPACED_LIST = re.compile(rf"(?<=\b{_DAY_WORD})\s*,\s+(?={_DAY_WORD}\b)")
_DAY_ITEM = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
_HOLIDAY_OFF = re.compile(r"^PH\s+(?:off|closed)$")
_DAY_MIN = 24 * 60

_Span = tuple[int, int]


def _outside_quotes(raw: str, fix: re.Pattern[str], repl: str) -> str:
    parts = raw.split('"')
    return '"'.join(fix.sub(repl, part) if k % 2 == 0 else part for k, part in enumerate(parts))


def _days(selector: str) -> list[int] | None:
    out: list[int] = []
    for item in selector.split(","):
        match = _DAY_ITEM.match(item.strip())
        if match is None:
            return None
        first = _DAYS.index(match.group(1))
        last = _DAYS.index(match.group(2)) if match.group(2) else first
        out.extend((first + k) % 7 for k in range((last - first) % 7 + 1))
    return out


def _spans(times: str) -> list[_Span] | None:
    out = []
    for item in times.split(","):
        match = _SPAN.match(item.strip())
        if match is None:
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start >= _DAY_MIN or m1 >= 60 or m2 >= 60 or end > 2 * _DAY_MIN or start == end:
            return None
        out.append((start, end if end > start else end + _DAY_MIN))
    return out


def _rule(rule: str) -> tuple[list[int] | None, list[_Span]] | None:
    """(weekdays, spans in minutes, end past 1440 when overnight) of a plain rule; None otherwise.

    The weekdays are None for a rule without days (``11:00-15:00``).
    """
    words = rule.split(None, 1)
    if not words:
        return None
    if _SPAN.match(words[0].split(",")[0]):
        spans = _spans(rule)
        return (None, spans) if spans is not None else None
    if len(words) != 2:
        return None
    days = _days(words[0])
    if days is None:
        return None
    if words[1].strip() in {"off", "closed"}:
        return days, []
    spans = _spans(words[1])
    return (days, spans) if spans is not None else None


def _fmt(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _expand_overnight(raw: str) -> str:
    rules = [rule.strip() for rule in raw.split(";") if rule.strip()]
    holidays: list[str] = []
    while rules and _HOLIDAY_OFF.match(rules[-1]):
        holidays.insert(0, rules.pop())
    parsed = [_rule(rule) for rule in rules]
    plain = [p for p in parsed if p is not None]
    overnight = any(end > _DAY_MIN for _, spans in plain for _, end in spans)
    dayless_later = any(days is None for days, _ in plain[1:])
    if not rules or len(plain) != len(rules) or not (overnight or dayless_later):
        return raw
    own: list[list[_Span]] = [[] for _ in _DAYS]
    spill: list[list[_Span]] = [[] for _ in _DAYS]  # spill[d]: the part of day d's spans after midnight
    for days, spans in plain:
        if days is None:  # the reference adds a rule without days to every day
            for d in range(7):
                own[d] = [*own[d], *((a, min(b, _DAY_MIN)) for a, b in spans)]
                spill[d] = [*spill[d], *((0, b - _DAY_MIN) for _, b in spans if b > _DAY_MIN)]
            continue
        for d in days:
            own[d] = [(a, min(b, _DAY_MIN)) for a, b in spans]
            spill[(d - 1) % 7] = []  # a later rule for a day closes what ran into it
        for d in days:
            if spans:  # "off" closes the day, not the night after it
                spill[d] = [(0, b - _DAY_MIN) for _, b in spans if b > _DAY_MIN]
    out = []
    for d, name in enumerate(_DAYS):
        merged: list[list[int]] = []
        for a, b in sorted([*spill[(d - 1) % 7], *own[d]]):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        times = ",".join(f"{_fmt(a)}-{_fmt(b)}" for a, b in merged)
        out.append(f"{name} {times or 'off'}")
    return "; ".join([*out, *holidays])


def normalise_hours(raw: str) -> str:
    """``raw`` rewritten so that opening-hours-py agrees with opening_hours.js (or unchanged)."""
    text = _outside_quotes(raw, _SPACED_LIST, ",")
    if '"' in text or "||" in text:
        return text
    return _expand_overnight(text)
