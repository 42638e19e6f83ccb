// A new trip: from free text (the agents read it) or from a form (a TripRequest),
// with the planning job's progress shown while the agents plan.

import * as api from "./api.js";
import { checkbox, field, h, mount } from "./dom.js";
import { label, wallParts, zonedIso } from "./format.js";
import { chosenPlace, placeSearch } from "./search.js";
import { fail, notify } from "./ui.js";

export const EXAMPLE = "Sunday with the kids, a museum, vegan lunch, back by 18:00, EV at 40 %";
const INTERESTS = [
  "museum", "gallery", "attraction", "historic", "park", "viewpoint", "playground",
  "beach", "artwork", "entertainment", "library", "cafe",
];
const DIETS = ["vegan", "vegetarian", "gluten_free", "lactose_free", "halal", "kosher"];
const MEALS = { lunch: ["11:30", "14:00"], dinner: ["17:00", "20:00"], breakfast: ["07:30", "10:00"] };

const START_KEY = "codriver.start";


function progressBox() {
  const bar = h("progress", { max: 1, value: 0, "aria-label": "Planning progress" });
  const text = h("span", { class: "stage" }, "Starting…");
  const box = h("div", { class: "progress card", role: "status", "aria-live": "polite", hidden: true }, text, bar);
  return {
    box,
    show(job) {
      box.hidden = false;
      const stages = {
        queued: "Waiting for a planner…", planning: "Planning…", understanding: "Reading your request…",
        done: "Done", failed: "Planning failed",
      };
      text.textContent = stages[job.stage] || label(job.stage || job.status);
      bar.value = job.progress || 0;
    },
    hide() { box.hidden = true; },
  };
}

