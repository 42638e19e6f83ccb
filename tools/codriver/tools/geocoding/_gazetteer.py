"""The offline gazetteer: a region's own place and street names, matched fuzzily.

Names are folded (case, accents and punctuation ignored) and scored with rapidfuzz's
``WRatio``; a place is found by its ``name`` and by its alternative names (``name:fi``,
``name:sv``, ``alt_name``, ``short_name``, ``brand``, ...), a street by the ``name`` of its edges.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from rapidfuzz import fuzz, process

from codriver.errors import InputError, PlaceNotFound
from codriver.tools.geocoding._models import GeocodeKind, GeocodeResult
from codriver.tools.geocoding._text import fold
from codriver.tools.routing import RoadGraph

__all__ = ["Gazetteer", "GazetteerEntry", "PlaceRecord", "place_descriptors"]

SOURCE = "gazetteer"
STREET_PREFIX = "street:"
_CATALOGUE_ID = re.compile(r"^osm:(node|way|relation)/\d+$")
# Name tags worth matching; artist_name, addr:housename and the like are not names of the place.
_NAME_TAG = re.compile(
    r"^(name|alt_name|official_name|short_name|loc_name|int_name|old_name|brand)(:[a-z]{2,3}(-[A-Za-z]+)?)?$"
)
# Scores are rapidfuzz percentages: below SEARCH_CUTOFF is noise, RESOLVE_CUTOFF is "this is it",
# HINT_CUTOFF is worth suggesting, and candidates within TIE_MARGIN of the best are equally good.
SEARCH_CUTOFF = 60.0
RESOLVE_CUTOFF = 80.0
HINT_CUTOFF = 70.0
TIE_MARGIN = 3.0
_EXACT_SCORE = 100.0  # a name matched letter for letter
_LISTED = 5


class PlaceRecord(Protocol):
    """What the gazetteer reads of a catalogue place (a stored place row has these)."""

    @property
    def place_id(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def category(self) -> str: ...
    @property
    def subcategory(self) -> str | None: ...
    @property
    def tags(self) -> Mapping[str, str] | None: ...


@dataclass(frozen=True)
class GazetteerEntry:
    """One findable thing: a catalogue place or a street, with every name it goes by."""

    name: str
    lat: float
    lon: float
    kind: GeocodeKind
    place_id: str | None
    category: str | None
    aliases: tuple[str, ...]
    # words that describe the place from its tags ("church", "statue", "white"), for "the white church"
    descriptors: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        """How the entry is named in messages: its catalogue ID or ``street:NAME``, then its name."""
        if self.kind == "locality":
            return f"{self.name} ({self.category or self.kind})"
        if self.place_id is None:
            return f"{STREET_PREFIX}{self.name} ({self.category or self.kind})"
        return f"{self.place_id} {self.name} ({self.category or self.kind})"

    def result(self, score: float, matched: str | None = None) -> GeocodeResult:
        return GeocodeResult(
            name=self.name,
            lat=self.lat,
            lon=self.lon,
            kind=self.kind,
            place_id=self.place_id,
            category=self.category,
            score=round(min(max(score, 0.0), 1.0), 4),
            source=SOURCE,
            matched=matched,
        )


def place_names(name: str | None, tags: Mapping[str, str]) -> tuple[str, ...]:
    """The place's own name first, then its other names from the tags, without repeats."""
    names = [name] if name else []
    names += [value for key, value in sorted(tags.items()) if _NAME_TAG.match(key)]
    seen: set[str] = set()
    unique = []
    for value in (v.strip() for n in names for v in n.split(";")):
        if value and value not in seen:
            seen.add(value)
            unique.append(value)
    return tuple(unique)


