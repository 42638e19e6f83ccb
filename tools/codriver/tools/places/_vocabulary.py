"""The catalogue's vocabulary, free of heavy imports (``codriver pois --help`` lists it).

Place categories, charging connectors and diets, with the OSM tags that map onto them:
the region importer (``codriver.regions.catalogue``) classifies with these tables, and the
tools validate their arguments against the same names.
"""

from __future__ import annotations

__all__ = ["CATEGORIES", "CONNECTORS", "DIETS", "OSM_CATEGORIES", "OSM_SOCKETS"]

# OSM (key, value) -> (category, subcategory). Subcategory None means "the value itself".
OSM_CATEGORIES: dict[tuple[str, str], tuple[str, str | None]] = {
    ("amenity", "restaurant"): ("restaurant", None),
    ("amenity", "cafe"): ("cafe", None),
    ("amenity", "ice_cream"): ("cafe", "ice_cream"),
    ("shop", "bakery"): ("cafe", "bakery"),
    ("amenity", "fast_food"): ("fast_food", None),
    ("amenity", "food_court"): ("fast_food", "food_court"),
    ("amenity", "bar"): ("bar", None),
    ("amenity", "pub"): ("bar", "pub"),
    ("amenity", "biergarten"): ("bar", "biergarten"),
    ("amenity", "nightclub"): ("bar", "nightclub"),
    ("tourism", "museum"): ("museum", None),
    ("tourism", "gallery"): ("gallery", None),
    ("amenity", "arts_centre"): ("gallery", "arts_centre"),
    ("tourism", "attraction"): ("attraction", None),
    ("tourism", "theme_park"): ("attraction", "theme_park"),
    ("tourism", "zoo"): ("attraction", "zoo"),
    ("tourism", "aquarium"): ("attraction", "aquarium"),
    ("leisure", "water_park"): ("attraction", "water_park"),
    ("tourism", "artwork"): ("artwork", None),
    ("tourism", "viewpoint"): ("viewpoint", None),
    ("leisure", "park"): ("park", None),
    ("leisure", "garden"): ("park", "garden"),
    ("leisure", "nature_reserve"): ("park", "nature_reserve"),
    ("tourism", "picnic_site"): ("park", "picnic_site"),
    ("leisure", "playground"): ("playground", None),
    ("natural", "beach"): ("beach", None),
    ("leisure", "beach_resort"): ("beach", "beach_resort"),
    ("amenity", "theatre"): ("entertainment", "theatre"),
    ("amenity", "cinema"): ("entertainment", "cinema"),
    ("amenity", "concert_hall"): ("entertainment", "concert_hall"),
    ("amenity", "library"): ("library", None),
    ("amenity", "place_of_worship"): ("place_of_worship", None),
    ("tourism", "hotel"): ("hotel", None),
    ("tourism", "hostel"): ("hotel", "hostel"),
    ("tourism", "guest_house"): ("hotel", "guest_house"),
    ("tourism", "motel"): ("hotel", "motel"),
    ("tourism", "apartment"): ("hotel", "apartment"),
    ("tourism", "camp_site"): ("campsite", None),
    ("tourism", "caravan_site"): ("campsite", "caravan_site"),
    ("amenity", "fuel"): ("fuel", None),
    ("amenity", "charging_station"): ("charging_station", None),
    ("shop", "supermarket"): ("supermarket", None),
    ("shop", "convenience"): ("supermarket", "convenience"),
    ("amenity", "pharmacy"): ("pharmacy", None),
    ("amenity", "toilets"): ("toilets", None),
    ("amenity", "parking"): ("parking", None),
    # Town squares: a start, an end or a sight people name ("from Kauppatori", "Senate Square").
    ("place", "square"): ("square", None),
}
#: Every category a catalogue place can have ("historic" is given to any historic=* feature).
CATEGORIES: tuple[str, ...] = tuple(sorted({c for c, _ in OSM_CATEGORIES.values()} | {"historic"}))

# OSM socket keys -> our connector names.
OSM_SOCKETS: dict[str, str] = {
    "type2": "type2",
    "type2_cable": "type2",
    "type2_combo": "ccs",
    "type1_combo": "ccs",
    "chademo": "chademo",
    "tesla_supercharger": "tesla",
    "tesla_supercharger_ccs": "ccs",
    "tesla_destination": "tesla",
    "tesla_standard": "tesla",
    "nacs": "tesla",
    "type1": "type1",
    "schuko": "schuko",
    "typee": "schuko",
    "typef": "schuko",
    "cee_blue": "cee",
    "cee_red_16a": "cee",
    "cee_red_32a": "cee",
    "cee_red_63a": "cee",
    "cee_red_125a": "cee",
    "type3c": "type3",
    "gb_ac": "gbt",
    "gb_dc": "gbt",
}
CONNECTORS: tuple[str, ...] = tuple(sorted(set(OSM_SOCKETS.values())))

# The diet:* keys the catalogue keeps.
DIETS: tuple[str, ...] = ("gluten_free", "halal", "kosher", "lactose_free", "vegan", "vegetarian")
