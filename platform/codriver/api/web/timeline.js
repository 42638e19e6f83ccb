// The itinerary as a timeline: stops with arrival/departure, opening hours at arrival,
// meals, charging (state of charge before/after), costs and the explanation of every stop,
// with the drives between them.

import { h } from "./dom.js";
import { clock, distance, duration, label, markerLabel, money, percent, stopName } from "./format.js";
import { navigationLinks } from "./navigate.js";
import { plainWords } from "./ui.js";

// HOLIDAY_HOURS: open by its usual hours on a public holiday its hours say nothing of (unconfirmed)
const HOURS_CODES = new Set(["CLOSED_AT_ARRIVAL", "CLOSES_DURING_VISIT", "HOURS_UNKNOWN", "HOLIDAY_HOURS"]);
// Stops at catalogue places; the traveller may replace or remove visits and meals
// (the charging planner places charging and fuel stops itself).
const PLACE_KINDS = new Set(["visit", "meal", "charge", "fuel"]);
export const CHANGEABLE = new Set(["visit", "meal"]);

// The verifier checks the hours only of stops it finds in the catalogue: with one of these
// at the stop (or for the whole plan) nothing was checked, so nothing is said to be open.
const UNCHECKED_CODES = new Set(["UNKNOWN_PLACE", "INVALID_ITINERARY"]);

/**
 * What the verifier found about the place's opening hours at arrival. "Open at arrival"
 * (green) only when the verifier checked this stop and found nothing wrong with its hours.
 */
export function hoursNote(itinerary, stop, index) {
  if (!PLACE_KINDS.has(stop.kind)) return null;
  const violations = itinerary.violations || [];
  const found = violations.find((v) => v.stop_index === index && HOURS_CODES.has(v.code));
  if (found) {
    return h("p", { class: `hours hours-${found.severity}` }, found.code === "HOURS_UNKNOWN"
      ? "Opening hours unknown: it may be closed." : found.message);
  }
  const unchecked = !stop.poi_id || !stop.arrive_at || violations.some(
    (v) => UNCHECKED_CODES.has(v.code) && (v.stop_index === index || v.stop_index == null));
  if (itinerary.status === "draft" || unchecked) {
    return h("p", { class: "hours hours-warning" }, "Opening hours not checked: check before going.");
  }
  return h("p", { class: "hours hours-ok" }, "Open at arrival (checked against its opening hours).");
}

function chargeNote(stop) {
  if (stop.soc_after === null || stop.soc_after === undefined) return null;
  const extra = [
    stop.energy_kwh != null ? `${stop.energy_kwh.toFixed(1)} kWh` : null,
    stop.power_kw != null ? `at ${Math.round(stop.power_kw)} kW` : null,
  ].filter(Boolean).join(" ");
  return h("p", { class: "charge" },
    h("span", { class: "sr-only" }, "Charging: "),
    `Battery ${percent(stop.soc_before)} → ${percent(stop.soc_after)}`, extra ? ` (${extra})` : "");
}

/**
 * The state of charge at every stop of an EV trip: [{arrive, depart}] (fractions 0..1, null
 * where unknown), walked from the car's charge at the start through each leg's energy and
 * the charging the plan does; null when the trip's car is not an EV or its charge is unknown.
 */
export function socTrack(itinerary) {
  const vehicle = itinerary.request && itinerary.request.vehicle;
  const stops = itinerary.stops || [];
  if (!vehicle || vehicle.powertrain !== "ev" || vehicle.soc == null || !vehicle.battery_kwh) return null;
  const legsTo = new Map((itinerary.legs || []).map((leg) => [leg.from_index + 1, leg]));
  const out = [];
  let soc = vehicle.soc;
  stops.forEach((stop, i) => {
    let arrive = null;
    if (i > 0) {
      const leg = legsTo.get(i);
      soc = leg && leg.energy_kwh != null && soc != null ? soc - leg.energy_kwh / vehicle.battery_kwh : null;
      arrive = stop.soc_before != null ? stop.soc_before : soc;
    }
    const depart = stop.kind === "end" ? null : (stop.soc_after != null ? stop.soc_after : (i === 0 ? soc : arrive));
    if (depart != null) soc = depart;
    out.push({ arrive, depart });
  });
  return out;
}

