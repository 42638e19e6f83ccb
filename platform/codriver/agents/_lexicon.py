"""Words the request reader knows: interests, diets, meals, numbers, weekdays.

Patterns are matched against folded text (lower case, no accents); ``\\b`` anchors keep
"bar" from matching "barbecue". Each entry maps a pattern to a catalogue category or
a diet tag of ``TripRequest``.
"""

from __future__ import annotations

import re
from datetime import time

__all__ = [
    "AVOID_CUES",
    "CAME_FROM",
    "DIET_WORDS",
    "INTEREST_WORDS",
    "MEAL_WINDOWS",
    "MEAL_WORDS",
    "MISSING_KINDS",
    "NUMBER_WORDS",
    "SPECIAL_ATTRACTIONS",
    "WEEKDAYS",
]

INTEREST_WORDS: dict[str, str] = {
    r"museums?|(?<!street )(?<!public )art(?:s|sy|y)?(?! museum| galler)|culture|cultural|(?:old )?paintings|"
    r"museo\w*|museer\w*|taide(?!museo)\w*|konst(?!ig)\w*|musees?": "museum",
    r"exhibitions?": "museum",
    r"(?<!street )(?<!public )art(?:s|sy|y)?|galler(?:y|ies)|paintings?|culture|cultural|"
    r"galleri\w*|taide(?!museo)\w*|konst(?!ig|museum)\w*|exhibitions?|galeries? d'art|expositions?": "gallery",
    # "park" the place, not the verb ("where we can park", "park near the museum") nor a car park
    r"(?<!car )(?<!to )(?<!can )(?<!amusement )(?<!theme )(?<!water )(?<!caravan )(?<!rv )(?<!trampoline )(?<!trailer )"
    r"parks?(?! the car| near| nearby| close)|"
    r"gardens?|green spaces?|(?:something|somewhere) green|greenery|outdoors|be outdoor|nature|fresh air|"
    r"walk in the park|picnic|patch of grass|grassy|lawns?|"
    r"(?:the )?dogs? (?:can )?(?:run|play)|walk the dog|dog park|off (?:the )?lead|off[- ]leash|"
    r"stretch (?:our|my|the kids'?|their) legs|"
    r"(?:a|for a|go for a) (?:walk|stroll)|strolls?|stroll(?:ing)? (?:along|around|by|through)|"
    # French: "un parc", "les jardins", "une balade", "se promener"
    r"parcs|jardins|(?:un|le|au|du|des|les) (?:parc|jardin)|balade|promenade|se promener|espaces? verts?": "park",
    # zoos, aquariums and theme parks are attractions only where the region has one (see SPECIAL_ATTRACTIONS)
    r"sights?|sightseeing|attractions?|landmarks?|tourist spots?|market halls?|indoor markets?|"
    r"(?:christmas|food|street|farmers'?|outdoor) markets?|"
    r"nahtavyy\w*|must[- ]sees|must[- ]see (?:things|places|sights|spots)|top sights|(?:the )?highlights|"
    r"things to see|what to see": "attraction",
    r"histor(?:y|ic|ical)(?! museums?)|monuments?|memorials?|castles?|fortress|historiques?|chateaux?|"
    r"architecture|(?:old|historic|historical) buildings|heritage": "historic",
    r"views?|viewpoints?|panorama|panoramic|lookouts?|photo spots?|sunsets?|sunrise|"
    r"points? de vue|belvederes?|vue sur (?:la mer|le port)|coucher de soleil": "viewpoint",
    r"coffee|cafes?|cafe|espresso|pastr(?:y|ies)|cake|bakery|ice ?cream|gelato|hot chocolate|cocoa|tea room|"
    r"kahvi\w*|kahvila\w*|kaffe|fika|lattes?|cappuccinos?|flat whites?|americanos?|mochas?|a cuppa|"
    r"(?:(?<=a cup of )|(?<=some )|(?<=and )|(?<=afternoon )|(?<=high ))tea|"
    r"boulangerie|patisseries?|salon de the|un cafe|prendre un cafe|gouter|glaces?": "cafe",
    r"beers?|pints?|pubs?|bars?|drinks|a drink|cocktails?|wine|booze|nightlife|night ?clubs?|clubbing|nightcaps?|"
    r"olut\w*|oluet\w*|oluelle|kaljal\w*|baari\w*|baare\w*|pubi\w*|drinking|go(?:ing)? out for drinks|a night out|"
    r"bar ?hopping|un verre|boire un (?:verre|coup)|l'apero|apero|aperitif": "bar",
    r"playgrounds?|leikkipuisto\w*|lekplats\w*|lekpark\w*|swings|slides|climbing frames?|"
    r"(?:somewhere|a place|places?) (?:for the kids )?to play|"
    r"(?:kids|children) (?:can|could|want to|wanna|need to|to) (?:run around|play)|"
    r"burn off (?:some |their )?energy|let off (?:some )?steam|sandpits?|sandbox(?:es)?|"
    r"kiipeil\w*|keinu\w*|liukum\w*|hiekkalaatik\w*|aires? de jeux|jeux pour (?:les )?enfants": "playground",
    r"churche?s?|cathedrals?|chapels?|places? of worship|worship|mass|(?:church|sunday) services?|evensong|religious|"
    r"synagogues?|mosques?|temples?|"
    r"kyrk(?:a|or|orna|an)|kirkk?o\w*|eglises?|chapelles?|(?<!la )(?<!le )cathedrale": "place_of_worship",
    r"statues?|sculptures?|street art|public art|artworks?|graffiti|murals?": "artwork",
    r"theat(?:er|re)s?|cinemas?|movies?|films?|(?:a|puppet|magic|comedy|live) shows?|shows|concerts?|opera|ballet|"
    r"musicals?|elokuv\w*|leffa\w*|teatteri\w*|jazz|blues|stand-?up|(?:pa )?bio(?:n|graf\w*)?|"
    r"live music|gigs?|comedy(?: clubs?| nights?)?|puppets?|"
    r"(?:see|watch|catch) (?:a|the) play|theatre plays?": "entertainment",
    r"beach(?:es)?|swim(?:ming)?(?! pools?| halls?| baths?)|plages?|(?:se )?baigner|baignade": "beach",
    r"librar(?:y|ies)|(?<!english )(?<!second-hand )(?<!used )(?<!comic )books|"
    r"(?:somewhere|a place|place) (?:quiet )?to read|reading rooms?|"
    r"kirjasto\w*|bibliotek\w*|bibliotheques?": "library",
    r"chemists?|pharmac(?:y|ies)|drugstores?|apteek\w*|pharmacies?": "pharmacy",
    r"groceries|grocery(?: store| shop)?|supermarkets?|food shop|\w+kauppa(?:an|ssa|a)?|matbutik\w*|"
    r"(?:somewhere|a place|a shop) to buy (?:the |some )?(?:food|groceries|snacks|bread|milk)|"
    r"supermarches?|epiceries?|faire les courses": "supermarket",
    r"loo|toilets?|restrooms?|bathroom|wc|washroom|vessa\w*|toilettes": "toilets",
    r"camping|campsites?|camp ?sites?|caravan parks?|rv parks?|somewhere to camp|leirinta\w*": "campsite",
    r"squares|town squares?|plazas?|market squares?|(?:a|one) square(?: or two)?(?! meal)": "square",
    # a bed for the night: a kind the catalogue has (tourism=hotel), asked for as such
    r"(?:a|an|need a|find a|book a|cheap|some) (?:\w+ )?(?:hotels?|hostels?)(?! bar| restaurant| cafe| lobby)|"
    r"hotel for the night|somewhere to (?:sleep|stay)(?: the night| tonight)?|a place to stay|"
    r"accommodation|a room for the night": "hotel",
    r"(?:gas|petrol|filling|fuel) stations?|refuel(?:l?ing)?|fill up the tank|gas up|"
    r"(?:need|get|buy) (?:some )?(?:fuel|petrol|diesel|gas)": "fuel",
    r"restaurants?|fine dining|good food|foodie": "restaurant",
    r"fast food|street food|junk food": "fast_food",
    r"parking (?:garages?|lots?|places?|spaces?|spots?|house)|car parks?|multi-storey|somewhere to park|"
    r"(?:a )?place to park|(?:somewhere|a place|where) to leave the car": "parking",
}

