// Direct edits of the current plan: drag a stop (or move it up/down with buttons), set how
// long to stay, lock it, and add a searched place at a position. Every edit sends the
// traveller's stops in order (PUT /v1/trips/{id}/stops, or POST …/stops to add one); the
// plan keeps that order and re-times only what must move (the diff shows it).

import * as api from "./api.js";
import { field, h } from "./dom.js";
import { label } from "./format.js";
import { CHANGEABLE } from "./timeline.js";
import { chosenPlace, placeSearch } from "./search.js";
import { fail } from "./ui.js";

/** The plan's visits and meals in order, with the stays and locks set before (as the API computes them). */
export function ownStops(itinerary, request) {
  const earlier = new Map(((request && request.stops) || []).map((s) => [s.poi_id, s]));
  const seen = new Set();
  const out = [];
  (itinerary.stops || []).forEach((stop, index) => {
    if (!CHANGEABLE.has(stop.kind) || !stop.poi_id || seen.has(stop.poi_id)) return;
    seen.add(stop.poi_id);
    const before = earlier.get(stop.poi_id) || {};
    out.push({ poi_id: stop.poi_id, meal: stop.meal || null, stay_min: before.stay_min || null,
      locked: Boolean(before.locked), name: stop.name, index });
  });
  return out;
}

async function send(ctx, stops, reason, button = null) {
  if (button) button.disabled = true;
  try {
    const body = { stops: stops.map(({ poi_id, meal, stay_min, locked }) => ({ poi_id, meal, stay_min, locked })) };
    const detail = await api.change("PUT", `/trips/${ctx.tripId}/stops`, body, ctx.version);
    await ctx.onChanged(detail, reason);
  } catch (error) {
    if (error.status === 409 && ctx.reload) await ctx.reload().catch(fail);
    else fail(error);
  } finally {
    if (button) button.disabled = false;
  }
}

function moved(stops, from, to) {
  const next = [...stops];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}

/** The edit controls of one stop: move up/down, stay length, lock. */
export function stopEdits(ctx, itinerary, request, stop) {
  if (!ctx.current || !CHANGEABLE.has(stop.kind) || !stop.poi_id) return null;
  const stops = ownStops(itinerary, request);
  const k = stops.findIndex((s) => s.poi_id === stop.poi_id);
  if (k < 0) return null;
  const own = stops[k];
  const up = h("button", { type: "button", class: "secondary move-up", "aria-label": `Move ${stop.name} earlier`,
    disabled: k === 0 }, "↑ Earlier");
  const down = h("button", { type: "button", class: "secondary move-down", "aria-label": `Move ${stop.name} later`,
    disabled: k === stops.length - 1 }, "↓ Later");
  up.addEventListener("click", () => send(ctx, moved(stops, k, k - 1), `Moved “${stop.name}” earlier.`, up));
  down.addEventListener("click", () => send(ctx, moved(stops, k, k + 1), `Moved “${stop.name}” later.`, down));
  const stayNow = stop.arrive_at && stop.depart_at
    ? Math.round((new Date(stop.depart_at) - new Date(stop.arrive_at)) / 60000) : 60;
  const stay = h("input", { type: "number", min: 5, max: 480, step: 5, name: "stay", value: String(own.stay_min || stayNow),
    class: "stay-input" });
  const setStay = h("button", { type: "button", class: "secondary", "aria-label": `Set the stay at ${stop.name}` }, "Set stay");
  setStay.addEventListener("click", () => {
    const minutes = Number(stay.value);
    if (!(minutes >= 5 && minutes <= 480)) {
      fail(new Error("A stay is between 5 and 480 minutes."));
      stay.focus();
      return;
    }
    const next = stops.map((s, i) => (i === k ? { ...s, stay_min: minutes } : s));
    send(ctx, next, `Stay at “${stop.name}” set to ${minutes} min.`, setStay);
  });
  const lock = h("input", { type: "checkbox", name: "lock", checked: own.locked, class: "lock-input" });
  lock.addEventListener("change", () => {
    const next = stops.map((s, i) => (i === k ? { ...s, locked: lock.checked } : s));
    send(ctx, next, lock.checked ? `“${stop.name}” is locked: re-plans keep it.` : `“${stop.name}” is no longer locked.`);
  });
  return h("div", { class: "stop-edits" },
    h("span", { class: "drag-handle", "aria-hidden": "true", title: "Drag to reorder" }, "⠿"),
    up, down,
    h("label", { class: "stay" }, "Stay (min) ", stay), setStay,
    h("label", { class: "lock" }, lock, ` Lock${own.locked ? "ed" : ""}`));
}

