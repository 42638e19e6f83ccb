// Type-ahead place search over the region's names (GET /v1/regions/{name}/places/search):
// a combobox on a text input, each option with its kind and distance from the trip's
// start, and a pin on a small map to confirm the choice. The chosen place is kept on the
// input (dataset.place: a catalogue ID, or "lat,lon" for a street); typing again clears it.

import * as api from "./api.js";
import { h, nextId } from "./dom.js";
import { distance, label } from "./format.js";
import { renderMap } from "./map.js";
import { plainError } from "./ui.js";

const WAIT_MS = 200;

function optionText(hit) {
  const kind = hit.kind === "street" ? "street" : label(hit.category || hit.kind);
  const far = hit.distance_m != null ? ` · ${distance(hit.distance_m)} from the start` : "";
  return `${kind}${far}`;
}

/** The place a search input stands for: its chosen place, else what was typed. */
export function chosenPlace(input) {
  return input.dataset.place || input.value.trim();
}

/**
 * Attach type-ahead to `input`. `region()` names the region, `near()` gives "lat,lon" or
 * null; `onPick(hit)` is called with the chosen answer. Returns the element to place under
 * the input (the list of answers and the pin).
 */
export function placeSearch(input, { region, near = () => null, onPick = () => {}, pin = true }) {
  const listId = nextId("places");
  const list = h("ul", { id: listId, class: "place-options", role: "listbox", hidden: true, "aria-label": "Places found" });
  const status = h("p", { class: "place-status", role: "status" });
  const pinBox = h("div", { class: "place-pin map", hidden: true });
  const box = h("div", { class: "place-search" }, list, status, pinBox);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", listId);
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("autocomplete", "off");
  let timer = null;
  let hits = [];
  let active = -1;
  let asked = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const mark = (k) => {
    active = k;
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === k)));
    if (k >= 0) input.setAttribute("aria-activedescendant", `${listId}-${k}`);
  };
  async function showPin(hit) {
    if (!pin) return;
    pinBox.hidden = false;
    const name = region();
    const roads = name ? await api.regionMap(name).catch(() => null) : null;
    if (!pinBox.isConnected) return;
    const stop = { kind: "start", name: hit.name, lat: hit.lat, lon: hit.lon, poi_id: hit.poi_id };
    renderMap(pinBox, { stops: [stop], legs: [] }, roads);
  }
  const pick = (hit) => {
    input.value = hit.name;
    input.dataset.place = hit.poi_id || `${hit.lat.toFixed(6)},${hit.lon.toFixed(6)}`;
    close();
    status.textContent = `Chosen: ${hit.name} (${optionText(hit)}).`;
    showPin(hit);
    onPick(hit);
  };

  async function lookUp() {
    const q = input.value.trim();
    if (q.length < 2) {
      close();
      status.textContent = q ? "Type at least 2 letters." : "";
      return;
    }
    const ticket = ++asked;
    const params = new URLSearchParams({ q, limit: "8" });
    const from = near();
    if (from) params.set("near", from);
    try {
      const found = await api.get(`/regions/${encodeURIComponent(region())}/places/search?${params}`);
      if (ticket !== asked) return; // a newer search is on its way
      hits = found;
      list.replaceChildren(...found.map((hit, k) => h("li", {
        id: `${listId}-${k}`, role: "option", class: "place-option", "aria-selected": "false",
        "data-poi": hit.poi_id || "", onmousedown: (event) => { event.preventDefault(); pick(hit); },
      }, h("strong", {}, hit.name), h("span", { class: "meta" }, ` ${optionText(hit)}`))));
      list.hidden = !found.length;
      input.setAttribute("aria-expanded", String(!!found.length));
      status.textContent = found.length
        ? `${found.length} place${found.length > 1 ? "s" : ""} found: choose one with the arrow keys and Enter.`
        : `No place or street called “${q}” in this region. Try another spelling or a nearby street.`;
    } catch (error) {
      status.textContent = plainError(error);
    }
  }

  input.addEventListener("input", () => {
    delete input.dataset.place;
    pinBox.hidden = true;
    clearTimeout(timer);
    timer = setTimeout(lookUp, WAIT_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden || !hits.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      mark((active + step + hits.length) % hits.length);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      pick(hits[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  return box;
}
