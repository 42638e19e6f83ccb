"""Entity linking: the places a text names, found in the region's gazetteer with a confidence.

Every run of one to six words of the text is compared with every name the gazetteer
knows of a place or street (OSM ``name``, ``name:en``, ``name:fi``, ``name:sv``,
``alt_name``, ``official_name``, ``short_name``, ``old_name``...), folded (case, accents,
punctuation ignored): an exact name scores 1.0, otherwise rapidfuzz's ``ratio`` must reach
0.85 on names of six letters or more ("Ateneumm" finds Ateneum, "Kiasmaa" Kiasma). A run made
only of everyday words ("the museum", "a park") is never a name. The longest, best run wins
where runs overlap; equal candidates are kept so the caller can say which were meant.

Capitalised names after a visiting cue ("see the Louvre") that match nothing are returned
as unresolved, so the traveller is told they are not in the region.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from codriver.agents._cuisine import food_words, read_cuisines
from codriver.agents._glossary import covers, looks_local, names_kind
from codriver.agents._lexicon import AVOID_CUES, CAME_FROM, DIET_WORDS, INTEREST_WORDS, MEAL_WORDS
from codriver.agents._when import DAY_WORDS
from codriver.tools.geo import LatLon, haversine_m
from codriver.tools.geocoding import Gazetteer, fold

__all__ = ["Mention", "link_places", "local_kind_words"]

_EXACT = 1.0
_FUZZY_CUTOFF = 85.0
_SHORT_NAME_MIN = 6  # letters of a name known without its town's name
_MAX_WORDS = 6
# Words the reader knows (interests, diets, meals, avoiding): capitalised at a sentence's start they are no name.
LEXICAL = re.compile(
    "|".join(f"(?:{p})" for p in (*INTEREST_WORDS, *DIET_WORDS, *MEAL_WORDS, AVOID_CUES))
    + r"|(?:histor\w*|old|new|big|small|nice|great|famous|local|modern|ancient|public|beautiful|some|any|our|my)"
)
_LINKER_WORDS = """
    a an the of and or in on at to for from with by my our your then also ja tai och eller et ou puis avec
"""
_LINKERS = frozenset(_LINKER_WORDS.split())
# French articles end no name ("le musée océanographique et un déjeuner"), though "Le Louis XV" starts with one
_NO_NAME_END = frozenset({"un", "une", "le", "la", "les", "des", "du", "de", "au", "aux", "d", "l"})
_CUE_VERBS = frozenset(
    [
        "start",
        "starting",
        "end",
        "ending",
        "finish",
        "finishing",
        "leave",
        "leaving",
        "begin",
        "visit",
        "visiting",
        "see",
        "meet",
    ]
)
_EVERYDAY_WORDS = """
    we us me i it is are be this that these those some any museum museums gallery galleries park parks cafe
    cafes coffee church churches cathedral square market hall station restaurant restaurants bar bars pub
    pubs library hotel beach playground garden gardens street road house center centre city old new main big
    little small nice good best great art history lunch dinner breakfast brunch food day today tomorrow
    morning afternoon evening night trip tour visit see go home back car ev kids children family lunchtime
    place places stop stops shop shops theatre theater cinema concert sauna harbour harbor island bridge view
    views sea water north south east west central national modern design kitchen bistro grill please want
    would like love need maybe just one two three four five six seven eight nine ten hour hours minutes min
    max budget euros eur free open closed vegan vegetarian halal kosher hi hello hey there thanks thank
    theme amusement shopping area spot spots natural motorhome campervan camper caravan
"""
_GENERIC = _LINKERS | frozenset(_EVERYDAY_WORDS.split())
_CUE = (
    r"(?:lunch|dinner|breakfast|brunch|supper|eat|coffee|drinks?) (?:in|near|around|at)|(?:day )?trip to|"
    # "the abbey library in St. Gallen", "a day in Zurich": a sight or a day in a town the region may lack
    r"(?:museum|gallery|library|castle|church|cathedral|abbey|monastery|palace|zoo|day|trip|weekend|afternoon|"
    r"morning|evening|somewhere|something|village|town|city)s? (?:in|at)|"
    r"(?:ferry|boat|cruise|train|bus|flight|fly|flying|sail(?:ing)?) (?:over )?to|"
    r"driv(?:e|ing) (?:over |up |down |out )?to|head(?:ing)? (?:over |up |down |out )?to|"
    r"(?:go|going|pop|popping) (?:over|up|down|out) to|(?:boat|ferry|canoe) (?:trip|ride|tour) (?:on|to|across)|"
    r"tak(?:e|ing) (?:the kids|the family) to|"
    r"must[- ]see|must[- ]visit|have to see|want to see|want to visit|would like to see|visit(?:ing)?|see|"
    r"stop (?:at|by)|including|include|go to|take (?:us|me|them) to|show (?:us|me|them)|start(?:ing)? (?:at|from)|"
    r"end(?:ing)? (?:at|in)|finish(?:ing)? at|drop (?:us |me )?off at|"
    # "from Helsinki Central Station": a start the region lacks is said (not where one came from on the way here)
    r"from|fr[aå]n"
)
_PLACE_TYPES = frozenset(
    {"museum", "cathedral", "church", "square", "park", "hall", "station", "market", "library", "theatre", "gallery"}
)
_EVERYDAY = frozenset({"cafe", "restaurant", "fast_food", "bar", "supermarket", "hotel", "parking", "toilets"})
_PLACE_WORDS = (
    r"museum|cathedral|church|chapel|fortress|fort|castle|palace|tower|gallery|park|garden|square|market|hall|"
    r"theatre|theater|library|zoo|aquarium|island|bridge|monument|statue|temple|mosque|synagogue|stadium|arena|"
    r"center|centre|opera|harbour|harbor|beach|lake|mall|district|quarter|pool|village|house|sauna|spa"
)
_NOT_NAMES = re.compile(
    r"(?:I|EV|CCS|Type|Tesla|Model|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Christmas|Easter|"
    r"What|Which|Where|When|How|Any|Some|Can|Could|Is|Are|Do|Does|Will|Would|January|February|March|April|May|"
    r"June|July|August|September|October|November|December|"
    # "Independence Day museums": a day's name, read as the day, is no place
    r"Independence Day|Midsummer|Boxing Day|Valentine'?s|Halloween|New Year|Epiphany|Ascension|Good Friday|"
    r"Whitsun|Lucia|Vappu|May Day|All Saints|Mother'?s Day|Father'?s Day|"
    # "Thu 22.4.", "Sat, 10-14": a weekday or month said short, before its date or at a clause's end
    r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
    r"(?=\.?\s*(?:\d|$|,|;)))\b.*"
)
_LEADING_CUE = re.compile(r"(?:From|To|Then|And|Start|Visit|See|At|In|On|Near|Via|Past)\s+(?=[A-ZÅÄÖ])")
_WORD = re.compile(r"[\w'\u2019&.-]+", re.UNICODE)


@dataclass(frozen=True)
class Mention:
    """A run of the text that names a place of the region."""

    said: str
    start: int
    end: int
    place_id: str | None
    name: str
    kind: str
    lat: float
    lon: float
    category: str | None
    score: float
    others: tuple[str, ...] = field(default=())
    # said only to tell where another place is ("on the Esplanade"): no visit, but no wish for its kind either
    landmark: bool = False

    @property
    def label(self) -> str:
        return self.place_id or f"street:{self.name}"


_TOWN_WORD_PLACES = 4  # a first word shared by this many places of two kinds or more names the town


@lru_cache(maxsize=4)
def _town_words(gazetteer: Gazetteer) -> frozenset[str]:
    """First words that name the town or country rather than the place ("Helsinki", "Helsingin", "Suomen")."""
    starts: dict[str, set[int]] = {}
    for index, entry in enumerate(gazetteer.entries):
        if entry.kind != "place":
            continue
        for alias in entry.aliases:
            tokens = fold(alias).split()
            if len(tokens) > 1:
                starts.setdefault(tokens[0], set()).add(index)
    return frozenset(
        word
        for word, owners in starts.items()
        if len(owners) >= _TOWN_WORD_PLACES
        and len({gazetteer.entries[i].category for i in owners}) >= 2
        and word not in _GENERIC
    )


@lru_cache(maxsize=4)
def _towns_named(gazetteer: Gazetteer) -> frozenset[str]:
    """Folded one-word names of the region's towns and districts, the region itself and its country, 5+ letters."""
    names = {fold(alias) for town in gazetteer.localities for alias in town.aliases}
    names.add(fold(gazetteer.region))
    return frozenset(n for n in names if len(n) >= 5 and " " not in n)


_FOOD_BEFORE = re.compile(r"\b(?:restaurant|resto|cuisine|d[ée]jeuner|d[îi]ner|repas|plats?)\s+$", re.IGNORECASE)
_FOOD_AFTER = re.compile(
    r"\s+(?:food|cuisine|dinner|lunch|breakfast|brunch|supper|meal|dishes|take-?away|curry|restaurant|buffet)\b",
    re.IGNORECASE,
)
_FIRST_WORD_SCORE = 0.9
_INFLECTED_SCORE = 0.95
_LOW_TYPO_MIN = 7  # letters of a lower-case word that may be a name typed with a slip
_LOW_TYPO_CUTOFF = 88.0
_FOOD_WORDS = food_words()


@lru_cache(maxsize=4)
def _first_words(gazetteer: Gazetteer) -> dict[str, str]:
    """A distinctive word -> the one longer name it is in ("marski": "marski by scandic", "ekberg": "cafe ekberg").

    Distinctive: the first word of one place's names only (others may have it further on:
    "Scandic Marski" does not make "Marski by Scandic" less the Marski), or a word no other
    place or street has anywhere in its names; and no everyday word, town name, food or word of ours.
    """
    towns = _town_words(gazetteer)
    first: dict[str, set[int]] = {}
    anywhere: dict[str, set[int]] = {}
    alias_of: dict[tuple[str, int], str] = {}
    for index, entry in enumerate(gazetteer.entries):
        for alias in entry.aliases:
            tokens = fold(alias).split()
            if tokens:
                first.setdefault(tokens[0], set()).add(index)
            for token in dict.fromkeys(tokens):
                anywhere.setdefault(token, set()).add(index)
                if len(tokens) > 1 and entry.kind == "place":
                    alias_of.setdefault((token, index), " ".join(tokens))
    # "esplanadi" ends Pohjoisesplanadi and starts Esplanadinpuisto: a part of other names, not distinctive
    tokens_sorted = sorted(anywhere)
    ends_sorted = sorted(token[::-1] for token in anywhere)

    def inside_others(word: str) -> bool:
        for ordered, key in ((tokens_sorted, word), (ends_sorted, word[::-1])):
            at = bisect_left(ordered, key)
            # a compound ("esplanadi|npuisto"), not the word inflected ("marski|n")
            if any(len(t) - len(key) >= _COMPOUND_REST_MIN for t in ordered[at : at + 8] if t.startswith(key)):
                return True
        return False

    found: dict[str, str] = {}
    for word, owners in [*anywhere.items(), *first.items()]:  # a first word's own owner wins
        if (
            len(owners) == 1
            and len(word) >= _SHORT_NAME_MIN
            and word.isalpha()
            and word not in towns
            and word not in _GENERIC
            and not LEXICAL.fullmatch(word)
            and word not in _FOOD_WORDS
            and (word, next(iter(owners))) in alias_of
            and not inside_others(word)
        ):
            found[word] = alias_of[(word, next(iter(owners)))]
    return found