function socNote(stop, at) {
  if (!at) return null;
  let text;
  if (stop.kind === "start") text = `Battery ${percent(at.depart)} at the start`;
  else if (stop.kind === "end") text = `Battery ${percent(at.arrive)} on arrival`;
  else if (stop.soc_after != null) return null; // the charge note says both
  else text = `Battery ${percent(at.arrive)} on arrival · ${percent(at.depart)} when leaving`;
  return h("p", { class: "soc" }, text);
}

/** The battery along a leg: a small gauge of the charge on arrival, and the fall in words. */
function socLeg(from, to, reserve) {
  if (!from || !to || from.depart == null || to.arrive == null) return null;
  const text = `Battery ${percent(from.depart)} → ${percent(to.arrive)}`;
  return h("span", { class: "soc-leg" },
    h("meter", { min: 0, max: 1, low: Math.max(reserve || 0.1, 0.01), high: 0.5, optimum: 1,
      value: Math.max(0, to.arrive), "aria-hidden": "true" }),
    ` ${text}`);
}

/** Idle time before a stop (arriving before it opens, waiting for a meal window): over 30 min it is said. */
const WAIT_SHOWN_S = 30 * 60;

function waitItem(leg, from, to, zone) {
  if (!leg || !from.depart_at || !to.arrive_at) return null;
  const idle = (new Date(to.arrive_at) - new Date(from.depart_at)) / 1000 - leg.duration_s - (leg.walk_s || 0);
  if (idle <= WAIT_SHOWN_S) return null;
  return h("li", { class: "wait" },
    h("strong", {}, `Wait ${duration(idle)}`), ` before ${stopName(to)} (from about ${clock(
      new Date(new Date(to.arrive_at) - idle * 1000).toISOString(), zone)}).`);
}

/** A walking leg (park and walk): the car stays parked while the traveller walks. */
function walkItem(leg) {
  const text = `Walk ${distance(leg.distance_m)} · ${duration(leg.duration_s)}`;
  return h("li", { class: "leg walk", "data-mode": "walk" },
    h("span", { class: "sr-only" }, `Walk ${distance(leg.distance_m)}, ${duration(leg.duration_s)}; the car stays parked`),
    h("span", { "aria-hidden": "true" }, `🚶 ${text} · the car stays parked`));
}

function legItem(leg, from, to, soc = null) {
  if (leg.mode === "walk") return walkItem(leg);
  // with park and walk the drive starts where the car was left (`from`) and ends at the parking place
  const links = from && to ? navigationLinks(from, leg.park || to) : [];
  const name = to ? stopName(to) : "";
  const parked = leg.park
    ? ` · park: ${leg.park.name}${leg.walk_m ? `, walk ${distance(leg.walk_m)}` : ""}`
    : "";
  return h("li", { class: "leg", "data-mode": "drive" },
    h("span", { class: "sr-only" }, `Drive ${distance(leg.distance_m)}, ${duration(leg.duration_s)}${parked}`),
    h("span", { "aria-hidden": "true" }, `Drive ${distance(leg.distance_m)} · ${duration(leg.duration_s)}`,
      leg.energy_kwh != null ? ` · ${leg.energy_kwh.toFixed(1)} kWh` : "", parked),
    soc,
    links.length ? h("details", { class: "navigate" },
      h("summary", {}, "Navigate", h("span", { class: "sr-only" }, ` to ${name}`)),
      h("ul", {}, links.map((l) => h("li", {},
        h("a", { href: l.href, target: "_blank", rel: "noopener noreferrer", "data-app": l.app }, l.app))))) : null);
}

/**
 * The timeline list. `actions(stop, index)` returns the controls of a stop (or null);
 * `ratings` maps place IDs to the user's rating; onFocusStop(index) highlights the map.
 */
