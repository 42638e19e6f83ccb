// "What we understood" as chips that can be edited in place: day, window, start, must-see,
// meals, diet, vehicle, budget. Saving a chip re-plans the trip with the edited request
// (PUT /v1/trips/{id}/request); the planner keeps locked stops and chooses the rest again.

import * as api from "./api.js";
import { checkbox, field, h } from "./dom.js";
import { label, money, wallParts, zonedIso } from "./format.js";
import { chosenPlace, placeSearch } from "./search.js";
import { fail } from "./ui.js";

const MEALS = { breakfast: ["07:30", "10:00"], lunch: ["11:30", "14:00"], dinner: ["17:00", "20:00"] };
const DIETS = ["vegan", "vegetarian", "gluten_free", "lactose_free", "halal", "kosher"];
const SAID = { date: ["date", "depart_at", "end_date"], window: ["depart_at", "return_by", "duration_h", "part_of_day"],
  origin: ["origin"], must_visit: ["must_visit"], meals: ["meals", "cuisine"], diet: ["diet"], vehicle: ["vehicle"],
  budget: ["budget"] };

/** Whether the trip lasts several days (a night out back at 00:30 is still one day). */
function severalDays(leave, back) {
  return back.date > leave.date && back.time >= "06:00";
}

function placeName(location) {
  if (!location) return "—";
  if (typeof location === "string") return location;
  return location.name || location.place_id || `${Number(location.lat).toFixed(4)},${Number(location.lon).toFixed(4)}`;
}

/** The chips and their editors; `ctx` as for the trip page, `names` maps catalogue IDs to stop names. */
export function editableChips(ctx, request, zone, names) {
  if (!request) return null;
  const leave = wallParts(request.depart_at, zone);
  const back = wallParts(request.return_by, zone);
  const said = (key) => (request.understood || []).filter((u) => (SAID[key] || []).includes(u.field))
    .map((u) => `“${u.said}”`).join(", ");
  const vehicle = request.vehicle || {};
  const chips = [
    // a trip of several days shows and edits its first and last day
    severalDays(leave, back) ? ["date", "Days", `${leave.date} – ${back.date}`] : ["date", "Day", leave.date],
    ["window", "Window", `${leave.time}–${back.time}`],
    ["origin", "Start", placeName(request.origin)],
    ["must_visit", "Must see", (request.must_visit || []).map((m) => names.get(m) || m).join(", ") || "nothing set"],
    ["meals", "Meals", (request.meals || []).map((m) => label(m.meal)).join(", ") || "none"],
    ["diet", "Diet", (request.diet || []).map(label).join(", ") || "any"],
    ["vehicle", "Car", vehicle.powertrain === "ev" ? `electric, ${Math.round((vehicle.soc ?? 0.8) * 100)} %` : "petrol or diesel"],
    ["budget", "Budget", request.budget != null ? money(request.budget, request.currency) : "no limit"],
  ];
  const editor = h("div", { class: "chip-editor", hidden: true });
  const list = h("ul", { class: "chips" }, chips.map(([key, name, value]) => {
    const words = said(key);
    const button = h("button", { type: "button", class: "chip chip-edit", "data-chip": key, "aria-expanded": "false",
      title: words ? `from ${words}` : "" }, h("strong", {}, `${name}: `), value, h("span", { "aria-hidden": "true" }, " ✎"));
    button.setAttribute("aria-label", `${name}: ${value}. Edit`);
    button.addEventListener("click", () => open(key, name, button));
    return h("li", {}, button);
  }), (request.assumptions || []).map((a) => h("li", { class: "chip chip-assumed" }, h("strong", {}, "Assumed: "), a)));

  function open(key, name, opener) {
    for (const b of list.querySelectorAll("button.chip-edit")) b.setAttribute("aria-expanded", String(b === opener));
    const { controls, apply } = editorFor(key, request, zone, leave, back, names);
    const save = h("button", { type: "submit" }, "Save and re-plan");
    const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
    const form = h("form", { class: "inline-form", "aria-label": `Edit ${name}` }, controls, save, cancel);
    cancel.addEventListener("click", () => { editor.hidden = true; opener.setAttribute("aria-expanded", "false"); opener.focus(); });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      let edited;
      try {
        edited = apply({ ...request });
      } catch (error) {
        fail(error);
        return;
      }
      save.disabled = true;
      try {
        const detail = await api.change("PUT", `/trips/${ctx.tripId}/request`, edited, ctx.version);
        await ctx.onChanged(detail, `${name} changed: re-planned.`);
      } catch (error) {
        if (error.status === 409 && ctx.reload) await ctx.reload().catch(fail);
        else fail(error);
      } finally {
        save.disabled = false;
      }
    });
    editor.replaceChildren(form);
    editor.hidden = false;
    const first = form.querySelector("input, select");
    if (first) first.focus();
  }

  return h("section", { class: "understood", "aria-labelledby": "understood-title" },
    h("h2", { id: "understood-title" }, "What we understood"),
    h("p", { class: "hint" }, "Choose a chip to change it; the trip is planned again (locked stops stay)."),
    list, editor);
}