@lru_cache(maxsize=4)
def _alias_index(gazetteer: Gazetteer) -> tuple[dict[str, list[int]], list[str]]:
    """Folded name -> gazetteer entry indexes, and the folded names for fuzzy search.

    A name that starts with the town's name is also known without it: "Helsinki Music Centre" is
    "the Music Centre" to a visitor, "Helsingfors domkyrka" is "Domkyrkan".
    """
    by_name: dict[str, list[int]] = {}
    for index, entry in enumerate(gazetteer.entries):
        for alias in entry.aliases:
            folded = fold(alias)
            if folded:
                owners = by_name.setdefault(folded, [])
                if index not in owners:
                    owners.append(index)
    # "mcdonalds", "kittys": a possessive's apostrophe is left out when typed (folded, "McDonald's" is "mcdonald s")
    for index, entry in enumerate(gazetteer.entries):
        for alias in entry.aliases if entry.kind == "place" else ():
            joined = re.sub(r"(\w) s\b", r"\1s", fold(alias))
            if joined != fold(alias) and joined not in by_name:
                by_name[joined] = [index]
    # "Base Camp (Nepalese cuisine)" is "Base Camp": the note in brackets is no part of what people say
    for index, entry in enumerate(gazetteer.entries):
        for alias in entry.aliases if entry.kind == "place" else ():
            bare = fold(re.sub(r"\s*\([^)]*\)", "", alias))
            if bare != fold(alias) and len(bare) >= _SHORT_NAME_MIN and bare not in by_name:
                by_name[bare] = [index]
    towns = _town_words(gazetteer)
    places_of = _towns_named(gazetteer)
    for index, entry in enumerate(gazetteer.entries):
        if entry.kind != "place" or (entry.category or "") in _SIGHTS_FIRST | _EVERYDAY:
            continue
        for alias in entry.aliases:
            tokens = fold(alias).split()
            if len(tokens) > 1 and tokens[0] in towns:
                short = " ".join(tokens[1:])
                if len(short) >= _SHORT_NAME_MIN and short not in by_name and set(tokens[1:]) - _GENERIC:
                    by_name[short] = [index]
            # "Kunstmuseum Liechtenstein" is the Kunstmuseum, "Liechtensteinisches Landesmuseum Vaduz" the
            # Landesmuseum: a town, the region or the country (or its adjective) before or after the name
            rest = list(tokens)
            while len(rest) > 1 and rest[-1] in places_of:
                rest = rest[:-1]
            while len(rest) > 1 and any(rest[0].startswith(town) for town in places_of):
                rest = rest[1:]
            short = " ".join(rest)
            if (
                len(rest) < len(tokens)
                and len(short) >= _SHORT_NAME_MIN
                and short not in by_name
                and set(rest) - _GENERIC
                and not LEXICAL.fullmatch(short)
                and not _english_word(short)
            ):
                by_name[short] = [index]
    # "tuomiokirkko" is Helsingin tuomiokirkko: a long last word that ends one sight's names only
    last_owners: dict[str, set[int]] = {}
    for index, entry in enumerate(gazetteer.entries):
        for alias in entry.aliases if entry.kind == "place" else ():
            tokens = fold(alias).split()
            if len(tokens) > 1:
                last_owners.setdefault(tokens[-1], set()).add(index)
    for last, enders in last_owners.items():
        index = next(iter(enders))
        if (
            len(enders) == 1
            and len(last) >= _LAST_WORD_MIN
            and last not in by_name
            and last not in _GENERIC
            and not LEXICAL.fullmatch(last)
            and (gazetteer.entries[index].category or "") not in _SIGHTS_FIRST | _EVERYDAY
        ):
            by_name[last] = [index]
    # "dinner at Lumi" is Ravintola Lumi, "dinner at Lappi" Lappi ravintola: a name that starts or ends with
    # the kind of place is also known without it (said exactly: a slip of it is too near other words,
    # "Esplanade" is not Cafe Esplanad)
    fuzzy_names = sorted(by_name)
    for index, entry in enumerate(gazetteer.entries):
        for alias in entry.aliases if entry.kind == "place" else ():
            tokens = fold(alias).split()
            if len(tokens) < 2:
                continue
            for kind, rest, after in ((tokens[0], tokens[1:], False), (tokens[-1], tokens[:-1], True)):
                short = " ".join(rest)
                if (
                    kind in _KIND_PREFIXES
                    and len(short) >= _KIND_PREFIX_REST
                    and short not in by_name
                    and set(rest) - _GENERIC
                    # "Palace Hotel" is not "the Presidential Palace": an English word before the kind is no name
                    and not (after and len(rest) == 1 and _english_word(short))
                ):
                    by_name.setdefault(short, [])
                    if index not in by_name[short]:
                        by_name[short].append(index)
    return by_name, fuzzy_names


_COUNT_WORD_LIST = "one two three four five six a an tva tre fyra fem sex yksi kaksi kolme nelja viisi kuusi"
_COUNT_WORDS = frozenset(_COUNT_WORD_LIST.split())
# kinds said right after a name's distinctive word: "Aschanin kahvilaan", "the Otava bookshop cafe"
_KIND_WORDS_AFTER = (
    r"kahvila|cafe|caf|ravintola|restaurant|bistro|baari|bar\b|pub\b|bookshop|kirja|museo|museum|galleria"
)
_CUED_LOW = re.compile(
    r"\b(?:to|at|visit|see|then|and|via)\s+(?:the\s+)?"
    r"(?:(?:hotel|hostel|cafe|café|restaurant|bar|pub|museum|gallery|church|chapel|park)\s+)?$"
)
_CUED_LOW_MIN = 5  # letters of a lower-case name read after "to"/"visit" in text that has capitals: "kiasma"
_LAST_WORD_MIN = 8  # letters of a last word known alone: "tuomiokirkko", "rahamuseo"; not "kirkko"
_KIND_PREFIXES = frozenset(
    {"ravintola", "restaurant", "restaurang", "cafe", "kahvila", "bar", "baari", "pub", "hotel", "hotelli", "bistro"}
)
_KIND_PREFIX_REST = 4  # letters of the name after the kind: "Lumi" of Ravintola Lumi


# Finnish and Swedish case endings a name takes in running text ("Ekbergillä", "Kiasmaan", "Ateneumissa")
_CASE_ENDING = re.compile(r"(?:illa|ille|issa|ista|iin|lla|lle|ssa|sta|ksi|na|an|en|n)$")


def _uninflected(folded: str, ending: re.Pattern[str] = _CASE_ENDING) -> str | None:
    """The name without a case ending on its last word, when enough of the word is left; else None."""
    head, _, last = folded.rpartition(" ")
    match = ending.search(last)
    if match is None:
        return None
    # "kiasmaan" needs five letters left; "amos rexiin" a last word of three and six letters in all
    if (match.start() < _SHORT_NAME_MIN - 1) if not head else (match.start() < 3 or len(head) + match.start() < 5):
        return None
    return f"{head} {last[: match.start()]}".strip()


# Finnish endings the first reading leaves on: "Rivoliin" (Rivoli + in), "kirjastoon" (kirjasto + on),
# "Havis Amandalta" (from), "Carltonista" (from inside)
_OTHER_ENDINGS = tuple(
    re.compile(rf"(?:{e})$") for e in ("in", "on", "un", "yn", "lta", "sta", "ilta", "ista", "ssa", "lla", "lle", "a")
)


_FINNISH_CASE = re.compile(r"(?:sta|lta|iin|aan|een|oon|uun|lle|lla|ssa)$")


def _uninflected_in(folded: str, by_name: Mapping[str, object]) -> str | None:
    """The name without a case ending that the index knows: the usual endings first, then the others."""
    for ending in (_CASE_ENDING, *_OTHER_ENDINGS):
        bare = _uninflected(folded, ending)
        if bare is None:
            continue
        # consonant gradation: "tuomiokirkossa" is in the cathedral (kirkko), "puistikosta" from the park (puistikko)
        for form in (bare, re.sub(r"([kpt])([aeiouy])$", r"\1\1\2", bare)):
            if form in by_name:
                return form
    return _uninflected(folded)


def _rank(gazetteer: Gazetteer, owners: list[int]) -> list[int]:
    """Places before streets; among places, named sights before hotels, shops and the like."""
    lesser = {"hotel", "supermarket", "parking", "toilets", "pharmacy", "fuel", "charging_station"}
    return sorted(
        owners,
        key=lambda i: (
            gazetteer.entries[i].kind != "place",
            (gazetteer.entries[i].category or "") in lesser,
            gazetteer.entries[i].name,
        ),
    )


_DESCRIBED = frozenset(
    {
        "museum",
        "cathedral",
        "church",
        "chapel",
        "square",
        "park",
        "hall",
        "station",
        "market",
        "library",
        "theatre",
        "theater",
        "gallery",
        "garden",
        "gardens",
        "statue",
        "monument",
        "fortress",
        "castle",
        "palace",
        "tower",
        "zoo",
        "playground",
        "memorial",
        "bridge",
        "fountain",
        "sculpture",
        "cafe",
        "restaurant",
        "centre",
        "center",
        "road",
        "ruin",
        "ruins",
        "cellar",
        # French kinds, said before the rest of a name ("la cathédrale", "le palais", "le jardin exotique")
        "musee",
        "cathedrale",
        "eglise",
        "chapelle",
        "parc",
        "jardin",
        "jardins",
        "palais",
        "fontaine",
        "gare",
        "marche",
        "port",
        "plage",
        "casino",
        "synagogue",
        "mosque",
    }
)
# "the cathedral", "the station": said in lower case they still mean the one such landmark of a town
_FOOD_KINDS = frozenset({"cafe", "restaurant"})
_UNIQUE_LANDMARKS = frozenset(
    {
        "cathedral",
        "station",
        "opera",
        "zoo",
        "harbour",
        "harbor",
        "cathedrale",
        "gare",
        "casino",
        "port",
        "palace",
        "synagogue",
        "mosque",
    }
)
_DEFINITE = frozenset({"the", "le", "la", "les"})
# Kinds of landmark said in English of a name that starts with its own word for them ("Palais princier")
_KIND_FIRST = frozenset({"palace", "cathedral", "synagogue", "mosque", "castle"})
_BARE_LANDMARKS = frozenset({"cathedral", "cathedrale", "casino", "opera", "synagogue"})
_SIGHTS_FIRST = frozenset({"hotel", "supermarket", "parking", "toilets", "pharmacy", "fuel", "charging_station"})


