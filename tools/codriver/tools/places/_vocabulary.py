"""The catalogue's vocabulary, free of heavy imports (``codriver pois --help`` lists it)."""

from __future__ import annotations

__all__ = ["DIETS"]

# The diet:* keys the catalogue keeps (same list as codriver.regions.catalogue).
DIETS: tuple[str, ...] = ("gluten_free", "halal", "kosher", "lactose_free", "vegan", "vegetarian")
