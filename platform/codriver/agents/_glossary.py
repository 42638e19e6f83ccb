"""The words of place names in the languages OSM names places in, for descriptions said in English.

A visitor says "the Old Church", "Holy Trinity Church" or "the railway station square"; the map
names them "Vanha kirkko", "Pyhän Kolminaisuuden kirkko" and "Rautatientori", with no English
name. :func:`covers` tells whether a place's own name says what the English words say, word by
word, through the stems below: the common words of European place names (kinds, old/new, holy,
city...) in Finnish, Swedish, Danish/Norwegian, German, Dutch, French, Spanish, Italian,
Portuguese and Polish, written folded (no accents, lower case) as :func:`fold` writes names.

Stems match the start of a name's word ("vanha" of "vanhan"), or, when six letters or more,
anywhere inside a compound ("kirkko" of "tuomiokirkko"), so inflected and compound names are
found. The list is ours, written from general knowledge of these languages; it is small on
purpose: a word that is not here is matched as said, in English.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from codriver.tools.geocoding import fold

__all__ = ["covers", "looks_local", "names_kind", "phrases"]

_STEMS: dict[str, str] = {
    # kinds of place
    "church": "kirkko kirkon kyrka kyrko kirke kirche eglise iglesia chiesa kerk kosciol igreja",
    "cathedral": "tuomiokirk domkyrk domkirke dom kathedrale cathedrale catedral cattedrale duomo katedra",
    "chapel": "kappeli kapell kapelle chapelle capilla cappella kapel kaplica capela",
    "crypt": "krypta crypte cripta",
    "square": "tori torg platz place plaza piazza plein rynek praca aukio",
    "market": "tori torg kauppa markt marche mercado mercato rynek",
    "market hall": "kauppahalli saluhall markthal markthalle halles mercado mercato",
    "park": "puisto park parc parque parco",
    "garden": "puutarha tradgard garten jardin giardino tuin ogrod",
    "gardens": "puutarha tradgard garten jardin giardino tuin ogrod",
    "museum": "museo musee museum muzeum",
    "gallery": "galleria galleri galerie galeria",
    "library": "kirjasto bibliotek bibliothek bibliotheque biblioteca bibliotheek biblioteka",
    "theatre": "teatteri teater theater theatre teatro teatr",
    "theater": "teatteri teater theater theatre teatro teatr",
    "opera": "ooppera opera oper",
    "concert hall": "konserttitalo konserthus konzerthaus musiikkitalo",
    "station": "asema station bahnhof gare estacion stazione dworzec",
    "railway": "rautatie jarnvag jernbane bahn spoorweg ferrovi chemin",
    "railway station": "rautatie jarnvag jernbane bahnhof gare estacion stazione station dworzec",
    "harbour": "satama hamn havn hafen port puerto porto haven",
    "harbor": "satama hamn havn hafen port puerto porto haven",
    "island": "saari saaren insel ile isla isola eiland wyspa",
    "bridge": "silta bron brucke pont puente ponte brug most",
    "castle": "linna slott schloss burg chateau castillo castello kasteel zamek",
    "fortress": "linnoitus fastning festung forteresse fortaleza fortezza vesting twierdza",
    "tower": "torni tornet turm tour torre toren wieza",
    "town hall": "kaupungintalo raatihuone stadshus radhus rathaus ayuntamiento municipio stadhuis ratusz",
    "city hall": "kaupungintalo raatihuone stadshus radhus rathaus ayuntamiento municipio stadhuis ratusz",
    "palace": "palatsi palats palast palais palacio palazzo paleis palac",
    "car": "voitur automobil coche macchin",
    "university": "yliopisto universitet universitat universite universidad universita universiteit uniwersytet",
    "zoo": "elaintarha djurpark dyrepark tierpark zoo",
    "cemetery": "hautausmaa kyrkogard kirkegard friedhof cimetiere cementerio cimitero begraafplaats cmentarz",
    "monument": "muistomerk minnesmarke denkmal monument monumento gedenk pomnik",
    "memorial": "muistomerk minnesmarke denkmal memorial gedenk pomnik",
    "statue": "patsas staty statue estatua statua standbeeld pomnik",
    "fountain": "suihkulahde fontan brunnen fontaine fuente fontana fontein",
    "puppet theatre": "nukketeatteri dockteater puppentheater poppentheater marionnett",
    "puppet": "nukke docka dukke puppe marionnett titere burattin poppen lalk",
    "hill": "maki maen backe bakke hugel colline colina collina heuvel wzgorze",
    # what a place is like
    "old": "vanha gaml gamle alt vieux vieil vieill viej vecch oud stary stare velh",
    "new": "uusi uuden nya nye neu nouv nuev nuov nieuw nowy novo nova",
    "holy": "pyha helig heilig saint sainte santa santo sint swiet",
    "trinity": "kolminaisuu treenighet trefaldighet trefoldighed dreifaltigkeit trinit trinidad drievuldigheid",
    "city": "kaupungin kaupunki stads stadt ville ciudad citta stad miasto cidade",
    "national": "kansallis nationa nazional narodow landes",
    "state": "valtion landes staats etat estado stato",
    "postal": "posti post postes poste correos",
    "stamp": "postimerk frimark frimerk briefmark post timbre sello francobol",
    "wine": "viini vin wein vino wijn",
    "cellar": "kellari kallare kaelder keller cave bodega cantina kelder",
    "geographic": "maantiet geograf",
    "geographical": "maantiet geograf",
    "centre": "keskus centrum zentrum mittelpunkt centre centro",
    "center": "keskus centrum zentrum mittelpunkt centre centro",
    "roman": "roomalai romersk romisch romer romain romano rzymsk",
    "road": "tie vag vej strasse weg route camino strada droga",
    "ruin": "raunio ruin ruine ruina rovina",
    "ruins": "raunio ruin ruine ruina rovina",
    "rhine": "rhein rhin reno rijn ren",
    "prince": "prinssi furst prince principe prins ksiaz",
    "ski": "hiihto skid ski",
    "central": "keskus central zentral centrale centraal",
    "rock": "kallio fels roche roca roccia rots skala",
    "plague": "rutto pest peste dzum",
    "art": "taide konst kunst beaux arte",
    "music": "musiikki musik musique musica muziek muzyki",
    "money": "raha pengar penge geld monnaie dinero denaro",
    "citizens": "kansalais medborgar burger citoyen ciudadan cittadin",
    "rooster": "kukko tupp hahn coq gallo haan",
    "sculpture": "veistos patsas skulptur staty plastik sculpture escultura scultura beeld rzezba",
    "moomin": "muumi mumin",
    "cafe": "kahvila kahvio kafe kaffe cafe caffe koffie kawiarnia",
    "restaurant": "ravintola restaurang restaurant ristorante restaurante restauracja",
    "glass": "lasi glas verre vidrio vetro szklan",
    "bank": "pankki pankin banken banque banco banca",
    "finland": "suomen suomi finlands finnland finlande finlandia",
    "newspaper": "paivaleh sanomaleh tidning zeitung journal periodico giornale krant gazet",
    "natural history": "luonnontiet naturhistor naturelle naturale",
    "botanic": "kasvitiet botanisk botanisch botanique botanic",
    "botanical": "kasvitiet botanisk botanisch botanique botanic",
}
_INFLECTION = 3  # letters of a case or article ending: "kirkon", "torget", "parken"
_SHORT_INSIDE = 6  # letters a stem needs to be found inside a compound word rather than at a word's start


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, ...], tuple[str, ...]]:
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for english, stems in _STEMS.items():
        table[tuple(english.split())] = tuple(dict.fromkeys(fold(s) for s in stems.split()))
    return table


def phrases(words: Sequence[str]) -> list[tuple[str, ...]]:
    """The description's words grouped into the glossary's phrases, longest first ("railway station", "square")."""
    table = _table()
    longest = max(len(k) for k in table)
    out: list[tuple[str, ...]] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            key = tuple(words[i : i + n])
            if n == 1 or key in table:
                out.append(key)
                i += n
                break
    return out


# Stems that are also English words or endings: an English word ending in them says nothing
_ENGLISH = frozenset(
    {
        "park",
        "museum",
        "station",
        "theater",
        "theatre",
        "opera",
        "port",
        "dom",
        "zoo",
        "place",
        "tour",
        "torre",
        "central",
        "national",
        "art",
        "city",
        "old",
        "new",
        "monument",
        "memorial",
        "statue",
        "crypt",
        "gallery",
        "galleri",
        "palace",
        "chapel",
        "bridge",
        "brug",
        "most",
        "market",
        "markt",
        "plaza",
        "piazza",
        "strand",
        "have",
        "hamn",
        "burg",
        "universitet",
        "rock",
        "roche",
        "saint",
        "santa",
        "santo",
        "sint",
        "nova",
        "novo",
        "bahn",
    }
)
_INFLECTED_MIN = 8  # letters of a word whose last two may change as it inflects
_LOCAL_MIN = 7  # letters of a word that may be a compound name


@lru_cache(maxsize=1)
def _local_heads() -> tuple[str, ...]:
    return tuple(
        sorted(
            {stem for stems in _table().values() for stem in stems if len(stem) >= 4 and stem not in _ENGLISH},
            key=len,
            reverse=True,
        )
    )


def looks_local(word: str) -> bool:
    """Whether a folded word reads as a compound place name of a European language: a word of its
    own and then a kind ("suomenlinna" ends in linna, castle; "korkeasaari" in saari, island)."""
    if len(word) < _LOCAL_MIN or not word.isalpha():
        return False
    return any(word.endswith(head) and len(word) - len(head) >= 3 for head in _local_heads())


def _stem_in(stem: str, tokens: Iterable[str]) -> bool:
    return any(t.startswith(stem) or (len(stem) >= _SHORT_INSIDE and stem in t) for t in tokens)


def names_kind(word: str, token: str) -> bool:
    """Whether a name's word (folded) is the kind said in English: "palais" is a "palace", "kirkko" a "church"."""
    return token == word or _head(_table().get((word,), ()), token)