@lru_cache(maxsize=4)
def _sight_names(gazetteer: Gazetteer) -> tuple[tuple[int, tuple[list[str], ...]], ...]:
    """(entry index, each name's folded words) of the places a description may mean (no hotels, shops...)."""
    return tuple(
        (index, tuple(fold(alias).split() for alias in entry.aliases))
        for index, entry in enumerate(gazetteer.entries)
        if entry.kind == "place" and (entry.category or "") not in _SIGHTS_FIRST
    )


def _token_in(query: str, alias_tokens: list[str]) -> bool:
    """A query word found among an alias's words, allowing an inflected or longer form (botanic ~ botanical)."""
    return any(a == query or (len(query) >= 5 and a.startswith(query[:-1])) for a in alias_tokens)


def _described(gazetteer: Gazetteer, tokens: list[str], *, single_ok: bool) -> int | None:
    """The one sight whose name contains every word of a description ("the central library" -> Oodi), or None.

    A single word ("the Cathedral") counts only capitalised, as the name of a unique sight.
    """
    owners = _described_owners(gazetteer, tokens, single_ok=single_ok)
    return owners.pop() if len(owners) == 1 else None


_AMBIGUOUS_MAX = 3  # sights of one kind a description may fit, said as "could be several places"
_TWICE_SIMILARITY = 85.0  # names this alike (rapidfuzz token set ratio) of one kind: one place mapped twice


def _one_place_twice(gazetteer: Gazetteer, owners: set[int]) -> bool:
    """Whether the sights are one place mapped more than once (same kind, nearly the same name)."""
    entries = [gazetteer.entries[k] for k in owners]
    first = fold(entries[0].name)
    return len({e.category for e in entries}) == 1 and all(
        fuzz.token_set_ratio(first, fold(e.name)) >= _TWICE_SIMILARITY for e in entries[1:]
    )


def _described_owners(gazetteer: Gazetteer, tokens: list[str], *, single_ok: bool) -> set[int]:
    """The sights a description fits, as few as the rules below can narrow them to."""
    # "the big white church": how big or fine a place looks is in no name or tag
    words = [t for t in tokens if t not in _LINKERS and t not in _PRAISE]
    if not words or (len(words) == 1 and not single_ok):
        return set()
    owners: set[int] = set()
    for index, aliases in _sight_names(gazetteer):
        for alias_tokens in aliases:
            contains = len(alias_tokens) > len(words) and all(_token_in(w, alias_tokens) for w in words)
            # one word: the kind that ends an English name ("Helsinki Cathedral") or starts a French one
            # ("Cathédrale Notre-Dame-Immaculée", "Casino de Monte Carlo"), in English words when the name starts
            # with its kind ("the palace": "Palais princier de Monaco")
            kind_only = (
                len(words) == 1
                and (gazetteer.entries[index].category or "") not in _EVERYDAY  # "the station" is no "Aseman Wursti"
                and len(alias_tokens) > 1
                and words[0] in _KIND_FIRST
                and names_kind(words[0], alias_tokens[0])
            )
            if (contains and (len(words) > 1 or words[0] in (alias_tokens[-1], alias_tokens[0]))) or kind_only:
                owners.add(index)
                break
        else:
            # "the white church", "the Mannerheim statue": what the place is and looks like, from its tags
            described = gazetteer.entries[index].descriptors
            if (
                len(words) > 1
                and (words[-1] in described or _KIND_SYNONYMS.get(words[-1], frozenset()) & described)
                and all(w in described or any(_token_in(w, a) for a in aliases) for w in words[:-1])
            ) or (len(words) > 1 and any(covers(words, alias_tokens, described) for alias_tokens in aliases)):
                owners.add(index)
    if len(owners) > 1:  # "the Plague Park": the park, not the bar named after it
        typed = {i for i in owners if words[-1] in gazetteer.entries[i].descriptors}
        owners = typed or owners
    if len(owners) > 1:
        owners = _one_place(gazetteer, owners)
    if len(owners) > 1:  # "the glass palace": Lasipalatsi, not the Cafe Lasipalatsi inside it
        plain = {i for i in owners if fold(gazetteer.entries[i].name).split()[0] not in _KIND_PREFIXES}
        owners = plain or owners
    return owners


_SAME_PLACE_M = 300.0


def _one_place(gazetteer: Gazetteer, owners: set[int]) -> set[int]:
    """One library mapped as a node and as a building is one place: the first of them, else all."""
    entries = [gazetteer.entries[i] for i in sorted(owners)]
    first = entries[0]
    same = all(
        fold(e.name) == fold(first.name)
        and e.category == first.category
        and haversine_m(LatLon(e.lat, e.lon), LatLon(first.lat, first.lon)) <= _SAME_PLACE_M
        for e in entries[1:]
    )
    return {min(owners)} if same else owners


_PRAISE = frozenset(
    {"big", "large", "huge", "great", "tall", "small", "little", "beautiful", "lovely", "pretty", "famous"}
)
# "the park by Töölönlahti": a kind of place named after the place it is by
_KIND_BY = re.compile(
    # "the little wooden chapel in Kamppi": a few words may describe it first
    rf"\bthe\s+(?:[a-z]+\s+){{0,3}}?(?P<kind>{'|'.join(sorted(_DESCRIBED))})\s+"
    r"(?:by|at|near|beside|next to|on|in)\s+(?:the\s+)?"
    r"(?P<name>[A-ZÅÄÖ][\w'-]+)",
    re.IGNORECASE,
)
_PART_OF = re.compile(
    r"(?<=\bthe )(?P<part>[A-Za-z]+)\s+(?:under|beneath|below|of|in|inside|at|on top of|next to)\s+the\s+"
    rf"(?P<whole>(?:old |new |city |main )?(?:{'|'.join(sorted(_DESCRIBED))}))\b",
    re.IGNORECASE,
)

_KIND_OF_NAME = re.compile(
    r"(?<=\b[Tt]he )(?P<kind>(?i:statue|monument|memorial|bust|grave|tomb|sculpture))\s+of\s+"
    r"(?P<name>[A-ZÅÄÖ][\w'-]*(?:\s+[A-ZÅÄÖ][\w'-]*)*)"
)
_KIND_OF_NAME_SCORE = 0.95  # above a name read inside it ("Mannerheim" of Mannerheimin aukio, 0.9)

# "the cathedral's crypt": the same, said with a possessive
_PART_OF_OWNER = re.compile(
    r"\bthe\s+(?P<whole>(?:old |new |city |main )?(?:" + "|".join(sorted(_DESCRIBED)) + r"))(?:'s|\u2019s)\s+"
    r"(?P<part>[A-Za-z]+)\b",
    re.IGNORECASE,
)

# a statue is tagged as a sculpture or a monument as often as a statue
_KIND_SYNONYMS = {
    "statue": frozenset({"sculpture", "monument"}),
    "monument": frozenset({"memorial", "statue"}),
    "memorial": frozenset({"monument", "statue"}),
}

_KIND_AFTER = re.compile(
    r"(?:'s|\u2019s)?\s+(?:(?:art|history|design|modern art|city)\s+)?"
    r"(?:museum|gallery|church|cathedral|park|library|theatre|theater|square|market hall|hall|statue|monument)\b",
    re.IGNORECASE,
)


_KIND_BEFORE = re.compile(
    r"(?:statue|monument|memorial|bust|tomb|grave|church|chapel|museum|house|home)\s+of\s+(?:the\s+)?"
    r"(?:(?:tsar|czar|king|queen|saint|st\.?|president|marshal|general|emperor|empress|poet|composer)\s+)?$",
    re.IGNORECASE,
)


# The categories a kind said after a name fits: "Kiasma museum" is Kiasma, "contemporary art museum" no gallery
_KIND_FITS = {
    kind: frozenset(categories.split())
    for kind, categories in (
        ("museum", "museum attraction"),
        ("gallery", "gallery museum"),
        ("church", "place_of_worship attraction historic"),
        ("cathedral", "place_of_worship attraction historic"),
        ("library", "library"),
        ("park", "park"),
        ("chapel", "place_of_worship attraction historic"),
        *((kind, "historic artwork attraction memorial monument") for kind in ("statue", "monument", "memorial")),
        *((kind, "historic artwork attraction memorial monument") for kind in ("bust", "tomb", "grave")),
    )
}


def _with_kind_after(text: str, mention: Mention) -> Mention | None:
    """The mention with the kind said around it ("the statue of", "museum"); None when that kind is not its own."""
    before = _KIND_BEFORE.search(text[: mention.start])
    if before is not None and mention.place_id is not None:
        fits = _KIND_FITS.get(before.group(0).split()[0].lower())
        if fits is not None and mention.category is not None and mention.category not in fits:
            return None  # "the Statue of Liberty" is no statue of the bar Liberty Or Death
        mention = replace(mention, start=before.start(), said=text[before.start() : mention.end])
    kind = _KIND_AFTER.match(text, mention.end)
    if kind is None or mention.place_id is None:
        return mention
    fits = _KIND_FITS.get(kind.group(0).split()[-1].lower())
    if fits is not None and mention.category is not None and mention.category not in fits:
        # "the contemporary art museum": a word of a gallery's name followed by another kind describes, not names
        return None if not mention.said[:1].isupper() and " " not in mention.said else mention
    return replace(mention, end=kind.end(), said=text[mention.start : kind.end()])


_INSIDE = re.compile(r"(?:'s|\u2019s)?\s+(?P<kind>café|cafe|restaurant|bistro|bar|pub|shop)\b", re.IGNORECASE)
_INSIDE_M = 40.0  # metres: a café in the museum's building, not one down the street


def _place_inside(text: str, gazetteer: Gazetteer, mention: Mention) -> Mention:
    """ "the Ateneum's café": the café at the place named, when the place is not itself one."""
    inside = _INSIDE.match(text, mention.end)
    possessive = mention.said.endswith(("'s", "\u2019s")) or text[mention.end :].startswith(("'s", "\u2019s"))
    if inside is None or not possessive or mention.place_id is None:
        return mention
    kind = inside.group("kind").lower().replace("é", "e")
    category = _BESIDE_KINDS.get(kind, kind)
    if mention.category == category:
        return mention
    eateries = {category, "restaurant"} if category == "cafe" else {category}
    index = _nearest(gazetteer, mention, eateries, kind, within_m=_INSIDE_M)
    if index is None:
        return mention
    return _mention(gazetteer, text[mention.start : inside.end()], (mention.start, inside.end()), index, score=0.9)


