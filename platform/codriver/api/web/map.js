// The offline trip map: an SVG in Web-Mercator metres, fit to the route.
// Roads come from the region's own geometry (GET /v1/regions/{name}/map), the route from
// the itinerary's leg geometries, numbered markers from its stops. Where WebGL allows, the
// region's vector tiles are drawn under it (basemap.js) and replace its roads; an online
// tile layer (URL template with {z}/{x}/{y}) may be configured.

import { attachBasemap } from "./basemap.js";
import { h, s } from "./dom.js";
import { markerLabel, stopName } from "./format.js";

const R = 6378137; // Web-Mercator sphere radius, metres
const TILE_KEY = "codriver.tiles";
const LEGEND = {
  start: "start (S) and end (E)", visit: "visit", meal: "meal", charge: "charging", fuel: "fuel", stay: "night's stay",
};
const ROAD_WIDTH = { major: 6, minor: 4.5, local: 3 };

/** [x, y] in Web-Mercator metres (y grows southwards, as on screen). */
export function project(lon, lat) {
  const phi = (Math.max(-85, Math.min(85, lat)) * Math.PI) / 180;
  return [(R * lon * Math.PI) / 180, -R * Math.log(Math.tan(Math.PI / 4 + phi / 2))];
}

/** The optional online tile template ("" when none is configured). */
export function tileTemplate() {
  return localStorage.getItem(TILE_KEY) || "";
}

export function setTileTemplate(value) {
  if (value) localStorage.setItem(TILE_KEY, value);
  else localStorage.removeItem(TILE_KEY);
}

function bounds(points, minSpan) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  if (!Number.isFinite(x0)) return null;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const w = Math.max(x1 - x0, minSpan) * 1.2;
  const hgt = Math.max(y1 - y0, minSpan) * 1.2;
  return { x: cx - w / 2, y: cy - hgt / 2, w, h: hgt };
}

function pathOf(coords) {
  let d = "";
  for (let i = 0; i < coords.length; i += 1) {
    const [x, y] = coords[i];
    d += `${i ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`;
  }
  return d;
}

/**
 * Draw `itinerary` (with `roads`, the region map or null) into `container`.
 * Returns {highlight(index)}; clicking a marker calls onSelect(index).
 */