def _head(stems: Iterable[str], last_token: str) -> bool:
    """Whether the name's last word is of this kind: it is the kind's word, inflected, or a compound ending in it."""
    for stem in stems:
        if last_token.startswith(stem) and len(last_token) - len(stem) <= _INFLECTION:
            return True
        if len(stem) >= 4 and last_token.endswith(stem):
            return True
    return False


def covers(words: Sequence[str], alias_tokens: Sequence[str], descriptors: frozenset[str]) -> bool:
    """Whether a name (its folded words) says every word of an English description ending in its kind.

    "old church" covers "vanha kirkko" but not "vanha kirkkopuisto" (a park: a compound word is of
    the kind of its last part, "puisto"), unless the place's tags say it is a church. A word the glossary
    lacks must be in the name as it is.
    """
    groups = phrases(words)
    if not alias_tokens or not groups or (len(groups) == 1 and len(groups[0]) == 1):
        return False
    table = _table()
    *qualifiers, kind = groups
    kind_stems = table.get(kind, (" ".join(kind),))
    if not (" ".join(kind) in descriptors or any(_head(kind_stems, token) for token in alias_tokens)):
        return False
    return all(_stem_in_any(table.get(group) or _as_said(group), alias_tokens) for group in qualifiers)


def _as_said(group: tuple[str, ...]) -> tuple[str, ...]:
    """A word the glossary lacks, as said and, when long, without its last letters, as names inflect:
    "Hakaniemi" is "hakaniemen", "Töölönlahti" "töölönlahden"."""
    word = " ".join(group)
    if len(word) >= _INFLECTED_MIN:
        return (word, word[:-1], word[:-2])
    return (word, word[:-1]) if len(word) >= _SHORT_INSIDE else (word,)


def _stem_in_any(stems: Iterable[str], tokens: Sequence[str]) -> bool:
    return any(_stem_in(stem, tokens) for stem in stems)