def _mention(gazetteer: Gazetteer, said: str, span: tuple[int, int], index: int, *, score: float) -> Mention:
    entry = gazetteer.entries[index]
    return Mention(
        said=said,
        start=span[0],
        end=span[1],
        place_id=entry.place_id,
        name=entry.name,
        kind=entry.kind,
        lat=entry.lat,
        lon=entry.lon,
        category=entry.category,
        score=score,
    )


def link_places(text: str, gazetteer: Gazetteer) -> tuple[list[Mention], list[tuple[str, int]]]:
    """(mentions of the region's places and streets, unresolved capitalised names with their offsets)."""
    by_name, names = _alias_index(gazetteer)
    words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]
    lower_case_text = not any(ch.isupper() for ch in text)
    found: list[Mention] = []
    for i in range(len(words)):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            start, end = words[i][1], words[i + n - 1][2]
            said = text[start:end].strip(".'\u2019-")
            end = start + len(said)
            if re.search(r"[,;!?]|(?<=\w{3})\.\s", said) or not said:  # "Seurahuone. Stop": two sentences
                continue
            folded = fold(said)
            tokens = folded.split()
            # "the cathedral"; "la cathédrale", "le casino" in French
            definite = i > 0 and fold(words[i - 1][0]) in _DEFINITE
            inside_name = i > 0 and words[i - 1][0][:1].isupper() and not definite
            # "palais princier, cathedrale, and a cafe": a unique landmark listed bare is that landmark too
            listed = (
                n == 1
                and bool(tokens)
                and tokens[-1] in _BARE_LANDMARKS
                and (i == 0 or re.search(r"(?:,|\b(?:and|et|puis|then|or))\s*$", text[:start]) is not None)
                and re.match(r"\s*(?:$|[,.;!?]|(?:and|et|puis|then|or|le|la)\b)", text[end:]) is not None
            )
            if (
                (definite or said[:1].isupper() or listed)
                and not inside_name
                and tokens
                and tokens[-1] in _DESCRIBED
                and tokens[0] not in _LINKERS
                # "Esplanadi and a cafe" is two things; "Ehrenström and Engel memorial" one name
                and not re.search(r"\b(?:and|or|then|plus|och|ja)\s+[a-zåäö]", said)
                # a name said exactly is that name, not a description; "the casino" is not the supermarket "Casino"
                and (
                    folded not in by_name
                    or (definite and all((gazetteer.entries[k].category or "") in _EVERYDAY for k in by_name[folded]))
                )
                # "an Italian restaurant", "a Burgers place": a food wish, not a description of one place
                and not (
                    tokens[-1] in _FOOD_KINDS and (set(tokens) & _FOOD_WORDS or read_cuisines(" ".join(tokens[:-1])))
                )
            ):
                single_ok = (
                    (definite and said[:1].isupper()) or listed or (definite and tokens[-1] in _UNIQUE_LANDMARKS)
                )
                # "J.K. Paasikivi's monument": initials and the possessive's "s" name nothing on their own
                fits = _described_owners(gazetteer, [t for t in tokens if len(t) > 1], single_ok=single_ok)
                if len(fits) == 1:
                    found.append(_mention(gazetteer, said, (start, end), min(fits), score=0.9))
                    continue
                if 1 < len(fits) <= _AMBIGUOUS_MAX and _one_place_twice(gazetteer, fits):
                    # "the car museum" where OSM maps the collection twice: one taken, the others said
                    first, *rest = sorted(fits)
                    mention = _mention(gazetteer, said, (start, end), first, score=0.9)
                    found.append(
                        replace(
                            mention,
                            others=tuple(gazetteer.entries[k].place_id or gazetteer.entries[k].name for k in rest),
                        )
                    )
                    continue
            proper = n > 1 and all(w[:1].isupper() or fold(w) in _LINKERS for w, _, _ in words[i : i + n])
            # "Market square", "the market square": everyday words that are the exact name of one sight
            proper = proper or (
                n > 1
                and (said[:1].isupper() or definite)
                and len(by_name.get(folded, ())) == 1
                and (gazetteer.entries[by_name[folded][0]].category or "") not in _EVERYDAY | _SIGHTS_FIRST
            )
            capitalised = any(w[:1].isupper() for w, _, _ in words[i : i + n])
            if (
                not tokens
                or (set(tokens) <= _GENERIC and not proper)
                or tokens[0] in _LINKERS
                or tokens[-1] in _LINKERS
                or tokens[-1] in _NO_NAME_END
                # "start at original sokos hotel vaakuna": the words saying a start or an end are no part of a name
                or (tokens[0] in _CUE_VERBS and len(tokens) > 1 and tokens[1] in _LINKERS)
            ):
                continue
            named_exactly = n > 1 and folded in by_name and bool(set(tokens) - _GENERIC - _town_words(gazetteer))
            if not capitalised and tokens[-1] in _GENERIC - _PLACE_TYPES and not named_exactly:
                continue  # "a nice cafe" is no name; "karl fazer cafe" is the name of one
            if n == 1 and folded in _town_words(gazetteer):
                continue  # "in Helsinki": the town itself, not the hotel or café named after it
            if (
                n == 1
                and folded in _FOOD_WORDS
                and (_FOOD_AFTER.match(text[end:]) or _FOOD_BEFORE.search(text[:start]))
            ):
                continue  # "Thai food for dinner", "un restaurant japonais": the cuisine, not a place called so
            if not capitalised and (tokens[0] in _COUNT_WORDS or tokens[0].isdigit()):
                continue  # "tre vuxna och två barn": a count of the party, not the statue called "Två barn"
            score = _EXACT if folded in by_name else 0.0
            key = folded
            bare = _uninflected_in(folded, by_name) if not score and (said[:1].isupper() or lower_case_text) else None
            # "Esplanadin puistoon": a compound name said as two words (the Esplanade's park, Esplanadinpuisto)
            if not score and n == 2 and len(tokens) == 2 and (said[:1].isupper() or lower_case_text):
                joined = tokens[0] + tokens[1]
                whole = joined if joined in by_name else _uninflected_in(joined, by_name)
                if whole is not None and whole in by_name:
                    key, score = whole, _INFLECTED_SCORE
            # "Carltonista Rivoliin" (from Carlton to Rivoli): one capitalised word too, when enough of it is left
            one_word_ok = n == 1 and said[:1].isupper() and bare is not None and len(bare) >= _SHORT_NAME_MIN - 1
            if (
                not score
                and bare is not None
                and bare in by_name
                and (n > 1 or lower_case_text or one_word_ok)
                and bare not in _town_words(gazetteer)
            ):
                key, score = bare, _INFLECTED_SCORE  # "Cafe Ekbergillä": at Cafe Ekberg; "kiasmaan": to Kiasma
            alone = bool(
                i + 1 >= len(words) or fold(words[i + 1][0]) in _LINKERS or re.match(r"\s*[,.;!?)]", text[end:])
            )
            # "Aschanin kahvilaan", "the Otava bookshop cafe": a kind of place after the word is the name's
            alone = alone or bool(
                i + 1 < len(words)
                and re.match(rf"(?:{_KIND_WORDS_AFTER})", fold(words[i + 1][0])) is not None
                and (said[:1].isupper() or lower_case_text)
                and folded not in _FOOD_WORDS
                and not read_cuisines(folded)  # "a Burgers restaurant" is a food wish
            )
            district = i > 0 and fold(words[i - 1][0]) == "in"  # "dinner in Kamppi": a part of town, not Kamppi Chapel
            # a compound name of the region's language needs no capital: "rahamuseo" is Suomen Pankin rahamuseo
            local = n == 1 and looks_local(folded)
            firsts = _first_words(gazetteer)
            first_word = (
                firsts.get(folded)
                or firsts.get(_uninflected_in(folded, firsts) or "")
                # "the Otava bookshop cafe" is Otavan Kirjakahvila: the name's first word is the genitive
                or firsts.get(folded + "n")
                or firsts.get(folded + "in")
                if n == 1 and (said[:1].isupper() or local) and (alone or local) and not district
                else None
            )
            if not score and first_word is not None:
                key, score = first_word, _FIRST_WORD_SCORE  # "the Marski" is "Marski by Scandic"
            # "ateneumm" typed all in lower case: a near miss of a long word, not one of ours
            typed_low = (
                n == 1
                # all in lower case, or first in the text or after a visiting word ("skimusem in vaduz then ...")
                and (lower_case_text or start == 0 or _CUED_LOW.search(text[max(0, start - 24) : start]) is not None)
                and not said[:1].isupper()
                and len(folded) >= _LOW_TYPO_MIN
                and folded not in _GENERIC
                and folded not in _FOOD_WORDS
                and not LEXICAL.fullmatch(folded)
                and english_frequency(folded) < _RARE_IN_ENGLISH  # "fountains" is a word, no slip of a name
            )
            # "Hilton Strand" of Hilton Helsinki Strand, "Ravintola Aino" of Ravintola Aino (Finnish cuisine),
            # "Ateljée bar" of Ateljée Bar Hotel Torni: every word said, in order, in one place's name (before a
            # near miss: "Ravintola Aino" is no slip of Ravintola Bank)
            named_start = said[:1].isupper() and tokens[0] not in _GENERIC
            # "start at the sokos vaakuna", typed in lower case: words of no language read here, each a name's
            unusual = (
                lower_case_text
                and n > 1
                and all(len(t) >= 4 and t not in _GENERIC and not _english_word(t) for t in tokens)
            )
            if (
                not score
                and (proper or named_start or unusual)
                and n > 1
                and set(tokens) - _GENERIC - _LINKERS
                # "Finnish cuisine" is a food wish, not Ravintola Aino (Finnish cuisine)
                and not (tokens[-1] in {"cuisine", "food", "kitchen"} and read_cuisines(" ".join(tokens)))
            ):
                inside = _name_around(gazetteer, by_name, tokens)
                if inside is not None:
                    key, score = inside, _INFLECTED_SCORE
            # "fast food joints" is no slip of "Food Jones": a near miss must not start with an everyday word
            if (
                not score
                and len(folded) >= 6
                and (n > 1 or said[:1].isupper() or typed_low)
                and not (n > 1 and tokens[0] in _GENERIC and not said[:1].isupper())
            ):
                cutoff = _LOW_TYPO_CUTOFF if typed_low else _FUZZY_CUTOFF
                hit = process.extractOne(folded, names, scorer=fuzz.ratio, score_cutoff=cutoff)
                if hit is not None:
                    key, score = hit[0], hit[1] / 100
                elif n == 1 and said[:1].isupper() and not LEXICAL.fullmatch(folded) and folded not in _FOOD_WORDS:
                    # "Kiazma": one letter off a name of six or more scores under the ratio's cutoff
                    slip = process.extractOne(folded, names, scorer=Levenshtein.distance, score_cutoff=1)
                    if slip is not None:
                        key, score = slip[0], _FUZZY_CUTOFF / 100
            slipped = False
            # "kiasam": two letters swapped in a six-letter name typed in lower case
            if (
                not score
                and n == 1
                and lower_case_text
                and len(folded) == _LOW_TYPO_MIN - 1
                and folded.isalpha()
                and folded not in _GENERIC
                and folded not in _FOOD_WORDS
                and not LEXICAL.fullmatch(folded)
            ):
                slip = process.extractOne(folded, _sight_words(gazetteer), scorer=OSA.distance, score_cutoff=1)
                if slip is not None:
                    key, score, slipped = slip[0], _FUZZY_CUTOFF / 100, True
            if not score:
                continue
            run = words[i : i + n]
            if (
                score < _EXACT
                and score != _INFLECTED_SCORE  # "Rikhardinkadun kirjastoon": the name's own lower-case word, inflected
                and not lower_case_text
                and not typed_low  # "skimusem" first in the text: a long rare word, one slip off a sight's name
                and any(not w[:1].isupper() and fold(w) not in _LINKERS for w, _, _ in run)
            ):
                continue  # "get in Helsinki" is not "Lost In Helsinki": a near miss must be written as a name
            # "Carltonista Rivoliin": two inflected names side by side (from one to the other) are two names
            finnish_pair = key != folded and _FINNISH_CASE.search(folded) is not None
            if (
                score < _EXACT
                and i + n < len(words)
                and words[i + n][0][:1].isupper()
                and said[:1].isupper()
                and not (finnish_pair and _FINNISH_CASE.search(fold(words[i + n][0])))
            ):
                continue  # a near-miss on part of a longer name ("Atlantis" of "Atlantis Museum") is not it
            # the word before, with nothing but a space between; first in its sentence, not a word of ours
            run_on = i > 0 and text[words[i - 1][2] : words[i][1]].isspace()
            opening = i - 1 == 0 or re.search(r"[.!?:;]\s*$", text[: words[i - 1][1]]) is not None
            before = fold(words[i - 1][0])
            if opening and (
                before in _GENERIC
                or LEXICAL.fullmatch(before)
                or _LEADING_CUE.match(words[i - 1][0] + " X")
                or DAY_WORDS.fullmatch(before)  # "Huomenna Kiasmaan": tomorrow, to Kiasma
            ):
                run_on = False  # "Visit Palace Hotel", "Lunch at...": a capital that only starts the sentence
            if (
                score < _EXACT
                and run_on
                and words[i - 1][0][:1].isupper()
                and said[:1].isupper()
                and not (finnish_pair and _FINNISH_CASE.search(fold(words[i - 1][0])))
            ):
                continue  # "Presidential Palace" is not the Palace Hotel: the name goes on before the word
            # "Saturday ... to um kiasma": a rare word that is exactly a sight's name, after a visiting word
            cued_low = (
                score == _EXACT
                and len(folded) >= _CUED_LOW_MIN
                and english_frequency(folded) < _RARE_IN_ENGLISH
                and not _english_word(folded)
                # "and the landesmuseum", "start at hotel schaanerhof": the cue, "the" and a kind word may come between
                and _CUED_LOW.search(text[max(0, start - 24) : start]) is not None
            )
            if (
                n == 1
                and not said[:1].isupper()
                and not typed_low
                and not local
                and not slipped
                and not cued_low
                and (score < _EXACT or not lower_case_text or (len(said) < 5 and _english_word(folded)))
            ):
                continue  # a lower-case word is a name only in text typed all in lower case
            if n == 1 and not said[:1].isupper() and english_frequency(folded) >= _EVERYDAY_ENGLISH:
                continue  # "contemporary art" is no visit to Helsinki Contemporary, "the bank" no Ravintola Bank
            owners = _rank(gazetteer, by_name[key])
            best = gazetteer.entries[owners[0]]
            everyday = n == 1 and not said[:1].isupper() and (best.category or "") in _EVERYDAY
            # "dinner at kosmos": a word after "at" that is no English word but a restaurant's own name is that place
            at_cue = re.search(r"\b(?:at|to)\s+$", text[max(0, start - 8) : start]) is not None
            if everyday and not (
                (
                    typed_low
                    or (at_cue and lower_case_text and english_frequency(folded) < _RARE_IN_ENGLISH)
                    or cued_low  # "start at hotel schaanerhof": a rare word after its cue, exactly the hotel's name
                )
                and score == _EXACT
            ):
                continue  # "bar" is no name; "finnjävel" typed in lower case is the restaurant
            others = tuple(
                gazetteer.entries[o].place_id or f"street:{gazetteer.entries[o].name}"
                for o in owners[1:]
                if gazetteer.entries[o].kind == best.kind
                and (gazetteer.entries[o].category or "") == (best.category or "")
            )
            mention = _mention(gazetteer, said, (start, end), owners[0], score=round(score, 3))
            found.append(replace(mention, others=others))
    for by in _KIND_BY.finditer(text):
        if not by["name"][:1].isupper():
            continue
        described = _described(gazetteer, [*fold(by["name"]).split(), by["kind"].lower()], single_ok=False)
        if described is not None:
            found.append(_mention(gazetteer, by.group(0), by.span(), described, score=0.9))
    # "the statue of Mannerheim" is "the Mannerheim statue" (not Mannerheimin aukio, the square named after him)
    for whose in _KIND_OF_NAME.finditer(text):
        described = _described(gazetteer, [*fold(whose["name"]).split(), whose["kind"].lower()], single_ok=True)
        if described is not None:
            found.append(_mention(gazetteer, whose.group(0), whose.span(), described, score=_KIND_OF_NAME_SCORE))
    # "the crypt under the cathedral", "the tower of the town hall": a place named by what it is part of
    for part in [*_PART_OF.finditer(text), *_PART_OF_OWNER.finditer(text)]:
        tokens = [*fold(part.group("whole")).split(), *fold(part.group("part")).split()]
        described = _described(gazetteer, tokens, single_ok=False)
        if described is not None:
            found.append(_mention(gazetteer, part.group(0), part.span(), described, score=0.9))
    chosen: list[Mention] = []
    for mention in sorted(found, key=lambda m: (-(m.end - m.start) * m.score, -m.score, m.start)):
        if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
            chosen.append(mention)
    chosen.sort(key=lambda m: m.start)
    # "Kiasma museum", "Ateneum art museum": the kind said after a name belongs to the name
    chosen = [m for m in (_with_kind_after(text, m) for m in chosen) if m is not None]
    chosen = [_place_inside(text, gazetteer, m) for m in chosen]
    chosen = [_beside(text, gazetteer, m, chosen) for m in chosen]
    unresolved: list[tuple[str, int]] = []
    name_run = _NAME_RUN
    for cue in re.finditer(rf"\b(?i:{_CUE})\s+", text):
        if re.match(r"(?i)fr(?:om|[aå]n)\b", cue.group(0)) and CAME_FROM.search(text[: cue.start()]):
            continue  # "my sister is visiting from Tampere": where she comes from, no start of the trip
        sentence_end = re.search(r"(?<!\bSt)(?<!\bSte)(?<!\bMt)(?<!\bFt)[.!?]", text[cue.end() :])
        tail_end = cue.end() + (sentence_end.start() if sentence_end else len(text) - cue.end())
        # the cue's own name, then each ", Name" / "and Name" of the list it opens
        for match in re.finditer(rf"(?:^|,\s*|\s(?:and|&)\s+)(?:(?i:the)\s+)?{name_run}", text[cue.end() : tail_end]):
            start = cue.end() + match.start(1)
            name = match.group(1)
            if match.start() > 0 and not re.match(r"\s*(?:,|and|&)", match.group(0)):
                break
            if _missing_name(gazetteer, name, start, chosen, unresolved):
                unresolved.append((name, start))
    # "from Kauppatori to Tampere", "drive from Helsinki to Turku": the end of a journey said with "from ... to"
    for journey in re.finditer(rf"\b(?i:from)\s+[^,.;]{{2,40}}?\s+(?i:to)\s+(?:(?i:the)\s+)?{name_run}", text):
        start, name = journey.start(1), journey.group(1)
        if name[:1].isupper() and _missing_name(gazetteer, name, start, chosen, unresolved):
            unresolved.append((name, start))
    # "sushi at Zuma", "tapas at Barcelona Bar": a dish had at a name
    for dish in re.finditer(rf"\b([^\W\d_]+)\s+at\s+(?:(?i:the)\s+)?{name_run}", text):
        start, name = dish.start(2), dish.group(2)
        if read_cuisines(dish.group(1).lower()) and _missing_name(gazetteer, name, start, chosen, unresolved):
            unresolved.append((name, start))
    # "the Louvre", "Suomenlinna fortress", "Uspenski Cathedral": a name the region does not have
    for match in re.finditer(
        rf"\b(?i:the)\s+{name_run}|{name_run}\s+(?:(?!(?:and|or|the|a|an|to|of|in|at|on|with|then|some|any)\s)[a-z][a-z-]*[a-z]\s+)?(?i:(?:{_PLACE_WORDS})s?)\b"
        rf"(?:\s+of\s+(?:the\s+)?[A-ZÅÄÖ][\w'-]*)?",
        text,
    ):
        name = next(g for g in match.groups() if g)
        start = match.start() + match.group(0).find(name)
        if any(c.start < match.end() and start < c.end for c in chosen):
            continue
        if any(0 <= c.start - match.end() <= 1 for c in chosen):  # "the Kamppi chapel of silence": part of it
            continue
        if any(start < u + len(n) and u < match.end() for n, u in unresolved):
            continue
        # "the Natural History Museum": everyday words, but two of them capitalised before the kind make a name
        naming = [w for w in name.split() if w[:1].isupper() and not re.fullmatch(_PLACE_WORDS, w.lower())]
        # "Design Museum": a word that is no word of ours before a capitalised kind names a place too
        kind_named = bool(re.search(r"\b[A-Z]\w*$", match.group(0))) and any(
            not LEXICAL.fullmatch(fold(w)) and fold(w) not in _DESCRIBING for w in naming
        )
        generic = set(fold(match.group(0)).split()) <= _GENERIC and len(naming) < 2 and not kind_named
        if generic or _NOT_NAMES.fullmatch(name):
            continue
        sentence_start = re.search(r"(?:^|[.!?:;]\s*)$", text[:start]) is not None
        if sentence_start and " " not in name and LEXICAL.fullmatch(fold(name)):
            continue  # "Avoid museums", "Historical monuments": a word of ours that only starts the sentence
        said = re.sub(r"^(?i:the)\s+", "", match.group(0)).strip()
        lead = _LEADING_CUE.match(said)
        if lead:  # "From Senate Square": the cue that starts the sentence is not part of the name
            said, start = said[lead.end() :], start + lead.end()
        kind_after = re.match(
            rf"\s+(?:(?!(?:and|or|then|to|the|a|an|with|for|in|at|on|of)\s)[a-z]+\s+)?(?:{_PLACE_WORDS})s?\b",
            text[start + len(said) :],
            re.IGNORECASE,
        )
        if kind_after is not None:  # "the Temppeliaukio church", "the Vasa ship museum": the kind is part of the name
            said += kind_after.group(0)
        compound = _compound_sight(gazetteer, fold(said)) if " " not in said else None
        if compound is not None:
            chosen.append(_mention(gazetteer, said, (start, start + len(said)), compound, score=0.9))
            chosen.sort(key=lambda m: m.start)
            continue
        unresolved.append((said, start))
    # "suomenlinna fortress", "korkeasaari zoo": a compound name of the region's language it does not have,
    # typed in lower case; with the kind said after it, the kind is part of the name, not a wish of its own
    known = known_words(gazetteer)
    for match in re.finditer(rf"\b([^\W\d_]{{7,}})(\s+(?:{_PLACE_WORDS})s?\b)?", text):
        start, end = match.start(), match.end()
        word = fold(match.group(1))
        if (
            not looks_local(word)
            or word in known
            or _uninflected(word) in known
            or LEXICAL.fullmatch(word)
            or english_frequency(word) >= _RARE_IN_ENGLISH  # "cheapest" is English, no compound name
        ):
            continue  # "ruokakauppa" (a grocery) is a kind of place the reader knows, not a name
        if any(c.start < end and start < c.end for c in chosen) or any(
            start < u + len(n) and u < end for n, u in unresolved
        ):
            continue
        unresolved.append((match.group(0), start))
    _listed_beside(text, gazetteer, chosen, unresolved)
    _lower_case_sights(text, gazetteer, chosen, unresolved)
    _lower_case_elsewhere(text, gazetteer, chosen, unresolved)
    # "the main library in the Kaisa house": a name said right after a place, to say where it is, is no wish
    unresolved = [
        (name, start)
        for name, start in unresolved
        if not any(c.place_id and _QUALIFIER.fullmatch(text[c.end : start]) for c in chosen if c.end <= start)
    ]
    # ", Nepalese, 2 adults": a word of a cuisine, capitalised, is the food wished for, no place
    if re.search(r"\b(?:breakfast|brunch|lunch|dinner|supper|food|meal|eat|restaurant)", text, re.IGNORECASE):
        unresolved = [(n, u) for n, u in unresolved if " " in n or not read_cuisines(f"{n.lower()} food")]
    # "in the Ioniq 5, 58 kWh": a car's model, a name followed by its number where the car is spoken of
    if re.search(r"kwh|batter|\bev\b|electric|charg|%", text, re.IGNORECASE):
        unresolved = [(n, u) for n, u in unresolved if not re.match(r"\s*\d", text[u + len(n) :])]
    # "kallion kirkko", "Yrjönkadun uimahalliin", "hietalahden kirpputori": a Finnish name (a genitive and the kind)
    # the region lacks, said rather than read as a wish for any church, pool or flea market
    for genitive in _GENITIVE_AND_KIND.finditer(text):
        start, end = genitive.start(), genitive.end()
        if fold(genitive.group(1)) in _COMMON_GENITIVES or any(c.start < end and start < c.end for c in chosen):
            continue
        if any(start < u + len(n) and u < end for n, u in unresolved):
            unresolved = [(n, u) for n, u in unresolved if not (start <= u < end)]
        unresolved.append((genitive.group(0), start))
    # "to Suomenlinna fortress", "seurasaaren ulkomuseoon": the kind said right after a name missing here is part
    # of that name, no wish for a fortress or a museum of its own
    unresolved = [(_with_kind_after_name(text, name, start, chosen), start) for name, start in unresolved]
    unresolved = [_with_name_before_town(text, name, start, chosen) for name, start in unresolved]
    unresolved.sort(key=lambda u: u[1])
    chosen = [replace(m, landmark=True) if near_what(text, m) else m for m in chosen]
    # "from Fairmont Monte Carlo", "lunch in monte carlo": the district, not the bar named after it
    towns = _locality_names(gazetteer)
    chosen = [m for m in chosen if _spaced(m.said) not in towns or _spaced(m.said) == _spaced(m.name)]
    return _without_qualifiers(text, chosen), unresolved


