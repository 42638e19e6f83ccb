"""Food words: OSM ``cuisine=*`` values and the dishes people name instead of them.

The vocabulary is OSM's own: the most used values of the ``cuisine`` key (taginfo, 2026),
plus every value the region's catalogue carries, plus dish words that point at them
("sushi" -> japanese or sushi, "dim sum" -> chinese, "kebab" -> kebab or turkish). A place
serves a wish when one of its cuisine values is among the wish's values. A wish no place
of the region can serve is reported by name, never answered with something unrelated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CuisineWish", "cuisine_label", "food_words", "read_cuisines"]

# Country and regional cuisines as OSM spells them, with the adjectives people write.
_REGIONAL: dict[str, tuple[str, ...]] = {
    "afghan": ("afghan",),
    "african": ("african",),
    "american": ("american", "southern", "cajun", "soul food", "diner", "californian"),
    "burmese": ("burmese",),
    "cambodian": ("cambodian",),
    "singaporean": ("singaporean",),
    "hawaiian": ("hawaiian",),
    "cuban": ("cuban",),
    "arab": ("arab", "arabic"),
    "argentinian": ("argentinian", "argentine"),
    "asian": ("asian", "oriental", "asian fusion", "pan-asian", "pan asian"),
    "balkan": ("balkan",),
    "brazilian": ("brazilian",),
    "british": ("british", "english"),
    "caribbean": ("caribbean",),
    "chinese": ("chinese", "cantonese", "sichuan", "szechuan", "szcheuan", "hunan", "dim sum"),
    "danish": ("danish",),
    "eritrean": ("eritrean",),
    "ethiopian": ("ethiopian",),
    "filipino": ("filipino",),
    "finnish": ("finnish",),
    "french": ("french", "parisian", "provencal"),
    "georgian": ("georgian",),
    "german": ("german",),
    "greek": ("greek",),
    "hungarian": ("hungarian",),
    "indian": ("indian", "punjabi", "south indian"),
    "indonesian": ("indonesian",),
    "iranian": ("iranian",),
    "persian": ("persian",),
    "irish": ("irish",),
    "italian": ("italian",),
    "jamaican": ("jamaican",),
    "japanese": ("japanese",),
    "korean": ("korean",),
    "latin_american": ("latin american", "latino"),
    "lebanese": ("lebanese",),
    "malaysian": ("malaysian",),
    "mediterranean": ("mediterranean",),
    "mexican": ("mexican", "tex-mex", "tex mex"),
    "middle_eastern": ("middle eastern",),
    "mongolian": ("mongolian",),
    "moroccan": ("moroccan",),
    "nepalese": ("nepalese", "nepali", "himalayan"),
    "nordic": ("nordic", "scandinavian"),
    "pakistani": ("pakistani",),
    "peruvian": ("peruvian",),
    "polish": ("polish",),
    "portuguese": ("portuguese",),
    "russian": ("russian",),
    "spanish": ("spanish",),
    "sri_lankan": ("sri lankan",),
    "swedish": ("swedish",),
    "swiss": ("swiss",),
    "syrian": ("syrian",),
    "taiwanese": ("taiwanese",),
    "shanghainese": ("shanghainese",),
    "thai": ("thai",),
    "tibetan": ("tibetan",),
    "turkish": ("turkish",),
    "ukrainian": ("ukrainian",),
    "uzbek": ("uzbek",),
    "vietnamese": ("vietnamese",),
}
# Dishes and kinds of place, each with the OSM values that serve it.
_DISHES: dict[str, tuple[str, ...]] = {
    r"sushi|sashimi|maki": ("sushi", "japanese"),
    r"ramen": ("ramen", "japanese", "noodle"),
    r"izakaya|yakitori|tempura|teriyaki|udon|shabu[- ]shabu": ("japanese",),
    r"dim ?sum|dumplings?|bao": ("dim_sum", "chinese", "dumpling"),
    r"noodles?|wok": ("noodle", "asian", "chinese", "wok"),
    r"pho|banh mi": ("vietnamese",),
    r"pad thai|tom yum": ("thai",),
    # the dish first: a meal's cuisine values are in order of preference (the engine takes the first where served)
    r"curry|curries|tandoori|biryani|masala": ("curry", "indian", "nepalese"),
    r"momos?": ("nepalese", "tibetan"),
    r"kebabs?|doner|d[oö]ner|shawarma|gyros": ("kebab", "turkish", "middle_eastern", "greek"),
    r"falafel|hummus|mezze|meze": ("falafel", "middle_eastern", "lebanese"),
    r"pizzas?|pizzeria": ("pizza", "italian"),
    r"pasta|risotto|trattoria": ("italian", "pasta"),
    r"tacos?|burritos?|nachos|quesadillas?": ("mexican", "tex-mex", "tacos"),
    r"tapas|paella": ("spanish", "tapas"),
    r"burgers?|hamburgers?|cheeseburgers?": ("burger",),
    r"steaks?|steakhouse|steak house": ("steak_house",),
    r"seafood|fish|oysters?|shrimps?|salmon|lobsters?|crabs?|mussels": ("seafood", "fish", "fish_and_chips"),
    r"fish and chips|fish & chips": ("fish_and_chips", "british"),
    r"bbq|barbecue|barbeque|smokehouse": ("barbecue", "bbq"),
    r"korean bbq|bibimbap|kimchi": ("korean",),
    r"sandwich(?:es)?": ("sandwich",),
    r"salads?|poke(?: bowl)?s?": ("salad", "poke"),
    r"crepes?|pancakes?": ("crepe", "pancake"),
    r"hot ?dogs?": ("hot_dog",),
    r"fried chicken|wings": ("chicken",),
    r"soups?": ("soup",),
    r"bubble tea|boba": ("bubble_tea",),
    r"donuts?|doughnuts?": ("donut",),
    r"buffet": ("buffet",),
    r"fine dining|gourmet|tasting menu": ("fine_dining",),
    r"local food|local cuisine|traditional food|reindeer|karelian pies?|lohikeitto": ("finnish", "regional", "nordic"),
    r"fondue|raclette": ("swiss", "fondue", "cheese", "regional"),
    r"k[aä]e?skn[oö]e?pfle|k[aä]e?sesp[aä]e?tzle": ("regional",),
    # "a traditional local lunch", "regional specialities": the region's own food, whatever the region
    r"(?:local|traditional)(?: local)? (?:lunch|dinner|meal|dish(?:es)?|specialit(?:y|ies)|fare)|"
    r"regional (?:food|cuisine|lunch|dinner|meal|dish(?:es)?|specialit(?:y|ies)|fare)": ("regional",),
}
# Finnish, Swedish, German and French adjectives of the same cuisines, as stems: "nepalilaista ruokaa",
# "japansk mat", "thailändisches Abendessen" (folded: "thailandisches"), "cuisine japonaise"
_LOCAL_STEMS: dict[str, tuple[str, ...]] = {
    "japanese": ("japanilai", "japansk", "japanisch", "japonais"),
    "chinese": ("kiinalai", "kinesisk", "chinesisch", "chinois"),
    "indian": ("intialai", "indisk", "indisch", "indien"),
    "nepalese": ("nepalilai", "nepalesisk", "nepalesisch", "nepalais"),
    "thai": ("thaimaalai", "thailandsk", "thailandisch", "thailandais"),
    "italian": ("italialai", "italiensk", "italien"),  # "italien" is German's and French's stem
    "mexican": ("meksikolai", "mexikansk", "mexikanisch", "mexicain"),
    "vietnamese": ("vietnamilai", "vietnamesisk", "vietnamesisch", "vietnamien"),
    "turkish": ("turkkilai", "turkisk", "turkisch", "turque"),
    "greek": ("kreikkalai", "grekisk", "griechisch", "grec"),
    "french": ("ranskalai", "fransk", "franzosisch", "francais"),
    "spanish": ("espanjalai", "spansk", "spanisch", "espagnol"),
    "korean": ("korealai", "koreansk", "koreanisch", "coreen"),
    "swiss": ("schweizer",),
    "austrian": ("osterreichisch",),
    "german": ("deutsch", "allemand"),
    "lebanese": ("libanonilai", "libanesisk", "libanais"),
    "american": ("amerikkalai", "amerikansk", "americain"),
    "finnish": ("suomalai", "finsk"),
    "russian": ("venalai", "rysk", "russe"),
    "georgian": ("georgialai", "georgisk", "georgien"),
    "ethiopian": ("etiopialai", "etiopisk", "ethiopien"),
}
_FOOD_NOUN = (
    r"(?:ruoka\w*|ravintola\w*|lounas\w*|lounaa\w*|\w*illalli\w*|mat|maten|restaurang\w*|"
    r"essen|mittagessen|abendessen|kuche|kueche|kost|kuchen|"
    r"resto|repas|dejeuner|souper|plats?|specialites?|"
    r"food|cuisine|restaurants?|resturants?|restaraunts?|places?|spots?|lunch|dinner|supper|breakfast|brunch|meal|"
    r"dishes|bite|takeaway|"
    r"take-away|kitchen|eatery|diner|bistro|joint)"
)
_FOOD_LEAD = (
    r"(?:for|some|something|somewhere|any|eat|eating|fancy|craving|crave|like|love|want|try|authentic|"
    r"feeling|mood for)"
)


@dataclass(frozen=True)
class CuisineWish:
    """A food wish: the words said and the OSM cuisine values that serve it."""

    said: str
    values: tuple[str, ...]
    start: int

    @property
    def label(self) -> str:
        """How the wish is named to the traveller ("sushi", "Georgian food")."""
        english = self.values[0] if self.values and self.values[0] in _LOCAL_STEMS else None
        if english and not any(re.search(rf"\b{re.escape(a)}\b", self.said) for a in _REGIONAL.get(english, ())):
            return f"{english.capitalize()} food"  # "libanais" said: "Lebanese food", in the words of the answer
        return cuisine_label(self.said)


def cuisine_label(said: str) -> str:
    word = said.strip()
    return f"{word[:1].upper()}{word[1:]} food" if word in {a for v in _REGIONAL.values() for a in v} else word


def read_cuisines(text: str, *, region_cuisines: frozenset[str] = frozenset()) -> list[CuisineWish]:
    """The food wishes of ``text`` (folded), in the order said, negated ones left out.

    An adjective ("italian") counts next to a food word or after a lead word ("some Nepalese",
    "Italian for dinner"); a dish ("sushi", "a kebab") counts anywhere. Values of the region's
    catalogue that are not in the built-in table count when named with a food word.
    """
    text = _emoji(text)
    found: list[CuisineWish] = []
    meal_said = re.search(rf"\b{_FOOD_NOUN}\b", text) is not None

    def negated(start: int) -> bool:
        return (
            re.search(
                r"\b(?:no|not|without|avoid|hate|don'?t (?:want|like)|skip|except)\b(?: \w+){0,2} $",
                text[max(0, start - 30) : start],
            )
            is not None
        )

    for pattern, values in _DISHES.items():
        found.extend(
            CuisineWish(match.group(0), values, match.start())
            for match in re.finditer(rf"\b(?:{pattern})\b", text)
            if not negated(match.start())
        )
    adjectives = {a: value for value, words in _REGIONAL.items() for a in words}
    for value in region_cuisines - _NOT_CUISINES:
        adjectives.setdefault(value.replace("_", " "), value)
    patterns = [(rf"\b{re.escape(a)}\b", a) for a in sorted(adjectives, key=len, reverse=True)]
    for value, stems in _LOCAL_STEMS.items():
        patterns.extend((rf"\b{stem}\w*", value) for stem in stems)
        adjectives.setdefault(value, value)
    for pattern, adjective in patterns:
        for match in re.finditer(pattern, text):
            after = text[match.end() : match.end() + 25]
            before = text[max(0, match.start() - 25) : match.start()]
            if not (
                re.match(rf"\s*(?:\w+\s+){{0,2}}{_FOOD_NOUN}\b", after)
                or re.search(rf"\b{_FOOD_LEAD}\s+(?:some\s+)?$", before)
                # French puts the adjective after its noun: "un restaurant italien", "cuisine japonaise"
                or (adjective in _LOCAL_STEMS and re.search(rf"\b{_FOOD_NOUN}\s+$", before))
                or re.match(r"\s*(?:for|at) (?:lunch|dinner|supper|breakfast|brunch)\b", after)
                or (meal_said and adjective in _STRONG_ADJECTIVES)
            ):
                continue
            if not negated(match.start()):
                value = adjectives[adjective]
                extra = ("persian", "iranian") if value in {"persian", "iranian"} else ()
                found.append(CuisineWish(match.group(0), tuple(dict.fromkeys((value, *extra))), match.start()))
    # "thai curry", "japanese noodles": a dish said after a cuisine is that cuisine's, not a wish of its own
    adjective_ends = {w.start + len(w.said) for w in found if w.values and w.said in adjectives}
    found = [w for w in found if not (w.said not in adjectives and w.start - 1 in adjective_ends)]
    # the longest words win where two readings overlap ("korean bbq" over "bbq")
    wishes: list[CuisineWish] = []
    for wish in sorted(found, key=lambda w: (-len(w.said), w.start)):
        end = wish.start + len(wish.said)
        if all(end <= w.start or wish.start >= w.start + len(w.said) for w in wishes):
            wishes.append(wish)
    return sorted(wishes, key=lambda w: w.start)


_EMOJI = {
    "🍕": " pizza ",
    "🍣": " sushi ",
    "🍔": " burger ",
    "🌮": " tacos ",
    "🍜": " ramen ",
    "🥙": " kebab ",
    "🍝": " pasta ",
}
# Values of the cuisine key that are diets or drinks, not a kind of food to ask for.
_NOT_CUISINES = frozenset(
    {"vegan", "vegetarian", "coffee_shop", "tea", "tee", "juice", "cake", "ice_cream", "regional"}
)
# Adjectives that name a cuisine whenever a meal is asked for in the same words.
_STRONG_ADJECTIVES = frozenset(
    a for v, words in _REGIONAL.items() if v not in {"british", "american", "finnish", "nordic"} for a in words
)


def _emoji(text: str) -> str:
    for emoji, word in _EMOJI.items():
        text = text.replace(emoji, word)
    return text


def food_words() -> frozenset[str]:
    """Single words that name a cuisine ("american", "indian"): never the name of one place."""
    french = {f"{stem}{end}" for stem in (s for stems in _LOCAL_STEMS.values() for s in stems) for end in _FR_ENDS}
    return (
        frozenset(a for words in _REGIONAL.values() for a in words if " " not in a)
        | frozenset(_REGIONAL)
        | frozenset(w for w in french if re.fullmatch(_FR_ADJECTIVE, w))
    )


# French forms of the adjectives ("japonaise", "italienne", "grecque"): food words, never a place's name
_FR_ENDS = ("", "e", "s", "es", "ne", "nes", "que")
_FR_ADJECTIVE = (
    r"(?:japonais|chinois|indien|nepalais|thailandais|italien|mexicain|vietnamien|turque?|grec|francais|espagnol|"
    r"coreen|libanais|americain|russe|georgien|ethiopien|allemand)(?:e|ne|que)?s?"
)