function editorFor(key, request, zone, leave, back, names) {
  const region = () => request.region || "helsinki";
  if (key === "date" && severalDays(leave, back)) {
    const first = h("input", { type: "date", name: "chip-date", required: true, value: leave.date });
    const last = h("input", { type: "date", name: "chip-last-date", required: true, value: back.date });
    return { controls: [field("First day", first), field("Last day", last)], apply: (r) => {
      if (last.value <= first.value) throw new Error("The last day must be after the first.");
      return { ...r, depart_at: zonedIso(first.value, leave.time, zone), return_by: zonedIso(last.value, back.time, zone) };
    } };
  }
  if (key === "date") {
    const date = h("input", { type: "date", name: "chip-date", required: true, value: leave.date });
    return { controls: field("Day", date), apply: (r) => ({ ...r,
      depart_at: zonedIso(date.value, leave.time, zone), return_by: zonedIso(date.value, back.time, zone) }) };
  }
  if (key === "window") {
    const from = h("input", { type: "time", name: "chip-leave", required: true, value: leave.time });
    const to = h("input", { type: "time", name: "chip-back", required: true, value: back.time });
    return { controls: [field("Leave at", from), field("Back by", to)], apply: (r) => {
      // over several days: leave on the first day, back on the last; in one day, back after leaving or
      // (a night out) after midnight, as the trip was
      const multi = severalDays(leave, back);
      const overnight = !multi && back.date > leave.date;
      if (!multi && !overnight && to.value <= from.value) throw new Error("The return time must be after the departure.");
      const backDate = multi || (overnight && to.value < from.value) ? back.date : leave.date;
      return { ...r, depart_at: zonedIso(leave.date, from.value, zone), return_by: zonedIso(backDate, to.value, zone) };
    } };
  }
  if (key === "origin") {
    const input = h("input", { type: "text", name: "chip-origin", required: true, value: placeName(request.origin) });
    return { controls: [field("Start", input, "Type and choose a place or street."), placeSearch(input, { region })],
      apply: (r) => ({ ...r, origin: input.dataset.place ? chosenPlace(input) : r.origin }) };
  }
  if (key === "must_visit") {
    const boxes = (request.must_visit || []).map((m) => checkbox(names.get(m) || m, { name: "chip-must", value: m, checked: true }));
    const input = h("input", { type: "text", name: "chip-must-add", placeholder: "add a place" });
    return { controls: [h("div", { class: "checks" }, boxes), field("Add a must-see", input), placeSearch(input, { region })],
      apply: (r) => {
        const kept = boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
        const added = input.dataset.place && input.dataset.place.startsWith("osm:") ? [input.dataset.place] : [];
        return { ...r, must_visit: [...new Set([...kept, ...added])] };
      } };
  }
  if (key === "meals") {
    const have = new Set((request.meals || []).map((m) => m.meal));
    const boxes = Object.keys(MEALS).map((m) => checkbox(`${label(m)} (${MEALS[m][0]}–${MEALS[m][1]})`,
      { name: "chip-meal", value: m, checked: have.has(m) }));
    return { controls: h("div", { class: "checks" }, boxes), apply: (r) => {
      const chosen = boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
      const old = new Map((request.meals || []).map((m) => [m.meal, m]));
      return { ...r, meals: chosen.map((m) => old.get(m) || { meal: m, earliest: MEALS[m][0], latest: MEALS[m][1] }) };
    } };
  }
  if (key === "diet") {
    const have = new Set(request.diet || []);
    const boxes = DIETS.map((d) => checkbox(label(d), { name: "chip-diet", value: d, checked: have.has(d) }));
    return { controls: h("div", { class: "checks" }, boxes), apply: (r) => ({ ...r,
      diet: boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value) }) };
  }
  if (key === "vehicle") {
    const v = request.vehicle || {};
    const kind = h("select", { name: "chip-powertrain" },
      h("option", { value: "ev", selected: v.powertrain === "ev" }, "Electric"),
      h("option", { value: "ice", selected: v.powertrain !== "ev" }, "Petrol or diesel"));
    const soc = h("input", { type: "number", name: "chip-soc", min: 0, max: 100, value: String(Math.round((v.soc ?? 0.8) * 100)) });
    return { controls: [field("Car", kind), field("Charge now (%)", soc)], apply: (r) => ({ ...r,
      vehicle: { ...v, powertrain: kind.value, soc: Math.min(100, Math.max(0, Number(soc.value || 80))) / 100 } }) };
  }
  const budget = h("input", { type: "number", name: "chip-budget", min: 0, step: "any", placeholder: "no limit",
    value: request.budget != null ? String(request.budget) : "" });
  return { controls: field(`Budget (${request.currency || "EUR"})`, budget), apply: (r) => ({ ...r,
    budget: budget.value === "" ? null : Number(budget.value) }) };
}