def _spaced(name: str) -> str:
    return re.sub(r"[\s-]+", " ", fold(name)).strip()


@lru_cache(maxsize=4)
def _locality_names(gazetteer: Gazetteer) -> frozenset[str]:
    """The names of the extract's towns and districts, folded, hyphens as spaces ("monte carlo")."""
    return frozenset(_spaced(alias) for town in gazetteer.localities for alias in (town.name, *town.aliases))


_GENITIVE_AND_KIND = re.compile(
    # a genitive ends in one vowel and "n": "mennään kirkkoon" (let's go to church) and "Kiasmaan" are no genitives
    r"\b([^\W\d_][\w-]{2,}(?<!aa)(?<!ää)(?<!ee)(?<!ii)(?<!oo)(?<!uu)(?<!yy)(?<!öö)n)\s+((?:kirkk?o|uimahall|ostoskeskuks|ostoskeskus|kirpputor|kauppahall|museo|kirjasto|"
    r"teatteri|linna|kappel)\w*)\b",
    re.IGNORECASE,
)
# genitives of everyday words: "lasten museo" (a children's museum), "vanhan kirkon" are kinds, no names
_COMMON_GENITIVES = frozenset(
    [
        "lasten",
        "mieluummin",
        "sitten",
        "ennen",
        "myohemmin",
        "aikaisemmin",
        "meidan",
        "teidan",
        "heidan",
        "minun",
        "sinun",
        "hanen",
        "taman",
        "tuon",
        "sen",
        "kaupungin",
        "vanhan",
        "uuden",
        "ison",
        "pienen",
        "suuren",
        "kauniin",
        "hyvan",
        "lahimman",
        "lahin",
        "jonkin",
        "jonkun",
        "yhden",
        "kahden",
    ]
)
_LOCAL_KINDS = r"\w*(?:museo|puisto|kirkko|linna|tori|aukio|halli|kirjasto|teatteri)\w*"