# Tags whose values say what a place is ("building=cathedral", "memorial=statue", "denomination=orthodox").
_KIND_TAGS = (
    "amenity",
    "tourism",
    "leisure",
    "historic",
    "place",
    "building",
    "memorial",
    "artwork_type",
    "museum",
    "denomination",
    "religion",
)
# The words people use for a tag value, when they differ from it.
_KIND_WORDS = {
    "place_of_worship": ("church",),
    "cathedral": ("cathedral", "church"),
    "chapel": ("chapel", "church"),
    "church": ("church",),
    "memorial": ("memorial", "monument"),
    "monument": ("monument", "memorial"),
    "artwork": ("artwork", "sculpture"),
    "bust": ("bust", "statue"),
    "theatre": ("theatre", "theater"),
    "arts_centre": ("arts", "centre", "center"),
}
# A few colour names people describe buildings by, as sRGB.
_COLOURS = {
    "white": (255, 255, 255),
    "black": (0, 0, 0),
    "grey": (128, 128, 128),
    "red": (180, 40, 40),
    "yellow": (235, 200, 60),
    "green": (60, 140, 70),
    "blue": (50, 90, 180),
    "brown": (120, 80, 50),
    "pink": (240, 170, 190),
    "orange": (230, 130, 40),
}
_COLOUR_SAYINGS = {"gray": "grey", "silver": "grey", "beige": "yellow", "cream": "white", "maroon": "red"}


def _colour_word(value: str) -> str | None:
    """``building:colour`` as one of :data:`_COLOURS` ("#ffffff" -> white), or None when far from all."""
    text = value.strip().lower()
    text = _COLOUR_SAYINGS.get(text, text)
    if text in _COLOURS:
        return text
    match = re.fullmatch(r"#?([0-9a-f]{6}|[0-9a-f]{3})", text)
    if match is None:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    rgb = tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))
    name, distance = min(
        ((n, sum((a - b) ** 2 for a, b in zip(rgb, c, strict=True)) ** 0.5) for n, c in _COLOURS.items()),
        key=lambda item: item[1],
    )
    return name if distance <= 80 else None


def place_descriptors(category: str | None, subcategory: str | None, tags: Mapping[str, str]) -> frozenset[str]:
    """Words that describe a place by its kind and look, read from its tags."""
    values = [category or "", subcategory or "", *(str(tags.get(key, "")) for key in _KIND_TAGS)]
    words: set[str] = set()
    for value in values:
        for raw in value.lower().split(";"):
            part = raw.strip()
            if part and part not in {"yes", "no"}:
                words.update(_KIND_WORDS.get(part, (part.replace("_", " "),)))
    colour = _colour_word(str(tags.get("building:colour", "")))
    if colour:
        words.add(colour)
    return frozenset(words)


def street_entries(graph: RoadGraph) -> list[GazetteerEntry]:
    """One entry per street name of the graph, at the edge midpoint nearest the street's centre.

    The centre is the length-weighted mean of the edge midpoints; taking the nearest edge
    midpoint keeps the position on the street even when the street bends.
    """
    mid_lat = (graph.lat[graph.edge_u] + graph.lat[graph.edge_v]) / 2
    mid_lon = (graph.lon[graph.edge_u] + graph.lon[graph.edge_v]) / 2
    by_name: dict[str, list[int]] = defaultdict(list)
    for edge, name in enumerate(graph.name.tolist()):
        if name.strip():
            by_name[name.strip()].append(edge)
    entries = []
    for name, edges in sorted(by_name.items()):
        idx = np.asarray(edges)
        weight = np.maximum(graph.length_m[idx], 1e-3)
        centre_lat = float(np.average(mid_lat[idx], weights=weight))
        centre_lon = float(np.average(mid_lon[idx], weights=weight))
        scale = np.cos(np.radians(centre_lat))
        nearest = idx[np.argmin((mid_lat[idx] - centre_lat) ** 2 + ((mid_lon[idx] - centre_lon) * scale) ** 2)]
        lengths: dict[str, float] = defaultdict(float)
        for e in edges:
            lengths[str(graph.highway[e])] += float(graph.length_m[e])
        entries.append(
            GazetteerEntry(
                name=name,
                lat=float(mid_lat[nearest]),
                lon=float(mid_lon[nearest]),
                kind="street",
                place_id=None,
                category=max(lengths, key=lambda hw: (lengths[hw], hw)),
                aliases=(name,),
            )
        )
    return entries


