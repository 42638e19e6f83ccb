"""Reading opening_hours strings before evaluation: comment-only rules, fallbacks, errors."""

from __future__ import annotations

import opening_hours
import pytest

from codriver.tools.opening_hours import plainly_open, rewrite_comment_rules
from codriver.tools.opening_hours._rules import parse_error_summary


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a whole expression that is only a comment
        ('"by appointment"', 'unknown "by appointment"'),
        # a day with only a comment
        ('Mo-Fr 10:00-18:00; Sa "by appointment"', 'Mo-Fr 10:00-18:00; Sa unknown "by appointment"'),
        # an additional rule (comma) with only a comment
        ('Mo-Fr 10:00-18:00, Sa "on request"', 'Mo-Fr 10:00-18:00, Sa unknown "on request"'),
        # a fallback rule with only a comment
        ('Mo-Fr 10:00-18:00 || "by appointment"', 'Mo-Fr 10:00-18:00 || unknown "by appointment"'),
        # a ';' inside a comment does not split the rule
        ('Mo-Fr 10:00-18:00; Sa "call; or email"', 'Mo-Fr 10:00-18:00; Sa unknown "call; or email"'),
        # a time with a comment and no state: opening_hours.js says unknown, and so do we
        ('Mo-Su 10:00-18:00 "kitchen closes 17:30"', 'Mo-Su 10:00-18:00 unknown "kitchen closes 17:30"'),
        ('Mo,We 10:00-12:00,14:00-16:00 "x"', 'Mo,We 10:00-12:00,14:00-16:00 unknown "x"'),
        ('24/7 "staffed at night"', '24/7 unknown "staffed at night"'),
        ('Mo-Fr 10:00-18:00 "open"', 'Mo-Fr 10:00-18:00 unknown "open"'),
    ],
)
def test_comment_rules_without_a_state_become_unknown(raw: str, expected: str) -> None:
    rewrite = rewrite_comment_rules(raw)
    assert rewrite.text == expected
    assert rewrite.changed
    assert opening_hours.validate(rewrite.text)


@pytest.mark.parametrize(
    "raw",
    [
        "Mo-Fr 10:00-18:00",
        'Mo-Fr 11:00-15:00 open "Lunch"; Sa 12:00-22:00 open "Dinner"',  # explicit state
        'Sa off "private events"',
        '"open"',  # plainly open: left to the library, which says open
    ],
)
def test_rules_with_a_state_are_left_alone(raw: str) -> None:
    rewrite = rewrite_comment_rules(raw)
    assert rewrite.text == raw
    assert not rewrite.changed


def test_fallback_is_detected_outside_quotes_only() -> None:
    assert rewrite_comment_rules("Mo-Fr 10:00-18:00 || closed").has_fallback
    assert not rewrite_comment_rules('Mo-Fr 10:00-18:00 "a || b"').has_fallback


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("open", True),
        ("Open 24/7.", True),
        ("  always   OPEN ", True),
        ("open on request", False),
        ("by appointment", False),
        ("opening soon", False),
        ("", False),
    ],
)
def test_plainly_open(comment: str, expected: bool) -> None:
    assert plainly_open(comment) is expected


def test_parse_error_summary_is_one_line_with_the_column() -> None:
    with pytest.raises(Exception) as info:  # noqa: PT011  (the library's ParserError has no stub)
        opening_hours.OpeningHours("Mo-Fr 09:30 - 15:00. Lunch")
    summary = parse_error_summary(str(info.value))
    assert summary.startswith("at column 20: expected")
    assert "\n" not in summary
