// #/shared/<token>: a trip someone shared, read-only and open without signing in. The
// token is the only credential; a revoked or unknown one reads "no longer available".

import * as api from "./api.js";
import { h, mount } from "./dom.js";
import { dateTime, duration, label } from "./format.js";
import { renderMap } from "./map.js";
import { renderProblems, renderTimeline, renderTotals, statusText } from "./timeline.js";

/** Links that download the shared plan (plain links: the token in the path is the credential). */
function downloads(token) {
  const base = `/v1/shared/${encodeURIComponent(token)}`;
  return h("section", { class: "card share-export", "aria-labelledby": "export-title" },
    h("h2", { id: "export-title" }, "Take it with you"),
    h("div", { class: "actions" },
      h("a", { class: "button", href: `${base}/itinerary.gpx`, download: "" }, "Download GPX (navigation apps)"),
      h("a", { class: "button", href: `${base}/itinerary.ics`, download: "" }, "Download calendar (iCal)")));
}

export async function showShared(main, token) {
  let shared;
  try {
    shared = await api.get(`/shared/${encodeURIComponent(token)}`);
  } catch (error) {
    if (error.status !== 404) throw error;
    mount(main,
      h("h1", { tabindex: -1 }, "This shared trip is not available"),
      h("p", { class: "lead" },
        "The link is unknown or its owner has stopped sharing the trip. Ask them for a new link."),
      api.token() ? h("a", { href: "#/trips" }, "Back to your trips") : h("a", { href: "#/login" }, "Sign in to plan your own trips"));
    return;
  }
  const version = shared.itinerary;
  const itinerary = version ? version.itinerary : null;
  const zone = (itinerary && itinerary.timezone) || undefined;
  const head = h("div", { class: "page-head" },
    h("div", {},
      h("h1", { tabindex: -1 }, shared.title),
      h("p", { class: "meta" },
        h("span", { class: `badge status-${itinerary ? itinerary.status : shared.status}${itinerary && (itinerary.relaxed || []).length ? " status-partial" : ""}` },
          itinerary ? statusText(itinerary) : label(shared.status)),
        shared.depart_at ? ` ${dateTime(shared.depart_at, zone)}` : "",
        itinerary && itinerary.totals ? ` · ${duration(itinerary.totals.duration_s)}` : "")));
  const note = h("p", { class: "read-only", role: "note" },
    `Shared with you, read-only (version ${version ? version.version : "—"}). Only its owner can change it.`);
  if (!itinerary) {
    mount(main, head, note, h("p", { class: "empty" }, "This trip has no itinerary yet."));
    return;
  }
  const mapBox = h("div", { class: "map", id: "map" });
  let mapView = null;
  mount(
    main,
    head,
    note,
    renderProblems(itinerary),
    h("div", { class: "trip-layout" },
      h("section", { class: "map-column", "aria-labelledby": "map-title" },
        h("h2", { id: "map-title" }, "Map"), mapBox, renderTotals(itinerary, shared.currency)),
      h("section", { class: "timeline-column", "aria-labelledby": "timeline-title" },
        h("h2", { id: "timeline-title" }, "Timeline"),
        renderTimeline(itinerary, { zone, currency: shared.currency, actions: null, ratings: null,
          onFocusStop: (i) => mapView && mapView.highlight(i) }))),
    downloads(token),
  );
  const roads = await api.get(`/shared/${encodeURIComponent(token)}/map`).catch(() => null);
  if (!mapBox.isConnected) return;
  mapView = renderMap(mapBox, itinerary, roads, (i) => {
    const item = main.querySelector(`#stop-${i}`);
    if (item) item.focus({ preventScroll: true });
    mapView.highlight(i);
  });
}