export function renderTimeline(itinerary, { zone, currency, actions, ratings, onFocusStop }) {
  const stops = itinerary.stops || [];
  const legsFrom = new Map((itinerary.legs || []).map((leg) => [leg.from_index, leg]));
  const soc = socTrack(itinerary);
  const reserve = itinerary.request && itinerary.request.vehicle ? itinerary.request.vehicle.reserve_soc : null;
  const items = [];
  // several days: a heading before each day (the nights are "stay" stops between them)
  let day = 1;
  if ((itinerary.days || []).length > 1) items.push(dayHeading(day, stops[0] && stops[0].depart_at, zone));
  let car = stops[0] || null; // where the car is: a drive starts there, after the walks from it
  stops.forEach((stop, i) => {
    const waited = i > 0 ? waitItem(legsFrom.get(i - 1), stops[i - 1], stop, zone) : null;
    if (waited) items.push(waited);
    const stay = stop.arrive_at && stop.depart_at
      ? (new Date(stop.depart_at) - new Date(stop.arrive_at)) / 1000 : null;
    let times;
    if (stop.kind === "start") times = `Leave ${clock(stop.depart_at, zone)}`;
    else if (stop.kind === "end") times = `Arrive ${clock(stop.arrive_at, zone)}`;
    else times = `Arrive ${clock(stop.arrive_at, zone)} · leave ${clock(stop.depart_at, zone)}${stay != null ? ` (${duration(stay)})` : ""}`;
    const kindText = [label(stop.kind), stop.meal ? label(stop.meal) : null, stop.category ? label(stop.category) : null]
      .filter(Boolean).join(" · ");
    const rated = stop.poi_id && ratings && ratings.get(stop.poi_id);
    const item = h(
      "li",
      {
        class: `stop kind-${stop.kind}`, id: `stop-${i}`, tabindex: -1, "data-index": i,
        onfocusin: () => onFocusStop && onFocusStop(i), onmouseenter: () => onFocusStop && onFocusStop(i),
      },
      h("span", { class: `pin pin-${stop.kind}`, "aria-hidden": "true" }, markerLabel(stop, i)),
      h("div", { class: "stop-body" },
        h("h3", { class: "stop-name" }, h("span", { class: "sr-only" }, `Stop ${markerLabel(stop, i)}: `), stopName(stop)),
        h("p", { class: "kind" }, kindText),
        h("p", { class: "times" }, times),
        hoursNote(itinerary, stop, i),
        stop.cost != null && stop.cost > 0 ? h("p", { class: "cost" }, `Cost ${money(stop.cost, currency)}`) : null,
        chargeNote(stop),
        socNote(stop, soc && soc[i]),
        stop.explanation ? h("p", { class: "why" }, stop.explanation) : null,
        rated ? h("p", { class: "rated" }, `You rated it ${rated}/5.`) : null,
        actions ? actions(stop, i) : null),
    );
    items.push(item);
    if (stop.kind === "stay") items.push(dayHeading(++day, stop.depart_at, zone));
    if (legsFrom.has(i)) {
      const leg = legsFrom.get(i);
      items.push(legItem(leg, leg.mode === "walk" ? stop : car, stops[i + 1], soc ? socLeg(soc[i], soc[i + 1], reserve) : null));
      if (leg.mode !== "walk") car = leg.park || stops[i + 1];
    }
  });
  return h("ol", { class: "timeline", "aria-label": "Timeline of the trip" }, items);
}

/** The heading of a day of a trip of several days: "Day 2 · Sat 14 Jun". */
function dayHeading(n, at, zone) {
  let date = "";
  if (at) {
    const options = { weekday: "short", day: "numeric", month: "short", ...(zone ? { timeZone: zone } : {}) };
    date = ` · ${new Intl.DateTimeFormat("en-GB", options).format(new Date(at))}`;
  }
  return h("li", { class: "day-heading" }, h("h3", {}, `Day ${n}${date}`));
}