def _with_name_before_town(text: str, town: str, start: int, chosen: list[Mention]) -> tuple[str, int]:
    """ "EMMA in Espoo", "the Louvre in Paris": the place named before a town the region lacks is what is missing,
    said with its town (the town alone had been said, the place dropped)."""
    before = re.search(r"(?:(?i:the)\s+)?([A-ZÅÄÖ][\w'-]*(?:\s+[A-ZÅÄÖ][\w'-]*){0,3})\s+in\s+$", text[:start])
    if before is None or any(c.start < start and before.start(1) < c.end for c in chosen):
        return town, start
    name = before.group(1)
    if (
        " " not in name
        and not (name.isupper() and len(name) > 2)
        and (_english_word(fold(name)) or LEXICAL.fullmatch(fold(name)))
    ):
        return town, start  # "Lunch in Espoo": a word, no name
    if _NOT_NAMES.fullmatch(name):
        return town, start
    return text[before.start(1) : start + len(town)], before.start(1)


def _with_kind_after_name(text: str, name: str, start: int, chosen: list[Mention]) -> str:
    """The name with the kind of place said right after it ("Suomenlinna fortress"), unless that is a place."""
    kind = re.match(rf"\s+(?i:(?:{_PLACE_WORDS})s?|{_LOCAL_KINDS})\b", text[start + len(name) :])
    if kind is None or name.lower().endswith(kind.group(0).strip().lower()):
        return name
    end = start + len(name) + kind.end()
    if any(c.start < end and start + len(name) < c.end for c in chosen):
        return name
    return text[start:end]


