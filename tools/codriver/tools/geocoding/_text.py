"""Folding names for matching: case, accents and punctuation do not count."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold"]

_SEPARATORS = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """``"Eteläesplanadi"`` -> ``"etelaesplanadi"``, ``"K-Market"`` -> ``"k market"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()