async function plan(body, progress, buttons) {
  buttons.forEach((b) => { b.disabled = true; });
  progress.show({ stage: "queued", progress: 0.05 });
  try {
    const trip = await api.planAndWait({ ...body, background: true }, (job) => progress.show(job));
    notify(`Planned “${trip.title}”.`, "ok", true);
    location.hash = `#/trips/${trip.id}`;
  } catch (error) {
    progress.hide();
    fail(error);
    throw error;
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function vehicleSelect(vehicles) {
  return h("select", { name: "vehicle" },
    h("option", { value: "" }, "No saved vehicle"),
    vehicles.map((v) => h("option", { value: String(v.id) }, `${v.name} (${v.powertrain.toUpperCase()})`)));
}

/** "lat,lon" of a start typed as coordinates, else null (distances are measured from it). */
function startPoint(input) {
  const value = chosenPlace(input);
  return /^-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?$/.test(value) ? value : null;
}

/** #/new */
export async function showNewTrip(main) {
  const [regions, vehicles, prefs] = await Promise.all([
    api.regions(), api.get("/vehicles").catch(() => []), api.get("/preferences").catch(() => null),
  ]);
  const region = regions.find((r) => r.default) || regions[0] || null;
  const zone = (region && region.timezone) || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const progress = progressBox();

  // -- free text
  const text = h("textarea", { name: "text", rows: 3, placeholder: EXAMPLE, required: true });
  const start = h("input", {
    type: "text", name: "start", autocomplete: "street-address", value: localStorage.getItem(START_KEY) || "",
  });
  const textVehicle = vehicleSelect(vehicles);
  const textButton = h("button", { type: "submit" }, "Plan from text");
  const textForm = h("form", { class: "card", "aria-labelledby": "free-text-title" },
    h("h2", { id: "free-text-title" }, "Describe your day"),
    field("What would you like to do?", text, `For example: “${EXAMPLE}”.`),
    field("Start from", start, "A place or street name of the region, unless the text says where you start."),
    region ? placeSearch(start, { region: () => region.name }) : null,
    field("Vehicle", textVehicle),
    textButton);

  // -- structured form
  const centre = region ? [(region.bounds[1] + region.bounds[3]) / 2, (region.bounds[0] + region.bounds[2]) / 2] : null;
  const tomorrow = wallParts(new Date(Date.now() + 86400000).toISOString(), zone).date;
  const inputs = {
    title: h("input", { type: "text", name: "title", maxlength: 120, placeholder: "Day out" }),
    origin: h("input", {
      type: "text", name: "origin", required: true,
      value: centre ? `${centre[0].toFixed(5)},${centre[1].toFixed(5)}` : "",
    }),
    destination: h("input", { type: "text", name: "destination", placeholder: "back to the start" }),
    date: h("input", { type: "date", name: "date", required: true, value: tomorrow }),
    depart: h("input", { type: "time", name: "depart", required: true, value: "10:00" }),
    back: h("input", { type: "time", name: "return", required: true, value: "18:00" }),
    adults: h("input", { type: "number", name: "adults", min: 1, max: 20, value: "2" }),
    children: h("input", { type: "number", name: "children", min: 0, max: 20, value: "0" }),
    budget: h("input", { type: "number", name: "budget", min: 0, step: "any", placeholder: "no limit" }),
    powertrain: h("select", { name: "powertrain" },
      h("option", { value: "ev" }, "Electric"), h("option", { value: "ice" }, "Petrol or diesel")),
    soc: h("input", { type: "number", name: "soc", min: 0, max: 100, value: "80" }),
    vehicle: vehicleSelect(vehicles),
  };
  const liked = new Set(Object.keys((prefs && prefs.interests) || {}));
  const interestBoxes = INTERESTS.map((c) => checkbox(label(c), { name: "interest", value: c, checked: liked.has(c) }));
  const dietBoxes = DIETS.map((d) => checkbox(label(d), {
    name: "diet", value: d, checked: Boolean(prefs && prefs.diet && prefs.diet.includes(d)),
  }));
  const mealBoxes = Object.keys(MEALS).map((m) => checkbox(
    `${label(m)} (${MEALS[m][0]}–${MEALS[m][1]})`, { name: "meal", value: m, checked: m === "lunch" },
  ));
  const formButton = h("button", { type: "submit" }, "Plan this trip");
  const structured = h("form", { class: "card", "aria-labelledby": "form-title" },
    h("h2", { id: "form-title" }, "Or fill in the details"),
    h("div", { class: "grid" },
      field("Title", inputs.title),
      field("Start", inputs.origin, "Type a place or street name of the region and choose it, or latitude,longitude."),
      region ? placeSearch(inputs.origin, { region: () => region.name }) : null,
      field("End (optional)", inputs.destination),
      region ? placeSearch(inputs.destination, { region: () => region.name, near: () => startPoint(inputs.origin) }) : null,
      field("Date", inputs.date),
      field("Leave at", inputs.depart),
      field("Back by", inputs.back),
      field("Adults", inputs.adults),
      field("Children", inputs.children),
      field(`Budget (${(prefs && prefs.currency) || "EUR"})`, inputs.budget),
      field("Vehicle", inputs.vehicle),
      field("Powertrain", inputs.powertrain),
      field("Charge or tank now (%)", inputs.soc)),
    h("fieldset", {}, h("legend", {}, "Interests"), h("div", { class: "checks" }, interestBoxes)),
    h("fieldset", {}, h("legend", {}, "Diet"), h("div", { class: "checks" }, dietBoxes)),
    h("fieldset", {}, h("legend", {}, "Meals"), h("div", { class: "checks" }, mealBoxes)),
    formButton);

  const buttons = [textButton, formButton];
  const vehicleId = (select) => (select.value ? Number(select.value) : undefined);
  textForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (text.value.trim().length < 3) {
      notify("Describe the trip in a few words first.", "error");
      text.focus();
      return;
    }
    const from = chosenPlace(start);
    if (from) localStorage.setItem(START_KEY, from);
    plan({ text: text.value.trim(), origin: from || undefined,  // "lat,lon", an ID or a name; a start in the text wins
      vehicle_id: vehicleId(textVehicle) }, progress, buttons)
      .catch((error) => { if ((error.field === "text" && !from) || error.field === "location") start.focus(); });
  });
  structured.addEventListener("submit", (event) => {
    event.preventDefault();
    const checked = (name) => [...structured.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value);
    const request = {
      origin: chosenPlace(inputs.origin),
      depart_at: zonedIso(inputs.date.value, inputs.depart.value, zone),
      return_by: zonedIso(inputs.date.value, inputs.back.value, zone),
      party: { adults: Number(inputs.adults.value || 1), children: Number(inputs.children.value || 0) },
      interests: Object.fromEntries(checked("interest").map((c) => [c, 1.0])),
      diet: checked("diet"),
      meals: checked("meal").map((m) => ({ meal: m, earliest: MEALS[m][0], latest: MEALS[m][1] })),
      vehicle: { powertrain: inputs.powertrain.value, soc: Number(inputs.soc.value || 80) / 100 },
    };
    if (region) request.region = region.name;
    if (inputs.destination.value.trim()) request.destination = chosenPlace(inputs.destination);
    if (inputs.budget.value) request.budget = Number(inputs.budget.value);
    const body = { request, vehicle_id: vehicleId(inputs.vehicle) };
    if (inputs.title.value.trim()) body.title = inputs.title.value.trim();
    plan(body, progress, buttons).catch(() => {});
  });

  mount(main, h("h1", { tabindex: -1 }, "Plan a new trip"), progress.box, textForm, structured);
}
