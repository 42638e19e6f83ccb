"""Reading an opening_hours string before evaluation: comment-only rules and fallbacks.

opening-hours-py evaluates a rule that carries a comment but no explicit state
(``"by appointment"``, ``Sa "on request"``, ``Mo-Fr 10:00-18:00 "call first"``) as *open*
with the comment. The reference, opening_hours.js, says *unknown*, and for a driver that
is not a promise either, so such a rule is rewritten with an explicit ``unknown`` before
it is parsed. The one exception is a comment-only rule that plainly says open (the short
list in :data:`PLAIN_OPEN`): that rule keeps the library's open state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import opening_hours

__all__ = [
    "PARSER_ERROR",
    "PLAIN_OPEN",
    "Rewrite",
    "parse_error_summary",
    "plainly_open",
    "rewrite_comment_rules",
]


def _parser_error() -> type[Exception]:
    # The library raises opening_hours.ParserError, which its type stub does not declare.
    error = getattr(opening_hours, "ParserError", None)
    return error if isinstance(error, type) and issubclass(error, Exception) else SyntaxError


PARSER_ERROR = _parser_error()

# Comments (lower-case, spaces collapsed, trailing '.' or '!' dropped) that plainly say open.
PLAIN_OPEN = frozenset(
    {
        "open",
        "opened",
        "always open",
        "open always",
        "open 24/7",
        "open 24h",
        "open 24 hours",
        "24/7",
        "open daily",
        "open every day",
        "open all day",
        "open all year",
        "open year round",
        "open all year round",
    }
)
_MODIFIER = re.compile(r"\b(open|closed|off|unknown)\b", re.IGNORECASE)
_TRAILING_COMMENT = re.compile(r'^(?P<body>[^"]*?)\s*(?P<comment>"[^"]*")\s*$', re.DOTALL)


@dataclass(frozen=True)
class Rewrite:
    """The expression to parse, and what reading it found."""

    text: str
    changed: bool = False
    has_fallback: bool = False
    fallback_comment: str | None = None


def plainly_open(comment: str) -> bool:
    """Whether a comment says nothing but "open" (see :data:`PLAIN_OPEN`)."""
    words = " ".join(comment.lower().split()).rstrip(".!").strip()
    return words in PLAIN_OPEN


def _split_rules(raw: str) -> list[tuple[str, str]]:
    """(rule, separator after it) at the top level: ``;`` and ``||`` outside quotes."""
    parts: list[tuple[str, str]] = []
    current: list[str] = []
    in_quote = False
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == '"':
            in_quote = not in_quote
        elif not in_quote and char == ";":
            parts.append(("".join(current), ";"))
            current = []
            i += 1
            continue
        elif not in_quote and raw.startswith("||", i):
            parts.append(("".join(current), "||"))
            current = []
            i += 2
            continue
        current.append(char)
        i += 1
    parts.append(("".join(current), ""))
    return parts


def _rewrite_rule(rule: str) -> str:
    match = _TRAILING_COMMENT.match(rule.strip())
    if match is None:
        return rule
    body, comment = match.group("body"), match.group("comment")
    if _MODIFIER.search(body) or (plainly_open(comment.strip('"')) and not re.search(r"\d", body)):
        return rule
    leading = rule[: len(rule) - len(rule.lstrip())]
    head = body.strip()
    return f"{leading}{head} unknown {comment}" if head else f"{leading}unknown {comment}"


def rewrite_comment_rules(raw: str) -> Rewrite:
    """``raw`` with every comment-only rule made explicitly ``unknown``.

    ``Mo-Fr 10:00-18:00; Sa "by appointment"`` becomes
    ``Mo-Fr 10:00-18:00; Sa unknown "by appointment"``, and ``Mo 10:00-12:00 "lunch"``
    becomes ``Mo 10:00-12:00 unknown "lunch"``. Rules with an explicit state keep their
    meaning. ``has_fallback`` tells whether a ``||`` rule is present; ``fallback_comment``
    is the comment of a comment-only fallback rule (``Mo-Fr 08:00-16:00 || "on
    appointment"``): whenever the rules before it say closed, the reference
    (opening_hours.js) says unknown with that comment.
    """
    parts = _split_rules(raw)
    pieces = []
    changed = False
    fallback_comment = None
    after_fallback = False
    for rule, separator in parts:
        new = _rewrite_rule(rule)
        if new != rule:
            changed = True
            if after_fallback:
                fallback_comment = rule.strip().rsplit('"', 2)[-2] if rule.count('"') >= 2 else rule.strip()
        pieces.append(new + separator)
        after_fallback = separator == "||"
    return Rewrite(
        text="".join(pieces),
        changed=changed,
        has_fallback=any(sep == "||" for _, sep in parts),
        fallback_comment=fallback_comment,
    )


def parse_error_summary(message: str) -> str:
    """One line out of the parser's multi-line message: column and what it expected."""
    where = re.search(r"-->\s*\d+:(\d+)", message)
    expected = re.search(r"=\s*(expected[^\n]*)", message)
    if where and expected:
        return f"at column {where.group(1)}: {expected.group(1).strip()}"
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return lines[0] if lines else "does not parse"