/** Totals of the itinerary as a definition list. */
export function renderTotals(itinerary, currency) {
  const t = itinerary.totals || {};
  const rows = [
    ["Distance", distance(t.distance_m)],
    ["Driving", duration(t.drive_s)],
    ["Whole trip", duration(t.duration_s)],
    ["Cost", money(t.cost, currency)],
    ["Energy", t.energy_kwh != null ? `${Number(t.energy_kwh).toFixed(1)} kWh` : "—"],
    ["Stops", `${t.visits || 0} visits · ${t.meals || 0} meals · ${t.charges || 0} charging`],
  ];
  if (t.nights) rows.push(["Nights", `${t.nights} · ${money(t.stay_cost, currency)}`]);
  return h("dl", { class: "totals" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

/** Violations (errors and warnings), relaxed requirements and notes, said plainly. */
export function renderProblems(itinerary, { understood: withUnderstood = true } = {}) {
  const violations = itinerary.violations || [];
  const stops = itinerary.stops || [];
  const parts = [];
  if (violations.length) {
    parts.push(h("section", { class: `problems ${violations.some((v) => v.severity === "error") ? "has-errors" : ""}`, "aria-labelledby": "problems-title" },
      h("h2", { id: "problems-title" }, itinerary.status === "feasible" ? "Warnings" : "Problems with this plan"),
      // the verifier's code stays out of the text a traveller reads; it is there on hover for support
      h("ul", {}, violations.map((v) => h("li", { class: `violation violation-${v.severity}`, "data-code": v.code, title: v.code },
        h("strong", {}, v.severity === "error" ? "Problem: " : "Warning: "),
        plainWords(v.message),
        v.stop_index != null && stops[v.stop_index] ? ` (stop “${stops[v.stop_index].name}”)` : "")))));
  }
  const relaxed = itinerary.relaxed || [];
  const notes = itinerary.notes || [];
  if (relaxed.length || notes.length) {
    parts.push(h("section", { class: "notes", "aria-labelledby": "notes-title" },
      h("h2", { id: "notes-title" }, "Notes"),
      h("ul", {},
        relaxed.map((r) => h("li", {}, h("strong", {}, "Given up: "), r)),
        notes.map((n) => h("li", {}, n)))));
  }
  const understood = withUnderstood ? renderUnderstood(itinerary.request) : null;
  if (understood) parts.unshift(understood);
  return parts;
}

const UNDERSTOOD_LABELS = {
  date: "Day", depart_at: "Leaving", return_by: "Back by", duration_h: "Length", part_of_day: "Part of the day",
  meals: "Meals", cuisine: "Food", diet: "Diet", must_visit: "Must see", origin: "Start", destination: "End",
  interests: "Interests", avoid_categories: "Avoid", avoid_places: "Avoid", budget: "Budget", party: "Party",
  vehicle: "Car", max_detour_min: "Detour", max_stint_min: "Breaks", charging_networks: "Charging network",
  visit_minutes: "Stay", max_per_category: "Limit",
};

/** What was read from the traveller's words, the words themselves, and the defaults used. */
export function renderUnderstood(request) {
  if (!request || !((request.understood || []).length || (request.assumptions || []).length)) return null;
  const items = (request.understood || []).map((u) => h("li", { class: "chip", title: u.said ? `from “${u.said}”` : "" },
    h("strong", {}, `${UNDERSTOOD_LABELS[u.field] || u.field.replaceAll("_", " ")}: `), u.text || `“${u.said}”`));
  const assumed = (request.assumptions || []).map((a) => h("li", { class: "chip chip-assumed" }, h("strong", {}, "Assumed: "), a));
  return h("section", { class: "understood", "aria-labelledby": "understood-title" },
    h("h2", { id: "understood-title" }, "What we understood"),
    h("ul", { class: "chips" }, items, assumed));
}

/** The plan's status in words: feasible only when every stated wish is kept. */
export function statusText(itinerary) {
  const relaxed = (itinerary.relaxed || []).length;
  if (itinerary.status === "feasible" && relaxed) return `Feasible, ${relaxed} wish${relaxed > 1 ? "es" : ""} not met`;
  return itinerary.status.charAt(0).toUpperCase() + itinerary.status.slice(1);
}