/** Drag a stop onto another to put it there (the buttons do the same from the keyboard). */
export function enableDrag(ctx, list, itinerary, request) {
  if (!ctx.current) return;
  const stops = ownStops(itinerary, request);
  const position = (li) => stops.findIndex((s) => s.index === Number(li.dataset.index));
  let dragged = null;
  for (const li of list.querySelectorAll("li.stop")) {
    const k = position(li);
    if (k < 0) continue;
    li.draggable = true;
    li.classList.add("draggable");
    li.addEventListener("dragstart", (event) => {
      dragged = k;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", String(k));
    });
    li.addEventListener("dragover", (event) => {
      if (dragged === null) return;
      event.preventDefault();
      li.classList.add("drop-target");
    });
    li.addEventListener("dragleave", () => li.classList.remove("drop-target"));
    li.addEventListener("drop", (event) => {
      event.preventDefault();
      li.classList.remove("drop-target");
      const from = dragged ?? Number(event.dataTransfer.getData("text/plain"));
      dragged = null;
      if (from === k || from < 0) return;
      send(ctx, moved(stops, from, k), `Moved “${stops[from].name}” to stop ${k + 1}.`);
    });
    li.addEventListener("dragend", () => { dragged = null; });
  }
}

/** Add a searched place as a stop at a chosen position. */
export function addStopBox(ctx, itinerary, request) {
  const stops = ownStops(itinerary, request);
  const start = (itinerary.stops || [])[0];
  const input = h("input", { type: "text", name: "add-place", maxlength: 80, placeholder: "a place or street name" });
  const where = h("select", { name: "add-position" },
    stops.map((s, k) => h("option", { value: String(k + 1) }, `Before ${s.name}`)),
    h("option", { value: String(stops.length + 1), selected: true }, "Last, before the end"));
  const stay = h("input", { type: "number", name: "add-stay", min: 5, max: 480, step: 5, placeholder: "usual" });
  const add = h("button", { type: "submit" }, "Add stop");
  const search = placeSearch(input, {
    region: () => itinerary.region || (request && request.region) || "helsinki",
    near: () => (start ? `${start.lat},${start.lon}` : null),
  });
  const form = h("form", { class: "card inline-form add-stop", "aria-labelledby": "add-stop-title" },
    h("h2", { id: "add-stop-title" }, "Add a stop"),
    field("Place", input, "Type 2 letters or more, then choose a place from the list."), search,
    field("Where in the day", where), field("Stay (minutes, optional)", stay), add);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const place = chosenPlace(input);
    if (!place.startsWith("osm:")) {
      fail(new Error("Choose a place from the list first (streets cannot be stops)."));
      input.focus();
      return;
    }
    add.disabled = true;
    try {
      const body = { poi_id: place, position: Number(where.value) };
      if (stay.value) body.stay_min = Number(stay.value);
      const detail = await api.change("POST", `/trips/${ctx.tripId}/stops`, body, ctx.version);
      await ctx.onChanged(detail, `Added “${input.value}”.`);
    } catch (error) {
      if (error.status === 409 && ctx.reload) await ctx.reload().catch(fail);
      else fail(error);
    } finally {
      add.disabled = false;
    }
  });
  return form;
}

export const KIND_WORD = (category) => label(category || "place").toLowerCase();