# "a cafe near Havis Amanda", "a pub across the street from the theatre", "kahvila tuomiokirkon lähellä": a
# place named to say where a kind of place is wished for is no visit (nor the start: "from" is the locator's)
_WISHED_KIND = (
    r"cafes?|coffee|pubs?|bars?|restaurants?|pharmac(?:y|ies)|chemists?|supermarkets?|shops?|toilets?|loo|"
    r"parking|car park|hotels?|hostels?|playgrounds?|chargers?|charging(?: station)?|atm|kiosk|bakery|"
    r"somewhere to (?:eat|sit|park|sleep)|(?:a )?place to (?:eat|sit|park|sleep)|something to eat|"
    r"somewhere|anywhere|something|hungry|"
    r"kahvila\w*|ravintola\w*|baari\w*|apteek\w*|kauppa\w*"
)
_NEAR_BEFORE = re.compile(
    # "vegan lunch for 2 adults near Oodi": a few words of the wish may come between it and "near"
    rf"\b(?:{_WISHED_KIND})\s+(?:[\w-]+\s+){{0,4}}?(?:(?:that is|that's|which is|right|just|somewhere)\s+)?"
    r"(?:near|nearby|by|next to|close to|beside|behind|opposite|around|in front of|not far from|"
    r"(?:across|over) (?:the (?:street|road) )?from|(?:a )?(?:short )?walk(?:ing distance)? from|"
    r"within walking distance of|"
    r"round the corner from|around the corner from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_NEAR_AFTER = re.compile(r"\s+(?:lahella|lähellä|vieressa|vieressä|luona|nära|bredvid)\b", re.IGNORECASE)


def near_what(text: str, mention: Mention) -> bool:
    """Whether the place is named only to say where a kind of place is wished ("a cafe near X")."""
    if _NEAR_BEFORE.search(text[max(0, mention.start - 70) : mention.start]):
        return True
    return bool(
        _NEAR_AFTER.match(text, mention.end)
        and re.search(rf"\b(?:{_WISHED_KIND})\b", text[max(0, mention.start - 40) : mention.start], re.IGNORECASE)
    )


def _missing_name(
    gazetteer: Gazetteer, name: str, start: int, chosen: list[Mention], unresolved: list[tuple[str, int]]
) -> bool:
    """Whether a capitalised name after a cue is one to say as missing: not linked, not said yet, no word of
    ours, not the town, and not the first word of several of the region's places ("coffee at Fazer")."""
    return not (
        any(c.start <= start < c.end for c in chosen)
        or any(start == u for _, u in unresolved)
        or fold(name) in _GENERIC
        or fold(name) in _town_words(gazetteer)
        or _NOT_NAMES.fullmatch(name)
    )


# "St. Gallen", "Mt. Pilatus": an abbreviation's full stop does not end the name
_NAME_RUN = (
    r"((?:(?:St|Ste|Mt|Ft)\.\s*)?(?:[A-ZÅÄÖ][\w'\u2019-]*)(?:\s+(?:of\s+|de\s+|la\s+|du\s+)?[A-ZÅÄÖ][\w'\u2019-]*)*)"
)
# "Kunsthalle Helsinki (Taidehalli) and then Kiasma": a name's other name in brackets goes with it
_BRACKETED = r"(?:\s*\([^()]{1,40}\))?"
_LIST_SEPARATOR = _BRACKETED + r"\s*(?:,|;|&|\+|/|->|→|>|\s(?:and|then|and then|or)\s)\s*(?:(?i:the)\s+)?"
_NEXT_IN_LIST = re.compile(rf"{_LIST_SEPARATOR}{_NAME_RUN}(?=\s*(?:$|[,;.!?&+/>→)]|-|\s(?:and|then|or)\s))")
_BEFORE_IN_LIST = re.compile(
    rf"(?:^|[,;:!?(]\s*|\s(?:and|then|to|at|see|visit)\s+)(?:(?i:the)\s+)?{_NAME_RUN}{_LIST_SEPARATOR}$"
)


def _listed_beside(text: str, gazetteer: Gazetteer, chosen: list[Mention], unresolved: list[tuple[str, int]]) -> None:
    """ "Kiasma, Noma and Oodi": a capitalised name listed beside the region's places is a place asked for too.

    When it was not linked, it is said as missing rather than dropped without a word.
    """
    towns = _town_words(gazetteer)

    def taken(start: int, end: int) -> bool:
        return any(c.start < end and start < c.end for c in chosen) or any(
            start < u + len(n) and u < end for n, u in unresolved
        )

    def a_name(name: str, start: int) -> bool:
        folded = fold(name)
        first = re.search(r"(?:^|[.!?:;]\s*)$", text[:start]) is not None
        return not (
            set(folded.split()) <= _GENERIC
            or folded in towns
            or _NOT_NAMES.fullmatch(name)
            # "Kiasma and Taidehalli": a word of ours grown into a compound and capitalised mid-sentence is a name
            or (" " not in name and LEXICAL.fullmatch(folded) and (first or english_frequency(folded) > 0))
            # "EMMA, Kiasma and Oodi": a word in capitals is a name even first in its sentence
            or (first and " " not in name and _english_word(folded) and not (name.isupper() and len(name) > 2))
            or taken(start, start + len(name))
        )

    edges = [(m.start, m.end) for m in chosen if m.place_id is not None and not m.landmark]
    while edges:
        start, end = edges.pop()
        after = _NEXT_IN_LIST.match(text, end)
        if after is not None and a_name(after.group(1), after.start(1)):
            unresolved.append((after.group(1), after.start(1)))
            edges.append((after.start(1), after.end(1)))
        before = _BEFORE_IN_LIST.search(text[:start])
        if before is not None and a_name(before.group(1), before.start(1)):
            note = re.match(r"\s*\([^()]{1,40}\)", text[before.end(1) :])
            unresolved.append((before.group(1) + (note.group(0) if note else ""), before.start(1)))
            edges.append((before.start(1), before.end(1)))


@lru_cache(maxsize=4)
def _sight_words(gazetteer: Gazetteer) -> tuple[str, ...]:
    """One-word names of sights (not cafés, shops or hotels), for slips in short names typed in lower case."""
    return tuple(
        sorted(
            {
                fold(alias)
                for entry in gazetteer.entries
                if entry.kind == "place" and (entry.category or "") not in _EVERYDAY | _SIGHTS_FIRST
                for alias in entry.aliases
                if " " not in fold(alias) and len(fold(alias)) >= _LOW_TYPO_MIN - 1
            }
        )
    )


def _name_around(gazetteer: Gazetteer, by_name: dict[str, list[int]], tokens: list[str]) -> str | None:
    """The one place whose name has every word said, in order, and more ("Sokos Hotel Vaakuna"), or None."""
    hits: dict[str, list[int]] = {}
    for name, owners in by_name.items():
        words = name.split()
        if len(words) <= len(tokens):
            continue
        position = 0
        for word in words:
            # "teatteri unioniin" (to Teatteri Union): the last word said may be inflected
            last = position == len(tokens) - 1
            if position < len(tokens) and (
                word == tokens[position] or (last and len(word) >= 4 and _uninflected(tokens[position]) == word)
            ):
                position += 1
        if position == len(tokens):
            hits[name] = owners
    places = _one_place(gazetteer, {i for owners in hits.values() for i in owners}) if hits else set()
    if len(places) != 1:
        return None
    (place,) = places
    return next(name for name, owners in hits.items() if place in owners)


# "the big church on the Senate Square", "the café next to the cathedral": a kind of place said by where it is
_BESIDE_KINDS = {
    "church": "place_of_worship",
    "cathedral": "place_of_worship",
    "chapel": "place_of_worship",
    "museum": "museum",
    "gallery": "gallery",
    "park": "park",
    "cafe": "cafe",
    "café": "cafe",
    "bistro": "restaurant",
    "restaurant": "restaurant",
    "bar": "bar",
    "pub": "bar",
    "library": "library",
    "hotel": "hotel",
    "statue": "artwork",
    "fountain": "artwork",
}
_BESIDE = re.compile(
    rf"\bthe\s+(?:[\w'-]+\s+){{0,2}}?(?P<kind>{'|'.join(_BESIDE_KINDS)})\s+"
    r"(?:on|by|at|in|inside|next to|near|beside|behind|opposite|in front of|across from|on top of|"
    r"at the top of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_BESIDE_M = 250.0  # metres from the landmark: "on the square", "next to the cathedral"


def _beside(text: str, gazetteer: Gazetteer, mention: Mention, chosen: list[Mention]) -> Mention:
    """ "the church on the Senate Square": the nearest place of that kind to the place named, when one is near."""
    said = _BESIDE.search(text[: mention.start])
    if said is None or any(said.start() < c.end <= mention.start for c in chosen if c is not mention):
        return mention
    kind = said.group("kind").lower()
    index = _nearest(gazetteer, mention, {_BESIDE_KINDS[kind]}, kind, within_m=_BESIDE_M)
    if index is None:
        return mention
    return _mention(gazetteer, text[said.start() : mention.end], (said.start(), mention.end), index, score=0.9)


def _nearest(gazetteer: Gazetteer, mention: Mention, categories: set[str], kind: str, *, within_m: float) -> int | None:
    """The place of one of ``categories`` (or described as ``kind``) nearest the mentioned one, within ``within_m``."""
    here = LatLon(mention.lat, mention.lon)
    near = [
        (haversine_m(here, LatLon(e.lat, e.lon)), index)
        for index, e in enumerate(gazetteer.entries)
        if e.kind == "place" and e.place_id != mention.place_id and (e.category in categories or kind in e.descriptors)
    ]
    distance, index = min(near, default=(math.inf, None))
    return index if distance <= within_m else None


_QUALIFIER = re.compile(
    r"\s+(?:on|in|at|by|near|next to|beside|behind|opposite|across from|in front of|on top of|close to|"
    r"in the middle of|at the (?:\w+ )?end of|around the corner from)\s+(?:the\s+)?"
)


def _without_qualifiers(text: str, chosen: list[Mention]) -> list[Mention]:
    """ "the Runeberg statue on the Esplanade": a place right after another one says where that one is."""
    kept: list[Mention] = []
    for mention in chosen:
        previous = next((m for m in reversed(kept) if not m.landmark), None)
        if (
            previous is not None
            and previous.place_id is not None
            and _QUALIFIER.fullmatch(text[previous.end : mention.start])
        ):
            kept.append(replace(mention, landmark=True))
        else:
            kept.append(mention)
    return kept


_COMPOUND_REST_MIN = 4  # letters after the stem: "Esplanadi|npuisto", not a name one letter longer


def _compound_sight(gazetteer: Gazetteer, folded: str) -> int | None:
    """ "the Esplanade": a name said in another language that is the stem of one sight's compound name.

    Esplanadinpuisto (Esplanadparken) is the Esplanade's park; the stem is the word less a final vowel,
    and it must start one sight's name word (not an everyday place's) and be followed by more of it.
    """
    stem = folded.rstrip("aeiouy")
    if len(stem) < _SHORT_NAME_MIN or not folded.isalpha():
        return None
    owners = {
        index
        for index, entry in enumerate(gazetteer.entries)
        if entry.kind == "place"
        and (entry.category or "") not in _EVERYDAY | _SIGHTS_FIRST
        and any(
            token.startswith(stem) and len(token) - len(stem) >= _COMPOUND_REST_MIN
            for alias in entry.aliases
            for token in fold(alias).split()
        )
    }
    owners = _one_place(gazetteer, owners) if owners else owners
    return next(iter(owners)) if len(owners) == 1 else None


# Kinds of sight a traveller names in lower case with a word before it: "design museum", "sibelius monument".
_SIGHT_KINDS = (
    r"museum|gallery|church|cathedral|chapel|monument|statue|memorial|fortress|castle|palace|tower|zoo|"
    r"aquarium|library|theatre|theater|opera|temple|mosque|synagogue|station"
)
# "a gas station", "the charging station": services, no sight named in lower case
_SERVICE_WORDS = frozenset({"gas", "petrol", "filling", "fuel", "charging", "service", "power", "police", "fire"})
_LOWER_WORDS_BEFORE = re.compile(r"((?:[a-zåäö][\w'\u2019-]*\s+){1,2})$")
_KIND_NAMES = tuple(_SIGHT_KINDS.split("|"))


def _kind_word(word: str) -> str | None:
    """The kind of sight a word is, allowing one slip in one of six letters or more ("libary"), or None.

    ("place" is no slip of "palace": five letters are too few to tell a slip from another word.)
    """
    if word in _KIND_NAMES:
        return word
    if len(word) < _SHORT_NAME_MIN or (word.endswith("s") and _kind_word(word[:-1])):
        return None  # "war memorials": kinds in the plural are a wish for that kind, not the name of one
    slip = process.extractOne(word, _KIND_NAMES, scorer=OSA.distance, score_cutoff=1)
    return slip[0] if slip is not None and len(slip[0]) >= _SHORT_NAME_MIN else None


# Words before a kind that say when or where, not which: "after church", "behind the museum".
_NOT_NAMING_WORDS = """
    after before during past near behind beside around opposite until till since via into onto towards
    och ett en eller men ja tai mutta und oder
    loves likes wants hates enjoys prefers needs adores misses wife husband son daughter kids friend mum mom dad
"""  # the second line: "kyrkor och ett galleri" (Swedish "and a"), Finnish and German linking words
_NOT_NAMING = frozenset(_NOT_NAMING_WORDS.split())
# Words that describe a sight rather than name it: "the old church", "a big museum", "the white church".
_DESCRIBING_WORDS = """
    old new big small little nice good best great famous local modern ancient public beautiful main central top
    cool interesting lovely quiet popular free cheap other another same first second third last next nearest
    nearby closest own kids kid children childrens family this that one two any some every white red blue green
    yellow black grey gray brown pink orange purple golden dark tall huge tiny pretty cute fun real proper
    famous favourite favorite usual typical wooden stone
"""
_DESCRIBING = frozenset(_DESCRIBING_WORDS.split())
# An adjective by its ending ("national", "contemporary", "classical") describes; a noun before a kind names.
_ADJECTIVE_END = re.compile(r"(?:al|ary|ic|ous|ive|ful|ern|ish|ian|ese|ed|ing|ly|y)$")


def _lower_case_sights(
    text: str, gazetteer: Gazetteer, chosen: list[Mention], unresolved: list[tuple[str, int]]
) -> None:
    """A sight named in lower case by a word before its kind: linked when the region has it, else said.

    "national library" is Kansalliskirjasto (the descriptors and the glossary find it); "design museum" and
    "sibelius monument", which the region lacks, are names it does not have, not a wish for any museum.
    """
    for word in re.finditer(r"\b[a-z]{3,}\b", text):
        kind = _kind_word(word.group(0))
        match = _LOWER_WORDS_BEFORE.search(text, 0, word.start()) if kind is not None else None
        if kind is None or match is None:
            continue
        words = match.group(1).split()
        # the run of words right before the kind that are neither linking nor everyday words of ours
        while words and (
            fold(words[0]) in _LINKERS or fold(words[0]) in _CUE_VERBS or LEXICAL.fullmatch(fold(words[0]))
        ):
            words = words[1:]  # "to see vaduz castle": the words of wanting and seeing are no part of a name
        if not words or any(fold(w) in _LINKERS or fold(w) in _NOT_NAMING for w in words):
            continue  # "after church", "before the museum": when, not which
        if kind == "station" and fold(words[-1]) in _SERVICE_WORDS:
            continue
        start = text.rfind(words[0], match.start(), word.start())
        end = word.end()
        before = text[:start].rstrip()
        if re.search(r"\b(?:a|an|any|some|another)$", before, re.IGNORECASE) and kind not in {"zoo", "aquarium"}:
            continue  # "a science museum": a kind of museum, no name of one
        if before[-1:].isupper() or re.search(r"[A-ZÅÄÖ][\w'-]*$", before):
            continue  # "Kiasma art museum": the kind belongs to the capitalised name before it
        if any(c.start < end and start < c.end for c in chosen) or any(
            start < u + len(n) and u < end for n, u in unresolved
        ):
            continue
        tokens = [fold(w) for w in words] + [kind]
        described = _described(gazetteer, tokens, single_ok=False)
        if described is not None:
            chosen.append(_mention(gazetteer, text[start:end], (start, end), described, score=0.9))
            chosen.sort(key=lambda m: m.start)
            continue
        naming = [
            w
            for w in tokens[:-1]
            if w not in _DESCRIBING
            and not LEXICAL.fullmatch(w)
            and not _ADJECTIVE_END.search(w)
            and w.isalpha()
            and w not in _FOOD_WORDS
        ]
        # "the national museum": there is one of it, so it names a place (the region may lack it)
        naming = naming or [w for w in tokens[:1] if w == "national" and re.search(r"\bthe$", before, re.I)]
        if naming:
            said = text[start:end]
            unresolved.append((" ".join(w[:1].upper() + w[1:] for w in said.split(" ")), start))


# "drive to porvoo", "a day in rovaniemi": a word after a place cue that is no English word and no word of
# the region's names is a place the region does not have. English is told by pyspellchecker's frequency list
# (OpenSubtitles counts): names of towns and shops are in it only at the rarest count, or not at all.
_PLACE_CUE = re.compile(
    r"\b(?:to|at|in|visit(?:ing)?|see(?:ing)?|near|via|around|towards?|and|then|also|plus)\s+(?:the\s+)?$"
)
_EVERYDAY_ENGLISH = 2e-6  # a lower-case word this common is English ("contemporary" 2.2e-6), not a name
_RARE_IN_ENGLISH = 5e-8  # a word's share of English subtitles: "helsinki", "ikea" 3e-8; "nightcap" 4e-7
_COMMON_IN_ENGLISH = 1e-6  # a word one letter from one this common is a slip of it ("musuem")


@lru_cache(maxsize=1)
def _english() -> Any:
    from spellchecker import SpellChecker  # noqa: PLC0415 (its word list loads in 0.3 s, only for text)

    return SpellChecker(language="en", distance=1)


def english_words() -> Any:
    """pyspellchecker's English word list (word -> count), loaded once for the linker and the slip reader."""
    return _english().word_frequency


def english_frequency(word: str) -> float:
    """A lower-case word's share of English (pyspellchecker's list); 0 for no English word."""
    return float(_english().word_usage_frequency(word))


def _english_word(word: str) -> bool:
    """Whether a word is an everyday English word, or one letter off one."""
    english = _english()
    if english.word_usage_frequency(word) >= _RARE_IN_ENGLISH:
        return True
    parts = re.split(r"[-\s]", word)
    if len(parts) > 1 and all(parts):  # "mid-range", "kid-friendly": English words joined
        return all(_english_word(part) for part in parts)
    return any(english.word_usage_frequency(c) >= _COMMON_IN_ENGLISH for c in english.candidates(word) or ())


def _lower_case_elsewhere(
    text: str, gazetteer: Gazetteer, chosen: list[Mention], unresolved: list[tuple[str, int]]
) -> None:
    """A lower-case word after "to", "at", "in"... that is a name, but of no place of the region: said."""
    known = known_words(gazetteer)
    for match in re.finditer(r"\b[a-zåäöéü][a-zåäöéü-]{3,}\b", text):
        word, start, end = fold(match.group(0)), match.start(), match.end()
        if not _PLACE_CUE.search(text[max(0, start - 24) : start]):
            continue
        stem = word[: max(_SHORT_NAME_MIN - 1, len(word) - 2)]
        if (
            word in known
            or (_uninflected(word) or "") in known
            or any(k.startswith(stem) for k in known)  # "kallio": a part of town its streets are named after
            or word in _GENERIC
            or word in _FOOD_WORDS
            or LEXICAL.fullmatch(word)
            or any(c.start < end and start < c.end for c in chosen)
            or any(start < u + len(n) and u < end for n, u in unresolved)
            or _english_word(word)
            or _dish_said(text, start, end)
        ):
            continue
        said = match.group(0)
        unresolved.append((said[:1].upper() + said[1:], start))


def unknown_names(text: str, gazetteer: Gazetteer) -> list[tuple[str, int]]:
    """Words of a request nothing was read from that are no English word, nor one of the region's names.

    "porvoo old town day trip", "Kaapelitehdas, the old cable factory": when nothing else of a text is
    read, such a word is a place named that the region lacks, said rather than planned around in silence.
    """
    known = known_words(gazetteer)
    towns = _town_words(gazetteer)
    found = []
    for match in re.finditer(r"\b[^\W\d_][^\W\d_'\u2019-]{3,}\b", text):
        word = fold(match.group(0))
        if (
            word in known
            or word in towns
            or (_uninflected(word) or "") in known
            or word in _GENERIC
            or word in _FOOD_WORDS
            or LEXICAL.fullmatch(word)
            or _english_word(word)
            or re.search(r"[bcdfghjklmnpqrstvwxz]{5}", word)  # "asdfgh": keys pressed, no name
        ):
            continue
        found.append((match.group(0)[:1].upper() + match.group(0)[1:], match.start()))
    return found


_MEAL_AFTER = re.compile(r"^[^.;:!?]*?\bfor (?:a |an |the )?(?:breakfast|brunch|lunch|dinner|supper|a snack)\b")


def _dish_said(text: str, start: int, end: int) -> bool:
    """ "borscht and pelmeni for dinner", "souvlaki and tzatziki, for lunch": a dish listed with another, no place.

    Only a word joined by "and"/"with" to the word before ("drive to porvoo for lunch" is a place).
    """
    before = re.search(r"([^\W\d_]+)\s*(?:and|&|with)\s*$", text[:start])
    if before is None:
        return False
    return bool(_MEAL_AFTER.match(text[end:]) or read_cuisines(before.group(1).lower()))


@lru_cache(maxsize=4)
def known_words(gazetteer: Gazetteer) -> frozenset[str]:
    """Every word of every name the region knows (a word of them is no unknown name)."""
    return frozenset(word for entry in gazetteer.entries for alias in entry.aliases for word in fold(alias).split())


# Categories whose places are named after their kind in the region's own languages ("Kansallismuseo",
# "Esplanadinpuisto", "Tuomiokirkko"); chains of cafés and shops are named after their brand instead.
_NAMED_BY_KIND = frozenset(
    {"museum", "gallery", "park", "place_of_worship", "library", "square", "entertainment", "historic", "playground"}
)
_KIND_WORD_MIN = 5  # letters: shorter words end too many others by chance
_KIND_WORD_PLACES = 3
_KIND_WORD_PURITY = 0.75


@lru_cache(maxsize=4)
def local_kind_words(gazetteer: Gazetteer) -> tuple[tuple[str, str], ...]:
    """(word, category) for the kind words of the region's own place names: "museo", "puisto", "kirkko".

    A word is a kind word when it ends the names of at least three places (alone or as the end
    of a compound: "kansallismuseo") and three in four of those places are of one category.
    Learnt from the catalogue, so a region in any language gets its own words.
    """
    tokens: set[str] = set()
    ending: dict[str, set[int]] = {}  # every ending of a name's word -> the places it ends (one pass, no pairs)
    category: dict[int, str] = {}
    for index, entry in enumerate(gazetteer.entries):
        if entry.kind != "place" or not entry.category:
            continue
        category[index] = entry.category
        for alias in entry.aliases:
            for token in fold(alias).split():
                tokens.add(token)
                for start in range(len(token) - _KIND_WORD_MIN + 1):
                    ending.setdefault(token[start:], set()).add(index)
    words: list[tuple[str, str]] = []
    for word in sorted(tokens):
        if len(word) < _KIND_WORD_MIN or not word.isalpha():
            continue
        owners = ending[word]
        counts: dict[str, int] = {}
        for index in owners:
            counts[category[index]] = counts.get(category[index], 0) + 1
        best = max(counts, key=lambda c: (counts[c], c))
        if (
            best in _NAMED_BY_KIND
            and counts[best] >= _KIND_WORD_PLACES
            and counts[best] >= _KIND_WORD_PURITY * len(owners)
            # "place" (French for a square) is also an everyday English word: "a pizza place" is no square
            and english_frequency(word) < _EVERYDAY_ENGLISH
        ):
            words.append((word, best))
    return tuple(words)