# Kinds of place people ask for that the catalogue has no category for: said as not possible, never dropped.
MISSING_KINDS = (
    r"saunas?|spas?|shopping|shops?|\w+shops?|bookstores?|souvenirs?|boutiques?|malls?|flea markets?|"
    r"bowling(?: alleys?)?|escape rooms?|karaoke|casinos?|gyms?|(?<!petrol )(?<!diesel )(?<!vw )(?<!volkswagen )golf|"
    r"tennis(?: courts?)?|"
    r"record (?:stores?|shops?)|petting (?:farms?|zoos?)|"
    r"ice skating|skating rinks?|ski(?:ing)?|climbing walls?|bouldering|swimming pools?|hot tubs?|massages?|"
    r"sledding|sledging|tobogganing|toboggan runs?|sled(?:ding)? hills?|swimming halls?|swimming baths|"
    r"uimahall\w*|indoor pools?|arcades?|amusement arcades?|trampoline parks?|"
    r"airports?|"
    # errands and services no catalogue category covers: said, never dropped without a word
    r"laundr(?:omat|ette|y)s?|atms?|cash ?machines?|cashpoints?|planetari(?:um|a)s?|science cent(?:re|er)s?|"
    r"shoe repairs?|car washe?s?|hairdressers?|barbers?|dentists?|"
    r"pesula\w*|pankkiautomaat\w*|tvattomat\w*|uttagsautomat\w*"
)
# Kinds of attraction a region may or may not have (OSM tourism=zoo, aquarium, theme_park, the place's descriptors):
# an attraction wish where the region has one, said as not possible where it has none.
SPECIAL_ATTRACTIONS: dict[str, str] = {
    r"zoos?|wildlife(?: park)?|animal park|animals": "zoo",
    r"aquariums?|sea life": "aquarium",
    r"amusement parks?|theme parks?|funfairs?|fairgrounds?|water parks?": "theme_park",
}