export function renderMap(container, itinerary, roads, onSelect = () => {}) {
  const stops = itinerary.stops || [];
  const legs = (itinerary.legs || []).map((leg) =>
    ((leg.geometry && leg.geometry.coordinates) || []).map(([lon, lat]) => project(lon, lat)),
  );
  const points = [...legs.flat(), ...stops.map((st) => project(st.lon, st.lat))];
  const home = bounds(points, 600) || { x: 0, y: 0, w: 1000, h: 1000 };
  let view = { ...home };

  const tiles = s("g", { class: "tiles" });
  const roadLayer = s("g", { class: "roads" });
  if (roads && Array.isArray(roads.roads)) {
    const order = ["local", "minor", "major"];
    const groups = [...roads.roads].sort((a, b) => order.indexOf(a.cls) - order.indexOf(b.cls));
    for (const group of groups) {
      let d = "";
      for (const flat of group.lines || []) {
        const coords = [];
        for (let i = 0; i + 1 < flat.length; i += 2) coords.push(project(flat[i], flat[i + 1]));
        d += pathOf(coords);
      }
      roadLayer.append(
        s("path", {
          d, class: `road road-${group.cls}`, "stroke-width": ROAD_WIDTH[group.cls] || 1,
          "vector-effect": "non-scaling-stroke", fill: "none",
        }),
      );
    }
  }
  const routeLayer = s("g", { class: "route" });
  // a place off the drivable network is reached on foot from where its leg ends: dashed
  const access = [];
  // park and walk: walking legs, and the walks between a stop and the parked car, dashed and wide
  const walks = [];
  (itinerary.legs || []).forEach((leg, k) => {
    const coords = legs[k];
    const from = stops[leg.from_index];
    const to = stops[leg.from_index + 1];
    if (leg.mode === "walk") {
      walks.push(coords);
      return;
    }
    if (leg.walk_geometry && leg.walk_geometry.length) {
      for (const line of leg.walk_geometry) {
        walks.push(((line && line.coordinates) || []).map(([lon, lat]) => project(lon, lat)));
      }
      return;
    }
    if (coords.length < 2 || !from || !to) return;
    access.push([project(from.lon, from.lat), coords[0]], [coords[coords.length - 1], project(to.lon, to.lat)]);
  });
  for (const [a, b] of access) {
    if (Math.hypot(a[0] - b[0], a[1] - b[1]) < 5) continue;
    routeLayer.append(s("path", { d: pathOf([a, b]), class: "access", "vector-effect": "non-scaling-stroke", fill: "none" }));
  }
  (itinerary.legs || []).forEach((leg, k) => {
    const coords = legs[k];
    if (leg.mode === "walk" || coords.length < 2) return;
    const d = pathOf(coords);
    routeLayer.append(
      s("path", { d, class: "route-casing", "vector-effect": "non-scaling-stroke", fill: "none" }),
      s("path", { d, class: "route-line", "vector-effect": "non-scaling-stroke", fill: "none" }),
    );
  });
  for (const coords of walks) {
    if (coords.length < 2) continue;
    routeLayer.append(
      s("path", { d: pathOf(coords), class: "route-walk", "data-mode": "walk", "vector-effect": "non-scaling-stroke", fill: "none" }),
    );
  }
  // where the car waits while the stops around it are walked
  (itinerary.legs || []).forEach((leg) => {
    if (!leg.park) return;
    const [x, y] = project(leg.park.lon, leg.park.lat);
    routeLayer.append(
      s("g", { class: "parking", transform: `translate(${x} ${y})` },
        s("title", {}, `Parking: ${leg.park.name}`),
        s("rect", { x: -8, y: -8, width: 16, height: 16, rx: 3 }),
        s("text", { "text-anchor": "middle", dy: "0.35em" }, "P")),
    );
  });
  const markerLayer = s("g", { class: "markers" });
  const markers = [];
  // the start is drawn last so that it stays on top of an end at the same place
  const drawOrder = stops.map((_, i) => i).sort((a, b) => (stops[a].kind === "start") - (stops[b].kind === "start"));
  for (const i of drawOrder) {
    const stop = stops[i];
    const [x, y] = project(stop.lon, stop.lat);
    const text = markerLabel(stop, i);
    const marker = s(
      "g",
      { class: `marker marker-${stop.kind}`, "data-index": i, onclick: () => onSelect(i) },
      s("title", {}, `${text}. ${stopName(stop)}`),
      s("circle", { r: 11 }),
      s("text", { "text-anchor": "middle", dy: "0.35em" }, text),
    );
    marker.dataset.x = x;
    marker.dataset.y = y;
    markers[i] = marker;
    markerLayer.append(marker);
  }

  const svg = s(
    "svg",
    {
      class: "map-svg", role: "img", tabindex: 0,
      "aria-label": `Map of the route with ${stops.length} stops; arrow keys pan, + and − zoom`,
      preserveAspectRatio: "xMidYMid meet",
    },
    s("rect", { class: "map-bg", x: -4e7, y: -4e7, width: 8e7, height: 8e7 }),
    tiles, roadLayer, routeLayer, markerLayer,
  );

  function scale() {
    const width = svg.clientWidth || container.clientWidth || 600;
    const heightPx = svg.clientHeight || 400;
    return Math.max(view.w / width, view.h / heightPx);
  }

  function apply() {
    svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
    const k = scale();
    for (const marker of markers) {
      if (!marker) continue;
      marker.setAttribute("transform", `translate(${marker.dataset.x} ${marker.dataset.y}) scale(${k})`);
    }
    drawTiles(tiles, view, k);
    basemap.sync(view, k);
  }

  function zoom(factor, cx = view.x + view.w / 2, cy = view.y + view.h / 2) {
    const w = Math.min(Math.max(view.w * factor, 50), 4e6);
    const f = w / view.w;
    view = { x: cx - (cx - view.x) * f, y: cy - (cy - view.y) * f, w, h: view.h * f };
    apply();
  }

  function pan(dx, dy) {
    view = { ...view, x: view.x + dx * view.w, y: view.y + dy * view.h };
    apply();
  }

  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const rect = svg.getBoundingClientRect();
    const k = scale();
    const cx = view.x + view.w / 2 + (event.clientX - rect.left - rect.width / 2) * k;
    const cy = view.y + view.h / 2 + (event.clientY - rect.top - rect.height / 2) * k;
    zoom(event.deltaY > 0 ? 1.2 : 1 / 1.2, cx, cy);
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (event) => {
    if (event.target.closest(".marker")) return;
    drag = { x: event.clientX, y: event.clientY };
    svg.setPointerCapture(event.pointerId);
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const k = scale();
    view = { ...view, x: view.x - (event.clientX - drag.x) * k, y: view.y - (event.clientY - drag.y) * k };
    drag = { x: event.clientX, y: event.clientY };
    apply();
  });
  svg.addEventListener("pointerup", () => { drag = null; });
  svg.addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, -0.1], ArrowDown: [0, 0.1] };
    if (moves[event.key]) pan(...moves[event.key]);
    else if (event.key === "+" || event.key === "=") zoom(1 / 1.3);
    else if (event.key === "-") zoom(1.3);
    else return;
    event.preventDefault();
  });

  const controls = h(
    "div", { class: "map-controls" },
    h("button", { type: "button", "aria-label": "Zoom in", onclick: () => zoom(1 / 1.3) }, "+"),
    h("button", { type: "button", "aria-label": "Zoom out", onclick: () => zoom(1.3) }, "−"),
    h("button", { type: "button", "aria-label": "Fit the route", onclick: () => { view = { ...home }; apply(); } }, "Fit"),
  );
  const credit = (roads && roads.attribution) || "© OpenStreetMap contributors, ODbL";
  const note = roads ? null : h("p", { class: "map-note" }, "Road map unavailable: showing the route only.");
  const kinds = [...new Set(stops.map((st) => st.kind))].filter((k) => LEGEND[k]);
  const legend = h("ul", { class: "legend", "aria-label": "Map legend" },
    kinds.map((k) => h("li", {}, h("span", { class: `swatch pin-${k}`, "aria-hidden": "true" }), LEGEND[k])),
    h("li", {}, h("span", { class: "swatch-line", "aria-hidden": "true" }), "route"));
  const frame = h("div", { class: "map-frame" }, svg, controls);
  const basemap = attachBasemap(frame, roads); // vector tiles under the SVG where WebGL allows
  container.replaceChildren(
    ...[frame, legend, h("p", { class: "attribution" }, credit), note].filter(Boolean),
  );
  apply();
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(() => apply()).observe(svg);

  return {
    highlight(index) {
      markers.forEach((m, i) => m && m.classList.toggle("selected", i === index));
    },
  };
}

function drawTiles(layer, view, metresPerPx) {
  const template = tileTemplate();
  if (!template) {
    layer.replaceChildren();
    return;
  }
  const world = 2 * Math.PI * R;
  const z = Math.max(0, Math.min(19, Math.round(Math.log2(world / (256 * metresPerPx)))));
  const n = 2 ** z;
  const size = world / n;
  const tx0 = Math.max(0, Math.floor((view.x + world / 2) / size));
  const tx1 = Math.min(n - 1, Math.floor((view.x + view.w + world / 2) / size));
  const ty0 = Math.max(0, Math.floor((view.y + world / 2) / size));
  const ty1 = Math.min(n - 1, Math.floor((view.y + view.h + world / 2) / size));
  const images = [];
  for (let tx = tx0; tx <= tx1 && images.length < 64; tx += 1) {
    for (let ty = ty0; ty <= ty1 && images.length < 64; ty += 1) {
      const href = template.replace("{z}", z).replace("{x}", tx).replace("{y}", ty);
      images.push(s("image", { href, x: tx * size - world / 2, y: ty * size - world / 2, width: size, height: size }));
    }
  }
  layer.replaceChildren(...images);
}
