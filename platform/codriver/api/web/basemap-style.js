// Codriver's own MapLibre style for the basemap's schema (platform/codriver/regions/tilemaker):
// water, green areas, buildings, roads by class with street names, rails, place labels.
// Quiet colours, so that the trip's route and markers drawn on top stand out. Labels use the
// glyphs the API draws from DejaVu Sans (GET /v1/fonts/{fontstack}/{range}.pbf).

const FONT = ["Codriver Sans"];
const FONT_BOLD = ["Codriver Sans Bold"];
const ROAD_COLOUR = {
  motorway: "#f2b35f", trunk: "#f6c870", primary: "#fbdc8a", secondary: "#fdeeb0", tertiary: "#ffffff",
  minor: "#ffffff", service: "#ffffff", path: "#f4efe6",
};
// line widths in px at zoom 13 and 18 (interpolated exponentially between)
const ROAD_WIDTH = {
  motorway: [2.5, 18], trunk: [2.5, 18], primary: [2.2, 16], secondary: [2, 14], tertiary: [1.6, 12],
  minor: [1, 10], service: [0.5, 6], path: [0.5, 2.5],
};

function byClass(table, fallback) {
  const match = ["match", ["get", "class"]];
  for (const [cls, value] of Object.entries(table)) match.push(cls, value);
  match.push(fallback);
  return match;
}

function widths(scale, extra) {
  const at = (i) => byClass(Object.fromEntries(Object.entries(ROAD_WIDTH).map(([c, w]) => [c, w[i] * scale + extra])), 1);
  return ["interpolate", ["exponential", 1.6], ["zoom"], 13, at(0), 18, at(1)];
}

/** The style for a region's TileJSON (from GET /v1/regions/{name}/tiles.json). */
export function basemapStyle(tilejson) {
  const road = (id, extra) => ({ id, type: "line", source: "osm", "source-layer": "road", ...extra });
  return {
    version: 8,
    name: "Codriver",
    glyphs: tilejson.glyphs,
    sources: {
      osm: {
        type: "vector",
        tiles: tilejson.tiles,
        minzoom: tilejson.minzoom,
        maxzoom: tilejson.maxzoom,
        bounds: tilejson.bounds,
        attribution: tilejson.attribution,
      },
    },
    layers: [
      { id: "background", type: "background", paint: { "background-color": "#f3f1ec" } },
      {
        id: "green", type: "fill", source: "osm", "source-layer": "green",
        paint: { "fill-color": byClass({ pitch: "#c6e5bd", playground: "#d5ecca", scrub: "#d3e4c3", heath: "#dfe8c8" }, "#cfe8c2") },
      },
      { id: "water", type: "fill", source: "osm", "source-layer": "water", paint: { "fill-color": "#a9d1ee" } },
      {
        id: "waterway", type: "line", source: "osm", "source-layer": "waterway",
        paint: { "line-color": "#a9d1ee", "line-width": ["interpolate", ["linear"], ["zoom"], 13, 1, 18, 4] },
      },
      {
        id: "building", type: "fill", source: "osm", "source-layer": "building", minzoom: 14,
        paint: { "fill-color": "#e0dad2", "fill-outline-color": "#cbc2b8" },
      },
      road("road-casing", {
        filter: ["!=", ["get", "class"], "path"],
        layout: { "line-cap": "round", "line-join": "round" },
        paint: { "line-color": "#c9c2b6", "line-width": widths(1, 1.5) },
      }),
      road("road-path", {
        filter: ["==", ["get", "class"], "path"],
        paint: { "line-color": "#b9ad9c", "line-width": widths(1, 0), "line-dasharray": [2, 1.5] },
      }),
      road("road", {
        filter: ["!=", ["get", "class"], "path"],
        layout: { "line-cap": "round", "line-join": "round" },
        paint: { "line-color": byClass(ROAD_COLOUR, "#ffffff"), "line-width": widths(1, 0) },
      }),
      {
        id: "rail", type: "line", source: "osm", "source-layer": "rail",
        paint: { "line-color": "#a7a9ac", "line-width": 1, "line-dasharray": [3, 2] },
      },
      {
        id: "road-label", type: "symbol", source: "osm", "source-layer": "road", minzoom: 14,
        filter: ["has", "name"],
        layout: {
          "symbol-placement": "line",
          "text-field": ["get", "name"],
          "text-font": FONT,
          "text-size": ["interpolate", ["linear"], ["zoom"], 14, 10, 18, 14],
          "text-max-angle": 35,
          "symbol-spacing": 300,
        },
        paint: { "text-color": "#4a4a48", "text-halo-color": "#ffffff", "text-halo-width": 1.4 },
      },
      {
        id: "green-label", type: "symbol", source: "osm", "source-layer": "green", minzoom: 15,
        filter: ["all", ["has", "name"], ["==", ["get", "class"], "park"]],
        layout: { "text-field": ["get", "name"], "text-font": FONT, "text-size": 11, "text-max-width": 8 },
        paint: { "text-color": "#3d6b35", "text-halo-color": "#ffffff", "text-halo-width": 1.2 },
      },
      {
        id: "place-label", type: "symbol", source: "osm", "source-layer": "place",
        layout: {
          "text-field": ["get", "name"],
          "text-font": FONT_BOLD,
          "text-size": ["match", ["get", "class"], "city", 16, "suburb", 13, "quarter", 12, 11],
          "text-transform": ["match", ["get", "class"], ["city", "suburb"], "uppercase", "none"],
          "text-letter-spacing": ["match", ["get", "class"], ["city", "suburb"], 0.08, 0],
          "text-max-width": 8,
          "symbol-sort-key": ["get", "rank"],
        },
        paint: { "text-color": "#55524c", "text-halo-color": "#ffffff", "text-halo-width": 1.6 },
      },
    ],
  };
}
