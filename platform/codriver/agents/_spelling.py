"""Slips in the reader's own words: "musuems and a galery" is read as "museums and a gallery".

A word typed in lower case is corrected only when all of these hold:

* it is no English word (pyspellchecker's frequency list, the one the linker uses for "is this
  English?") and no word of any name of the region (so "kiasam" is left to the place linker, which
  knows Kiasma, and "leikkipuisto" to the region's own kind words);
* it is one edit (two for words of seven letters or more: "tommorow", "procent") away from a word
  the reader acts on: an interest, meal, diet or refusal of the lexicon, a cuisine, or a word of
  days, party, budget and the car. English words are not corrected towards each other ("diner"
  stays a diner), and a word near no word of ours is left as it was typed.

The correction is said: every answer lists "read 'musuems' as 'museums'" among its assumptions.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from codriver.agents._cuisine import food_words, read_cuisines
from codriver.agents._linking import LEXICAL, english_frequency, english_words

_SHORT_MAX = 6  # letters: a word this long may be one edit off; a longer one two
_MIN_LETTERS = 5  # "parc", "espa", "tmrw": shorter words are too near too many others
_COMMON = 1e-6  # a word of the vocabulary is at least this frequent in English
_OTHER_WORDS = re.compile(
    r"adults?|children|kids|family|friends|wheelchair|toddler|teenagers?|"
    r"tomorrow|today|tonight|morning|afternoon|evening|weekend|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"january|february|march|april|june|july|august|september|october|november|december|christmas|"
    r"percent|battery|electric|charge|charging|charger|reserve|"
    r"cheap|cheaper|expensive|moderate|budget|euros|"
    r"around|until|before|after|between|leave|leaving|return|back"
)


# Words of other languages the reader reads as they are, never slips of an English word
_READ_AS_TYPED = re.compile(
    r"adultes|enfants?|batterie|personnes|"
    r"(?:japonais|chinois|indien|nepalais|thailandais|italien|mexicain|vietnamien|turque?|grec|francais|espagnol|"
    r"coreen|libanais|americain|russe|georgien|ethiopien|allemand)(?:e|ne|que)?s?"
)


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[tuple[str, ...], dict[str, float]]:
    """The English words the reader acts on, with their frequency (most frequent first)."""
    cuisines = food_words()
    frequency = {
        word: english_frequency(word)
        for word in english_words().keys()  # noqa: SIM118 (a WordFrequency, not a dict)
        if len(word) >= _MIN_LETTERS - 1 and word.isalpha()
    }
    words = {
        word: share
        for word, share in frequency.items()
        if share >= _COMMON and (LEXICAL.fullmatch(word) or word in cuisines or _OTHER_WORDS.fullmatch(word))
    }
    ordered = tuple(sorted(words, key=lambda w: -words[w]))
    return ordered, words


def correct_slips(text: str, known: frozenset[str]) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with slips of the reader's words corrected, and (typed, read) for each correction.

    ``known`` holds the words of the region's names (folded): they are never corrected.
    """
    corrections: list[tuple[str, str]] = []

    def fix(match: re.Match[str]) -> str:
        typed = match.group(0)
        if typed in known or english_frequency(typed) > 0 or read_cuisines(typed) or _READ_AS_TYPED.fullmatch(typed):
            return typed  # "doner" is a dish of its own, not a slip of "diner"; "adultes" is read as French
        vocabulary, share = _vocabulary()
        limit = 1 if len(typed) <= _SHORT_MAX else 2
        hits = process.extract(typed, vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=8)
        if not hits:
            return typed
        nearest = min(distance for _, distance, _ in hits)
        # the nearest; among equally near words the most frequent ("galery" is gallery, not galley)
        read = max((word for word, distance, _ in hits if distance == nearest), key=lambda w: share[w])
        corrections.append((typed, read))
        return read

    corrected = re.sub(rf"(?<![\w'\u2019-])[a-z]{{{_MIN_LETTERS},}}(?![\w'\u2019-])", fix, text)
    return corrected, corrections
