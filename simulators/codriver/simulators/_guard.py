"""The leakage guard: the traveller's hidden preferences never reach what it says.

The hidden targets of a scenario are the words that would give its hidden preferences
away: the names of hidden liked or disliked categories (singular, plural, the phrasing
requests use) and the disliked places' names, less every word the scenario makes public
anyway (stated interests, the scripted request, conversation and wishes). The guard
checks each utterance against them: a leaking sentence is dropped, and an utterance that
still leaks, or loses what it must say, is replaced by a safe one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from codriver.simulators._scenario import Scenario, WishEvent

__all__ = ["LeakGuard", "find_leaks", "hidden_targets"]

_WORDS = {
    "museum": ("museum", "museums"),
    "gallery": ("gallery", "galleries", "art"),
    "park": ("park", "parks"),
    "attraction": ("attraction", "attractions", "sights", "sightseeing"),
    "historic": ("historic", "history", "historical"),
    "viewpoint": ("viewpoint", "viewpoints", "view", "views"),
    "cafe": ("cafe", "cafes", "café", "cafés", "coffee"),
    "bar": ("bar", "bars", "pub", "pubs", "drinks"),
    "playground": ("playground", "playgrounds"),
    "place_of_worship": ("church", "churches", "place of worship"),
    "artwork": ("artwork", "artworks", "street art"),
    "entertainment": ("entertainment", "show", "shows"),
    "beach": ("beach", "beaches"),
    "library": ("library", "libraries"),
    "fast_food": ("fast food", "burger", "burgers"),
    "restaurant": ("restaurant", "restaurants"),
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _terms(category: str) -> tuple[str, ...]:
    return _WORDS.get(category, (category.replace("_", " "), category.replace("_", " ") + "s"))


def _contains(text: str, term: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(term.casefold())}(?![\w])", text.casefold()) is not None


def hidden_targets(scenario: Scenario) -> list[str]:
    """Words that would reveal ``scenario``'s hidden preferences, sorted; public words are left out."""
    persona = scenario.persona
    hidden = persona.hidden
    public_text = " ".join(
        [
            scenario.request or "",
            *scenario.conversation,
            *(e.text for e in scenario.events if isinstance(e, WishEvent)),
        ]
    )
    public_categories = set(persona.interests)
    candidates: set[str] = set()
    for category in {*hidden.liked_categories, *hidden.disliked_categories} - public_categories:
        terms = _terms(category)
        if not any(_contains(public_text, t) for t in terms):
            candidates.update(terms)
    candidates.update(p for p in hidden.disliked_places if not _contains(public_text, p))
    return sorted(candidates, key=str.casefold)


def find_leaks(text: str, targets: list[str]) -> list[str]:
    """The hidden targets that appear in ``text`` as whole words (case-insensitive)."""
    return [t for t in targets if _contains(text, t)]


@dataclass
class LeakGuard:
    """Checks every utterance; counts drafts that leaked, rewrites and fallbacks."""

    targets: list[str]
    caught: int = 0
    rewritten: int = 0
    fallbacks: int = 0
    said: list[str] = field(default_factory=list)

    def check(self, draft: str, fallback: str, keeps: Callable[[str], bool] = lambda _: True) -> str:
        """``draft`` if it reveals nothing hidden and ``keeps`` what it must say; else ``draft``
        without its leaking sentences, if that still ``keeps``; else ``fallback``.

        The fallback is trusted to be safe (built from public facts); it is audited with the rest.
        """
        draft = " ".join(draft.split())
        if find_leaks(draft, self.targets):
            self.caught += 1
            kept = " ".join(s for s in _SENTENCE.split(draft) if s and not find_leaks(s, self.targets))
            if kept and keeps(kept):
                self.rewritten += 1
                return kept
            self.fallbacks += 1
            return fallback
        if not draft or not keeps(draft):
            self.fallbacks += 1
            return fallback
        return draft

    def audit(self, utterances: list[str]) -> int:
        """How many hidden targets appear in ``utterances`` in all (0 when the guard did its job)."""
        return sum(len(find_leaks(u, self.targets)) for u in utterances)
