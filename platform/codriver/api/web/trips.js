// The list of your trips (newest first): the trip history.

import * as api from "./api.js";
import { h, mount } from "./dom.js";
import { dateTime, label } from "./format.js";

/** #/trips */
export async function showTrips(main) {
  const [trips, regions] = await Promise.all([api.get("/trips?limit=100"), api.regions()]);
  const zoneOf = (name) => (regions.find((r) => r.name === name) || {}).timezone;
  const list = trips.length
    ? h("ul", { class: "trip-list" }, trips.map((trip) => h(
      "li", { class: "card trip-item" },
      h("a", { href: `#/trips/${trip.id}`, class: "trip-link" }, trip.title),
      h("div", { class: "meta" },
        h("span", { class: `badge status-${trip.status}` }, label(trip.status)),
        ` version ${trip.current_version}`,
        trip.request && trip.request.depart_at ? ` · departs ${dateTime(trip.request.depart_at, zoneOf(trip.region))}` : "",
        trip.region ? ` · ${label(trip.region)}` : ""),
    )))
    : h("p", { class: "empty" }, "No trips yet. Plan your first one!");
  mount(
    main,
    h("div", { class: "page-head" },
      h("h1", { tabindex: -1 }, "Your trips"),
      h("a", { href: "#/new", class: "button" }, "Plan a new trip")),
    list,
  );
}
