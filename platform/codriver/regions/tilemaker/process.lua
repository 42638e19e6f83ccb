-- Codriver's basemap profile for tilemaker 2.x: a small schema of our own (see
-- config.json) with what a trip map needs under its route: water, green
-- areas, buildings, roads with their names, rails and place labels.

node_keys = { "place" }

local function set(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

local ROAD = {
  motorway = "motorway", motorway_link = "motorway", trunk = "trunk", trunk_link = "trunk",
  primary = "primary", primary_link = "primary", secondary = "secondary", secondary_link = "secondary",
  tertiary = "tertiary", tertiary_link = "tertiary",
  residential = "minor", unclassified = "minor", living_street = "minor", road = "minor",
  service = "service", pedestrian = "path", footway = "path", cycleway = "path", path = "path",
  steps = "path", track = "path", bridleway = "path",
}
local ROAD_MINZOOM = { motorway = 11, trunk = 11, primary = 11, secondary = 12, tertiary = 12, minor = 13, service = 14, path = 14 }
local ROAD_ORDER = { path = 1, service = 2, minor = 3, tertiary = 4, secondary = 5, primary = 6, trunk = 7, motorway = 8 }
local WATER_LANDUSE = set { "basin", "reservoir", "pond" }
local WATERWAY_LINE = set { "river", "stream", "canal", "drain", "ditch" }
local GREEN_LEISURE = set { "park", "garden", "pitch", "playground", "nature_reserve", "dog_park" }
local GREEN_LANDUSE = set { "grass", "forest", "meadow", "recreation_ground", "cemetery", "village_green", "allotments" }
local GREEN_NATURAL = set { "wood", "scrub", "heath", "grassland", "wetland" }
local PLACE_RANK = { city = 1, town = 2, suburb = 3, village = 3, quarter = 4, neighbourhood = 5, square = 6, locality = 6 }
local PLACE_MINZOOM = { city = 11, town = 11, suburb = 12, village = 12, quarter = 13, neighbourhood = 13, square = 14, locality = 14 }

function init_function()
end

function exit_function()
end

local function place_label(obj, place, centroid)
  local rank = PLACE_RANK[place]
  local name = obj:Find("name")
  if rank == nil or name == "" then return end
  if centroid then obj:LayerAsCentroid("place") else obj:Layer("place", false) end
  obj:Attribute("class", place)
  obj:Attribute("name", name)
  obj:AttributeNumeric("rank", rank)
  obj:MinZoom(PLACE_MINZOOM[place])
end

function node_function(node)
  place_label(node, node:Find("place"), false)
end

function way_function(way)
  local highway = way:Find("highway")
  local closed = way:IsClosed()
  local area = way:Find("area") == "yes"
  local road = ROAD[highway]
  if road ~= nil and not area then
    way:Layer("road", false)
    way:Attribute("class", road)
    local name = way:Find("name")
    if name ~= "" then way:Attribute("name", name) end
    local ref = way:Find("ref")
    if ref ~= "" then way:Attribute("ref", ref) end
    way:MinZoom(ROAD_MINZOOM[road])
    way:ZOrder(ROAD_ORDER[road])
  end

  local railway = way:Find("railway")
  if railway == "rail" or railway == "tram" or railway == "light_rail" or railway == "subway" then
    way:Layer("rail", false)
    way:Attribute("class", railway)
  end

  local waterway = way:Find("waterway")
  if WATERWAY_LINE[waterway] and not closed then
    way:Layer("waterway", false)
    way:Attribute("class", waterway)
    local name = way:Find("name")
    if name ~= "" then way:Attribute("name", name) end
  end

  if not closed then return end
  local natural = way:Find("natural")
  local landuse = way:Find("landuse")
  local leisure = way:Find("leisure")
  if natural == "water" or WATER_LANDUSE[landuse] or waterway == "riverbank" or waterway == "dock" then
    way:Layer("water", true)
    way:Attribute("class", natural ~= "" and natural or (landuse ~= "" and landuse or waterway))
  elseif GREEN_LEISURE[leisure] or GREEN_LANDUSE[landuse] or GREEN_NATURAL[natural] then
    way:Layer("green", true)
    local class = leisure ~= "" and leisure or (landuse ~= "" and landuse or natural)
    way:Attribute("class", class)
    local name = way:Find("name")
    if name ~= "" then way:Attribute("name", name) end
  end

  if way:Find("building") ~= "" and way:Find("building") ~= "no" then
    way:Layer("building", true)
  end

  place_label(way, way:Find("place"), true)
end
