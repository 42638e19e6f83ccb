// The basemap under the trip map: the region's own vector tiles (drawn at import, served by
// GET /v1/regions/{name}/tiles/{z}/{x}/{y}.pbf) rendered by MapLibre GL JS, which `make
// web-vendor` copies from npm into vendor/ (no CDN). The SVG map (map.js) stays on top: it
// draws the route, the legs and the numbered markers and owns panning and zooming; the
// basemap follows its view. Without WebGL, without tiles or without the vendored MapLibre,
// nothing is added and the SVG map draws the region's roads itself.

import { basemapStyle } from "./basemap-style.js";

const R = 6378137; // Web-Mercator sphere radius, metres (as map.js)
const WORLD = 2 * Math.PI * R;
let loading = null; // MapLibre and its stylesheets, loaded once per page

/** Whether this browser can draw WebGL (false with --disable-webgl, or without a GPU path). */
export function webglAvailable() {
  try {
    const canvas = document.createElement("canvas");
    return Boolean(canvas.getContext("webgl2") || canvas.getContext("webgl"));
  } catch {
    return false;
  }
}

function stylesheet(href) {
  if (document.querySelector(`link[href="${href}"]`)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.append(link);
}

/** MapLibre from `renderer` (the module's path in the web app, as tiles.json says). */
function loadMapLibre(renderer) {
  if (!loading) {
    stylesheet(renderer.replace(/\.mjs$/, ".css"));
    stylesheet("basemap.css");
    loading = import(`./${renderer}`).then((module) => module.default || module);
  }
  return loading;
}

/** [lon, lat] of a point in the SVG map's Web-Mercator metres (y grows southwards). */
function unproject(x, y) {
  return [(x / R) * (180 / Math.PI), (2 * Math.atan(Math.exp(-y / R)) - Math.PI / 2) * (180 / Math.PI)];
}

/** MapLibre's zoom for `metresPerPx` Web-Mercator metres per CSS pixel (512-px tiles). */
function zoomFor(metresPerPx) {
  return Math.log2(WORLD / (512 * metresPerPx));
}

/**
 * Put the basemap of `region` (the /regions/{name}/map answer) under the SVG in `frame`.
 * Returns {sync(view, metresPerPx)}, which map.js calls whenever its view changes; it does
 * nothing until (and unless) the basemap has loaded. The frame gets class `has-basemap`
 * and `data-basemap="ready"` once the first tiles are drawn.
 */
export function attachBasemap(frame, region) {
  let map = null;
  let last = null;
  const jump = () => {
    if (!map || !last) return;
    const [view, metresPerPx] = last;
    map.jumpTo({ center: unproject(view.x + view.w / 2, view.y + view.h / 2), zoom: zoomFor(metresPerPx) });
  };
  const handle = {
    sync(view, metresPerPx) {
      last = [view, metresPerPx];
      jump();
    },
  };
  if (!region || !region.basemap || !region.name || !webglAvailable()) return handle;
  const name = encodeURIComponent(region.name);
  fetch(`/v1/regions/${name}/tiles.json`)
    .then((response) => (response.ok ? response.json() : null))
    // tiles.json names the vendored MapLibre only when `make web-vendor` has copied it
    .then(async (tilejson) => (tilejson && tilejson.renderer ? [await loadMapLibre(tilejson.renderer), tilejson] : []))
    .then(([maplibregl, tilejson]) => {
      if (!maplibregl || !frame.isConnected) return;
      const box = document.createElement("div");
      box.className = "basemap";
      box.setAttribute("aria-hidden", "true");
      frame.prepend(box);
      map = new maplibregl.Map({
        container: box,
        style: basemapStyle(tilejson),
        interactive: false, // the SVG map on top pans and zooms; this one follows
        attributionControl: false, // the page credits OpenStreetMap under the map
        fadeDuration: 0,
        maxZoom: 20,
      });
      box.codriverMap = map; // for the browser tests (queryRenderedFeatures)
      map.on("error", (event) => console.warn("basemap:", event.error ? event.error.message : event));
      map.once("load", () => {
        frame.classList.add("has-basemap");
        jump();
        map.once("idle", () => { frame.dataset.basemap = "ready"; });
      });
      jump();
      if (typeof ResizeObserver !== "undefined") new ResizeObserver(() => map.resize()).observe(box);
    })
    .catch((error) => console.warn("basemap unavailable, the SVG map is drawn instead:", error));
  return handle;
}
