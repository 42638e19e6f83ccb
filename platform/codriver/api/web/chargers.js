// Charger choice at a charging stop: the plug and power of the charger the plan uses, and
// the other chargers of the catalogue near it (sockets, power, network, "unverified" where
// OpenStreetMap does not record sockets or power). Choosing one re-plans the trip with it
// (POST /v1/trips/{id}/stops/{index}/charger).

import * as api from "./api.js";
import { h, nextId } from "./dom.js";
import { distance, label } from "./format.js";
import { fail } from "./ui.js";

const CONNECTOR_NAMES = { ccs: "CCS", type2: "Type 2", chademo: "CHAdeMO", tesla: "Tesla", type1: "Type 1",
  schuko: "Schuko", other: "other socket" };

/** "CCS ×2 (50 kW), Type 2" — or what the planner assumes when the sockets are not recorded. */
export function socketsText(option) {
  if (!option.sockets.length) {
    return `sockets not recorded${option.assumed_socket ? ` (planned as ${option.assumed_socket})` : ""}`;
  }
  return option.sockets.map((s) => `${CONNECTOR_NAMES[s.connector] || label(s.connector)}${s.count > 1 ? ` ×${s.count}` : ""}`
    + (s.power_kw ? ` (${Math.round(s.power_kw)} kW)` : "")).join(", ");
}

function facts(option) {
  const who = [option.network, option.operator].filter(Boolean).filter((v, i, all) => all.indexOf(v) === i);
  return [
    h("span", { class: "plug" }, `Plug: ${socketsText(option)}`),
    option.power_kw ? h("span", { class: "power" }, ` · up to ${Math.round(option.power_kw)} kW for your car`) : null,
    who.length ? h("span", { class: "network" }, ` · ${who.join(" / ")}`) : null,
    option.verified ? null : h("span", { class: "badge badge-unverified", title: "OpenStreetMap does not record its sockets or power" },
      "Unverified"),
  ];
}

/** Under a stop where the car charges: its charger's plug and power, and "Choose another charger…". */
export function chargerChoice(ctx, stop, index) {
  if (stop.soc_after === null || stop.soc_after === undefined || !ctx.tripId) return null;
  const plug = h("p", { class: "charger-now" }, "Charger: …");
  const panel = h("div", { class: "charger-panel", hidden: true });
  const open = h("button", { type: "button", class: "secondary choose-charger", "aria-expanded": "false",
    "aria-label": `Choose another charger at ${stop.name}` }, "Choose another charger…");
  let options = null;
  const loaded = api.get(`/trips/${ctx.tripId}/stops/${index}/chargers`).then((found) => {
    options = found;
    const mine = found.find((o) => o.current);
    plug.replaceChildren(...(mine ? [h("strong", {}, `Charger: ${mine.name}`), " · ", ...facts(mine).filter(Boolean)]
      : ["Charger: not in the catalogue any more."]));
    open.hidden = !ctx.current || found.filter((o) => !o.current).length === 0;
    return found;
  }).catch(() => {
    plug.textContent = "Charger details are not available now.";
    open.hidden = true;
  });

  function showList() {
    const headingId = nextId("chargers");
    const others = options.filter((o) => !o.current);
    const list = h("ul", { class: "chargers", "aria-labelledby": headingId }, others.map((option) => {
      const choose = h("button", { type: "button", class: "choose", "aria-label": `Charge at ${option.name}, ${distance(option.distance_m)} away` },
        "Charge here");
      choose.addEventListener("click", async () => {
        choose.disabled = true;
        try {
          const detail = await api.change("POST", `/trips/${ctx.tripId}/stops/${index}/charger`,
            { charger_id: option.poi_id }, ctx.version);
          await ctx.onChanged(detail, `Charging at ${option.name} (${distance(option.distance_m)} from ${stop.name}) instead.`);
        } catch (error) {
          if (error.status === 409 && ctx.reload) await ctx.reload().catch(fail);
          else fail(error);
        } finally {
          choose.disabled = false;
        }
      });
      return h("li", { class: "charger-option", "data-poi": option.poi_id },
        h("div", {}, h("strong", {}, option.name), ` · ${distance(option.distance_m)} away`, h("p", { class: "meta" }, facts(option))),
        choose);
    }));
    const close = h("button", { type: "button", class: "secondary", onclick: () => toggle(false) }, "Cancel");
    panel.replaceChildren(h("h4", { id: headingId }, `Chargers near ${stop.name}`), list, close);
    const first = panel.querySelector("button.choose");
    if (first) first.focus();
  }

  function toggle(show) {
    open.setAttribute("aria-expanded", String(show));
    panel.hidden = !show;
    if (show) showList();
    else { panel.replaceChildren(); open.focus(); }
  }
  open.hidden = true;
  open.addEventListener("click", async () => {
    await loaded;
    if (options) toggle(panel.hidden);
  });
  return h("div", { class: "charger-choice" }, plug, ctx.current ? open : null, panel);
}
