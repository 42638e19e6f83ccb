// Preferences: diet, interests, charging networks and other defaults; your vehicles;
// the optional online map layer (kept in this browser only).

import * as api from "./api.js";
import { checkbox, field, h, mount } from "./dom.js";
import { label } from "./format.js";
import { setTileTemplate, tileTemplate } from "./map.js";
import { fail, notify } from "./ui.js";

const DIETS = ["vegan", "vegetarian", "gluten_free", "lactose_free", "halal", "kosher"];
const INTERESTS = [
  "museum", "gallery", "attraction", "historic", "park", "viewpoint", "playground",
  "beach", "artwork", "entertainment", "library", "cafe", "restaurant",
];
const CONNECTORS = ["ccs", "type2", "chademo", "tesla", "type1", "schuko"];
// What PUT /v1/preferences accepts (the public answer adds read-only fields).
const WRITABLE = [
  "diet", "cuisines", "interests", "avoid_categories", "charging_networks", "max_detour_min",
  "budget_per_day", "currency", "notes", "home_actions",
];

const list = (text) => text.split(",").map((x) => x.trim()).filter(Boolean);

function preferencesForm(prefs) {
  const diet = DIETS.map((d) => checkbox(label(d), { name: "diet", value: d, checked: prefs.diet.includes(d) }));
  const interests = INTERESTS.map((c) => checkbox(label(c), { name: "interest", value: c, checked: c in prefs.interests }));
  const networks = h("input", { type: "text", name: "networks", value: prefs.charging_networks.join(", ") });
  const cuisines = h("input", { type: "text", name: "cuisines", value: prefs.cuisines.join(", ") });
  const detour = h("input", { type: "number", name: "detour", min: 0, max: 120, value: prefs.max_detour_min ?? "" });
  const budget = h("input", { type: "number", name: "budget", min: 0, step: "any", value: prefs.budget_per_day ?? "" });
  const currency = h("input", { type: "text", name: "currency", minlength: 3, maxlength: 3, value: prefs.currency });
  const save = h("button", { type: "submit" }, "Save preferences");
  const form = h("form", { class: "card", "aria-labelledby": "prefs-title" },
    h("h2", { id: "prefs-title" }, "Travel preferences"),
    h("fieldset", {}, h("legend", {}, "Diet"), h("div", { class: "checks" }, diet)),
    h("fieldset", {}, h("legend", {}, "Interests"), h("div", { class: "checks" }, interests)),
    h("div", { class: "grid" },
      field("Charging networks", networks, "Comma-separated, e.g. Helen, K-Lataus."),
      field("Cuisines", cuisines, "Comma-separated, e.g. thai, italian."),
      field("Longest detour (minutes)", detour),
      field("Budget per day", budget),
      field("Currency", currency)),
    save);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const checked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value);
    const body = Object.fromEntries(WRITABLE.map((k) => [k, prefs[k]]));
    body.diet = checked("diet");
    body.interests = Object.fromEntries(checked("interest").map((c) => [c, prefs.interests[c] ?? 1.0]));
    body.charging_networks = list(networks.value);
    body.cuisines = list(cuisines.value);
    body.max_detour_min = detour.value === "" ? null : Number(detour.value);
    body.budget_per_day = budget.value === "" ? null : Number(budget.value);
    body.currency = currency.value.trim().toUpperCase() || "EUR";
    save.disabled = true;
    try {
      Object.assign(prefs, await api.put("/preferences", body));
      notify("Preferences saved.", "ok");
    } catch (error) {
      fail(error);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

function vehiclesCard(vehicles, refresh) {
  const name = h("input", { type: "text", name: "vehicle-name", required: true, maxlength: 80 });
  const powertrain = h("select", { name: "vehicle-powertrain" },
    h("option", { value: "ev" }, "Electric"), h("option", { value: "phev" }, "Plug-in hybrid"),
    h("option", { value: "ice" }, "Petrol or diesel"));
  const battery = h("input", { type: "number", name: "battery", min: 1, max: 300, step: "any", value: "64" });
  const consumption = h("input", { type: "number", name: "consumption", min: 1, max: 100, step: "any", value: "16" });
  const power = h("input", { type: "number", name: "max-charge", min: 1, max: 1000, step: "any", value: "77" });
  const connectors = CONNECTORS.map((c) => checkbox(c.toUpperCase(), { name: "connector", value: c, checked: c === "ccs" || c === "type2" }));
  const add = h("button", { type: "submit" }, "Add vehicle");
  const form = h("form", { class: "vehicle-form" },
    h("div", { class: "grid" },
      field("Name", name), field("Powertrain", powertrain), field("Battery (kWh)", battery),
      field("Consumption (kWh/100 km)", consumption), field("Fastest charging (kW)", power)),
    h("fieldset", {}, h("legend", {}, "Connectors"), h("div", { class: "checks" }, connectors)),
    add);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: name.value.trim(), powertrain: powertrain.value };
    if (powertrain.value !== "ice") {
      Object.assign(body, {
        battery_kwh: Number(battery.value), consumption_kwh_per_100km: Number(consumption.value),
        max_charge_kw: Number(power.value),
        connectors: [...form.querySelectorAll("input[name=connector]:checked")].map((i) => i.value),
      });
    }
    add.disabled = true;
    try {
      await api.post("/vehicles", body);
      notify(`Added ${body.name}.`, "ok");
      await refresh();
    } catch (error) {
      fail(error);
    } finally {
      add.disabled = false;
    }
  });
  const rows = vehicles.length
    ? h("ul", { class: "vehicles" }, vehicles.map((v) => h("li", {},
      h("strong", {}, v.name), ` ${v.powertrain.toUpperCase()}`,
      v.battery_kwh ? ` · ${v.battery_kwh} kWh` : "", v.connectors.length ? ` · ${v.connectors.join(", ")}` : "")))
    : h("p", { class: "empty" }, "No vehicles yet.");
  return h("section", { class: "card", "aria-labelledby": "vehicles-title" },
    h("h2", { id: "vehicles-title" }, "Vehicles"), rows, h("h3", {}, "Add a vehicle"), form);
}

function mapCard() {
  const tiles = h("input", { type: "url", name: "tiles", value: tileTemplate(), placeholder: "https://…/{z}/{x}/{y}.png" });
  const save = h("button", { type: "submit" }, "Save map setting");
  const form = h("form", { class: "card", "aria-labelledby": "map-setting-title" },
    h("h2", { id: "map-setting-title" }, "Map"),
    h("p", {}, "Maps are drawn from the region's own road data and work offline. ",
      "You may add an online tile layer under the route (this browser only); leave empty for none."),
    field("Tile URL template", tiles), save);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    setTileTemplate(tiles.value.trim());
    notify(tiles.value.trim() ? "Online tile layer set." : "Online tile layer removed.", "ok");
  });
  return form;
}

/** #/preferences */
export async function showPreferences(main) {
  const [prefs, vehicles] = await Promise.all([api.get("/preferences"), api.get("/vehicles")]);
  const slot = h("div");
  const refresh = async () => {
    try {
      slot.replaceChildren(vehiclesCard(await api.get("/vehicles"), refresh));
    } catch (error) {
      fail(error);
    }
  };
  slot.replaceChildren(vehiclesCard(vehicles, refresh));
  mount(main, h("h1", { tabindex: -1 }, "Preferences"), preferencesForm(prefs), slot, mapCard());
}