class Gazetteer:
    """Finds a region's places and streets by name or catalogue ID, offline.

    Implements :class:`~codriver.tools.geocoding.Geocoder`; :meth:`resolve` picks exactly
    one answer or says why it cannot.
    """

    source = SOURCE

    def __init__(
        self, entries: Iterable[GazetteerEntry], *, region: str, localities: Iterable[GazetteerEntry] = ()
    ) -> None:
        self.region = region
        self.entries = list(entries)
        # towns, villages and districts (see _localities): where things are, never a stop; apart from
        # ``entries`` so a catalogue place or street of the same name is always found first
        self.localities = tuple(localities)
        self._locality_by_name = {fold(a): e for e in reversed(self.localities) for a in e.aliases if fold(a)}
        self._by_id = {e.place_id: e for e in self.entries if e.place_id}
        self._choices: list[str] = []
        self._owner: list[int] = []
        self._alias: list[str] = []
        for i, entry in enumerate(self.entries):
            folded_seen: set[str] = set()
            for alias in entry.aliases:
                folded = fold(alias)
                if folded and folded not in folded_seen:
                    folded_seen.add(folded)
                    self._choices.append(folded)
                    self._owner.append(i)
                    self._alias.append(alias)

    @classmethod
    def of_region(
        cls,
        places: Iterable[PlaceRecord],
        graph: RoadGraph,
        *,
        region: str,
        streets: Iterable[GazetteerEntry] | None = None,
        localities: Iterable[GazetteerEntry] = (),
    ) -> Gazetteer:
        """The gazetteer of a region: its catalogue ``places`` (named ones) and the streets of ``graph``.

        ``streets``: the graph's :func:`street_entries` when already at hand (kept in a file);
        ``localities``: the extract's towns and districts (:func:`cached_locality_entries`).
        """
        entries = [
            GazetteerEntry(
                name=aliases[0],
                lat=place.lat,
                lon=place.lon,
                kind="place",
                place_id=place.place_id,
                category=place.category,
                aliases=aliases,
                descriptors=place_descriptors(place.category, place.subcategory, place.tags or {}),
            )
            for place in places
            if (aliases := place_names(place.name, place.tags or {}))
        ]
        return cls(
            [*entries, *(street_entries(graph) if streets is None else streets)], region=region, localities=localities
        )

    # -- lookups ------------------------------------------------------------------------
    def locality(self, name: str) -> GazetteerEntry | None:
        """The town, village or district called exactly ``name`` (any of its names, case and accents aside)."""
        folded = fold(name)
        return self._locality_by_name.get(folded) or self._locality_by_name.get(re.sub(r"^the ", "", folded))

    def lookup(self, place_id: str) -> GeocodeResult | None:
        """The catalogue place with this ID, or None."""
        entry = self._by_id.get(place_id.strip())
        return entry.result(1.0, place_id.strip()) if entry else None

    def search(self, query: str, *, limit: int = 5, kind: GeocodeKind | None = None) -> list[GeocodeResult]:
        """Places and streets whose names match ``query``, best first (score 0..1)."""
        return [entry.result(score / 100, alias) for entry, score, alias in self._ranked(query, kind=kind)[:limit]]

    async def geocode(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        """The :class:`Geocoder` protocol: a catalogue ID, a ``street:NAME`` or any name."""
        text = query.strip()
        if _CATALOGUE_ID.match(text):
            found = self.lookup(text)
            return [found] if found else []
        if text.lower().startswith(STREET_PREFIX):
            return self.search(text[len(STREET_PREFIX) :], limit=limit, kind="street")
        return self.search(text, limit=limit)

    def resolve(self, text: str) -> GeocodeResult:
        """Exactly one place or street for ``text``.

        A catalogue ID must exist; ``street:NAME`` only looks at streets. Raises
        :class:`PlaceNotFound` when nothing matches well enough and :class:`InputError`
        listing the candidates (with their IDs) when several match about equally.
        """
        query = text.strip()
        if not query:
            msg = "empty place name: give a place name, a street name, a catalogue ID or LAT,LON"
            raise InputError(msg, field="place")
        if _CATALOGUE_ID.match(query):
            found = self.lookup(query)
            if found is None:
                msg = f"no place {query} in region {self.region!r}: look it up with `codriver pois`"
                raise PlaceNotFound(msg, field="place")
            return found
        kind: GeocodeKind | None = None
        if query.lower().startswith(STREET_PREFIX):
            query, kind = query[len(STREET_PREFIX) :].strip(), "street"
        # every distinctive word of the name must be in the candidate's names or kind: "Helsinki
        # Central Station" is not "Lost In Helsinki", however well one word of it matches
        ranked = [hit for hit in self._ranked(query, kind=kind) if _covers(query, hit[0])]
        town = self.locality(query) if kind is None else None
        if town is not None and (not ranked or ranked[0][1] < _EXACT_SCORE):
            return town.result(1.0, query)  # "Schaan": the village, unless a place or street has that very name
        if not ranked or ranked[0][1] < RESOLVE_CUTOFF:
            closest = ", ".join(entry.label for entry, score, _ in ranked[:3] if score >= HINT_CUTOFF)
            hint = f"; closest: {closest}" if closest else ""
            what = "street" if kind else "place or street"
            msg = f"no {what} called {query!r} in region {self.region!r}{hint}"
            raise PlaceNotFound(msg, field="place")
        best_entry, best_score, best_alias = ranked[0]
        tied = [entry for entry, score, _ in ranked if score >= best_score - TIE_MARGIN]
        if len(tied) > 1 and _one_spot(tied):
            # a square and the street through it, or one building mapped twice: the place, not a choice
            tied = tied[:1]
        if len(tied) > 1:
            listing = ", ".join(entry.label for entry in tied[:_LISTED])
            more = f" and {len(tied) - _LISTED} more" if len(tied) > _LISTED else ""
            msg = f"ambiguous {text.strip()!r}: {listing}{more}; give a catalogue ID, street:NAME or LAT,LON"
            raise InputError(msg, field="place")
        return best_entry.result(best_score / 100, best_alias)

    def _ranked(self, query: str, *, kind: GeocodeKind | None) -> list[tuple[GazetteerEntry, float, str]]:
        """(entry, score 0..100, matched alias) per entry, best first; ties go to places, then by name."""
        folded = fold(query)
        if not folded or not self._choices:
            return []
        hits = process.extract(
            folded, self._choices, scorer=fuzz.WRatio, processor=None, score_cutoff=SEARCH_CUTOFF, limit=None
        )
        best: dict[int, tuple[float, str]] = {}
        for _, score, index in hits:
            owner = self._owner[index]
            if kind is not None and self.entries[owner].kind != kind:
                continue
            if owner not in best or score > best[owner][0]:
                best[owner] = (float(score), self._alias[index])
        order = sorted(
            best.items(),
            key=lambda item: (-item[1][0], self.entries[item[0]].kind != "place", self.entries[item[0]].name),
        )
        return [(self.entries[i], score, alias) for i, (score, alias) in order]


_SAME_SPOT_M = 400.0
# Words too common to tell places apart; shorter words (of, the, st) do not count either.
_FILLER = frozenset({"with", "from", "near", "into", "over", "this", "that", "there", "their", "place"})
_WORD_MATCH = 80.0


def _covers(query: str, entry: GazetteerEntry) -> bool:
    """Whether each distinctive word of ``query`` is in one of the entry's names or kind words.

    A word counts as there when it is close to a name's word (typos, Finnish case endings:
    "Esplanadi" and "Esplanadin") or is part of a compound word ("tori" of "Kauppatori").
    """
    words = [w for w in fold(query).split() if len(w) >= 4 and w not in _FILLER]
    if not words:
        return True
    have = {w for alias in entry.aliases for w in fold(alias).split()}
    have.update(w for descriptor in entry.descriptors for w in fold(descriptor).split())
    if entry.category:
        have.update(fold(entry.category).split())
    return all(
        word in have
        or any(fuzz.ratio(word, other) >= _WORD_MATCH or (len(other) >= 6 and word in other) for other in have)
        for word in words
    )


def _one_spot(entries: list[GazetteerEntry]) -> bool:
    """Whether the entries are one spot: a square and the street through it, or one place mapped twice.

    They share one name, lie within a few hundred metres, and are either places of one category
    or squares and streets; a café named after its street stays a choice.
    """
    if len({fold(e.name) for e in entries}) != 1:
        return False
    places = [e for e in entries if e.kind == "place"]
    same_kind = len(places) == len(entries) and len({e.category for e in entries}) == 1
    square = bool(places) and all(e.category == "square" for e in places)
    if not (same_kind or square):
        return False
    lat0, lon0 = entries[0].lat, entries[0].lon
    scale = np.cos(np.radians(lat0))
    return all(float(np.hypot(e.lat - lat0, (e.lon - lon0) * scale)) * 111_320.0 <= _SAME_SPOT_M for e in entries[1:])