DIET_WORDS: dict[str, str] = {
    # Finnish, Swedish, German and French words too, compounds included ("kasvisillallinen": a vegetarian dinner)
    r"vegan|plant[- ]based|vegaani\w*|vegansk\w*|vegane[nrs]?|vegetalien\w*": "vegan",
    r"vegetarian|veggie|no meat|meat[- ]free|kasvis\w*|vegetaari\w*|vegetarisk\w*|vegetarisch\w*|vegetarien\w*|"
    r"sans viande": "vegetarian",
    r"halal": "halal",
    r"kosher|casher|cacher|kasher": "kosher",
    r"gluten[- ]free|coeliac|celiac|no gluten|gluteeniton\w*|glutenfri\w*|glutenfrei\w*|sans gluten|"
    r"coeliaque": "gluten_free",
    r"lactose[- ]free|dairy[- ]free|no dairy|lactose intolerant|laktoositon\w*|laktosfri\w*|laktosefrei\w*|"
    r"sans lactose": ("lactose_free"),
}

MEAL_WORDS: dict[str, str] = {
    r"breakfast|aamiai\w*|aamupala\w*|frukost\w*|fruhstuck\w*|petit[- ]dej(?:euner)?": "breakfast",
    r"brunch|brunssi\w*": "lunch",
    # "lounaaksi" (for lunch), "kasvisillallinen" (vegetarian dinner), "middagen": Finnish and Swedish
    r"lunch|lounas\w*|lounaa\w*|\w+lounas|mittagessen|mittag|(?<!petit-)(?<!petit )dejeuner|dej": "lunch",
    r"dinner|supper|evening meal|\w*illalli\w*|paivalli\w*|middag\w*|abendessen|abendbrot|nachtessen|"
    r"zu abend essen|souper|"
    # French "dîner" (folded "diner"), not the American diner: after a French word or before one
    r"(?<=le )diner|(?<=du )diner|(?<=au )diner|(?<=pour )diner|(?<=et )diner|(?<=un )diner(?= (?:\w+ )?a )|"
    r"diner(?= (?:ce soir|vers|a \d|de |italien|japonais|chinois|indien|libanais|francais|gastronomique|romantique|"
    r"pour|avant|avec|en famille|au |chez|"
    r"vegetarien|vegetalien|vegan|\w+ (?:ce|a|au|vers|around|at|pour)\b))": "dinner",
}

# Default windows (local wall-clock) when a meal is wanted without a time.
MEAL_WINDOWS: dict[str, tuple[time, time]] = {
    "breakfast": (time(7, 30), time(10, 30)),
    "lunch": (time(11, 30), time(14, 30)),
    "dinner": (time(17, 30), time(21, 0)),
}

NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "couple of": 2,
    "both": 2,
    "twin": 2,
}

WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}

# Words that turn an interest into something to avoid when they stand right before it.
AVOID_CUES = (
    r"(?:no|not|avoid(?:ing)?|skip(?:ping)?|without|hate|don'?t (?:want|like)|nothing with|not into|except|ei|inte|"
    r"spare (?:me|us)|nothing|"
    r"apart from|other than|anything but|pas de|pas d'|sans|sauf|eviter|aucun)"
)

# "my sister is visiting from Tampere", "we just came from the park": where someone comes from is no trip start
CAME_FROM = re.compile(
    r"\b(?:visiting|visit|here|came|come|coming|arrived|arriving|drove|flew|flying|travell?ing|travell?ed|"
    r"friends?|family|relatives|sister|brother|parents|cousins?|guests?|visitors?|tourists?|people|someone|"
    r"colleagues?|is|are|am|i'm|we're|they're|he's|she's|originally|back|home|all the way|just got in)\s+$",
    re.IGNORECASE,
)
