// One trip: map, timeline, problems, totals; change it (stops, chat, return time);
// its itinerary versions with the difference each change made; feedback.

import * as api from "./api.js";
import { chatBox, returnTimeBox, stopActions } from "./changes.js";
import { chargerChoice } from "./chargers.js";
import { editableChips } from "./chips.js";
import { addStopBox, enableDrag, stopEdits } from "./edits.js";
import { field, h, mount } from "./dom.js";
import { changeName, dateTime, distance, duration, label, money, shift } from "./format.js";
import { renderMap } from "./map.js";
import { renderProblems, renderTimeline, renderTotals, statusText } from "./timeline.js";
import { follow } from "./live.js";
import { fail, notify, onLeave } from "./ui.js";

function diffSection(diff, currency) {
  const change = (c) => h("li", {}, `${changeName(c)} (${label(c.kind)})`);
  const moved = (c) => h("li", {}, `${changeName(c)}: ${shift(c.shift_s)}`);
  const t = diff.totals || {};
  const totals = [
    t.distance_m ? `distance ${t.distance_m > 0 ? "+" : "−"}${distance(Math.abs(t.distance_m))}` : null,
    t.duration_s ? `trip time ${shift(t.duration_s)}` : null,
    t.cost ? `cost ${t.cost > 0 ? "+" : "−"}${money(Math.abs(t.cost), currency)}` : null,
  ].filter(Boolean);
  const nothing = !diff.added.length && !diff.removed.length && !diff.retimed.length;
  return h("section", { class: "card diff", "aria-labelledby": "diff-title" },
    h("h2", { id: "diff-title", tabindex: -1 }, `What changed: version ${diff.to_version} against version ${diff.from_version}`),
    nothing ? h("p", {}, "The stops and times are the same.") : null,
    diff.added.length ? [h("h3", {}, "Added"), h("ul", { class: "added" }, diff.added.map(change))] : null,
    diff.removed.length ? [h("h3", {}, "Removed"), h("ul", { class: "removed" }, diff.removed.map(change))] : null,
    diff.retimed.length ? [h("h3", {}, "New times"), h("ul", { class: "retimed" }, diff.retimed.map(moved))] : null,
    totals.length ? h("p", { class: "delta" }, `Totals: ${totals.join(", ")}.`) : null);
}

function tripFeedback(tripId) {
  const rating = h("select", { name: "trip-rating" }, [5, 4, 3, 2, 1].map((n) => h("option", { value: String(n) }, `${n} ★`)));
  const comment = h("input", { type: "text", name: "comment", maxlength: 2000 });
  const send = h("button", { type: "submit" }, "Send feedback");
  const form = h("form", { class: "card inline-form", "aria-labelledby": "feedback-title" },
    h("h2", { id: "feedback-title" }, "How was the trip?"),
    field("Rating", rating), field("Comment (optional)", comment), send);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    send.disabled = true;
    try {
      const body = { rating: Number(rating.value) };
      if (comment.value.trim()) body.comment = comment.value.trim();
      await api.post(`/trips/${tripId}/feedback`, body);
      notify("Thanks for your feedback!", "ok");
      comment.value = "";
    } catch (error) {
      fail(error);
    } finally {
      send.disabled = false;
    }
  });
  return form;
}

/**
 * Share and export: download the shown version as GPX or iCalendar; create a read-only
 * link (its address is shown once: the service keeps only a hash) and revoke links.
 */
function shareExport(tripId, shownVersion, zone) {
  const list = h("ul", { class: "share-list", "aria-label": "Share links" });
  const created = h("div", { class: "share-created", "aria-live": "polite" });
  const exportButton = (text, kind) => {
    const button = h("button", { type: "button", class: "secondary" }, text);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const name = await api.download(`/trips/${tripId}/itinerary.${kind}?version=${shownVersion}`);
        notify(`Downloaded ${name}.`, "ok");
      } catch (error) {
        fail(error);
      } finally {
        button.disabled = false;
      }
    });
    return button;
  };

  async function refresh() {
    const shares = await api.get(`/trips/${tripId}/shares`).catch(() => []);
    const open = shares.filter((s) => !s.revoked_at);
    list.replaceChildren(...(open.length ? open.map((share) => {
      const when = dateTime(share.created_at, zone);
      const revoke = h("button", { type: "button", class: "secondary danger", "aria-label": `Revoke the link made ${when}` },
        "Revoke");
      revoke.addEventListener("click", async () => {
        revoke.disabled = true;
        try {
          await api.del(`/trips/${tripId}/shares/${share.id}`);
          created.replaceChildren();
          await refresh(); // the list shows the link gone when the message says so
          notify("The link no longer works.", "ok");
        } catch (error) {
          revoke.disabled = false;
          fail(error);
        }
      });
      return h("li", { class: "share", "data-share": share.id }, h("span", {}, `Link made ${when}`), revoke);
    }) : [h("li", { class: "empty" }, "Not shared.")]));
  }

  const shareButton = h("button", { type: "button" }, "Create share link");
  shareButton.addEventListener("click", async () => {
    shareButton.disabled = true;
    try {
      const share = await api.post(`/trips/${tripId}/shares`);
      const address = h("input", { type: "text", readonly: true, class: "share-link", value: share.url, name: "share-link" });
      const copy = h("button", { type: "button", class: "secondary" }, "Copy");
      copy.addEventListener("click", async () => {
        address.select();
        try {
          await navigator.clipboard.writeText(share.url);
          notify("Link copied.", "ok");
        } catch {
          notify("Select the link and copy it (Ctrl+C).", "info");
        }
      });
      created.replaceChildren(field("Read-only link (copy it now: it is shown only once)", address), copy);
      address.focus();
      address.select();
      await refresh();
    } catch (error) {
      fail(error);
    } finally {
      shareButton.disabled = false;
    }
  });
  refresh();
  return h("section", { class: "card share-export", "aria-labelledby": "share-title" },
    h("h2", { id: "share-title" }, "Share and export"),
    h("div", { class: "actions" },
      exportButton("Download GPX", "gpx"), exportButton("Download calendar (iCal)", "ics"), shareButton),
    created,
    h("p", { class: "hint" }, "Anyone with a link sees this trip (start and end included) until you revoke it."),
    list);
}

/** #/trips/{id} */
export async function showTrip(main, tripId) {
  const [trip, versions, feedback, regions] = await Promise.all([
    api.get(`/trips/${tripId}`),
    api.get(`/trips/${tripId}/itineraries`),
    api.get(`/trips/${tripId}/feedback`).catch(() => []),
    api.regions(),
  ]);
  const state = { trip, versions, feedback, shown: trip.itinerary, diff: null, chat: [] };

  async function onChanged(detail, reason) {
    const before = state.trip.current_version;
    state.trip = detail;
    state.shown = detail.itinerary;
    state.diff = null;
    if (detail.current_version !== before) {
      state.diff = await api.get(`/trips/${tripId}/diff?from_version=${before}&to_version=${detail.current_version}`)
        .catch(() => null);
    }
    state.versions = await api.get(`/trips/${tripId}/itineraries`);
    draw();
    notify(`${reason} Now showing version ${detail.current_version}.`, "ok");
    const heading = main.querySelector("#diff-title") || main.querySelector("h1");
    if (heading) heading.focus();
  }

  async function showVersion(version) {
    try {
      state.shown = await api.get(`/trips/${tripId}/itineraries/${version}`);
      state.diff = version > 1
        ? await api.get(`/trips/${tripId}/diff?from_version=${version - 1}&to_version=${version}`).catch(() => null)
        : null;
      draw();
      main.querySelector("#version-select").focus();
    } catch (error) {
      fail(error);
    }
  }

  async function draw() {
    const { trip: t, shown } = state;
    const itinerary = shown ? shown.itinerary : null;
    const regionName = (itinerary && itinerary.region) || t.region;
    const region = regions.find((r) => r.name === regionName);
    const zone = (itinerary && itinerary.timezone) || (region && region.timezone) || undefined;
    const currency = (t.request && t.request.currency) || "EUR";
    const current = shown && shown.version === t.current_version;
    const reload = async () => onChanged(await api.get(`/trips/${tripId}`),
      "The trip changed meanwhile (another window or the car): reloaded. Check it and try again.");
    const ctx = { tripId, current, onChanged, reload, version: t.current_version, chat: state.chat };
    const ratings = new Map(state.feedback.filter((f) => f.place_id).map((f) => [f.place_id, f.rating]));

    const versionSelect = h("select", { id: "version-select", name: "version" },
      state.versions.map((v) => h("option", { value: String(v.version), selected: shown && v.version === shown.version },
        `Version ${v.version}${v.version === t.current_version ? " (current)" : ""} — ${v.reason || label(v.status)}`)));
    versionSelect.addEventListener("change", () => showVersion(Number(versionSelect.value)));

    const head = h("div", { class: "page-head" },
      h("div", {},
        h("h1", { tabindex: -1 }, t.title),
        h("p", { class: "meta" },
          h("span", { class: `badge status-${itinerary ? itinerary.status : t.status}${itinerary && (itinerary.relaxed || []).length ? " status-partial" : ""}` },
            itinerary ? statusText(itinerary) : label(t.status)),
          t.request && t.request.depart_at ? ` ${dateTime(t.request.depart_at, zone)}` : "",
          itinerary && itinerary.totals ? ` · ${duration(itinerary.totals.duration_s)}` : "")),
      state.versions.length ? field("Itinerary version", versionSelect) : null);

    if (!itinerary) {
      mount(main, head, h("p", { class: "empty" }, "This trip has no itinerary yet."), h("a", { href: "#/new" }, "Plan a trip"));
      return;
    }
    const mapBox = h("div", { class: "map", id: "map" });
    let mapView = null;
    const timeline = renderTimeline(itinerary, {
      zone, currency, ratings,
      actions: (stop, i) => [stopEdits(ctx, itinerary, t.request, stop), stopActions(ctx, stop, i),
        current ? chargerChoice(ctx, stop, i) : null],
      onFocusStop: (i) => mapView && mapView.highlight(i),
    });
    mount(
      main,
      head,
      current ? null : h("p", { class: "message message-info" }, `You are looking at an older version (${shown.version}). `,
        h("button", { type: "button", class: "link", onclick: () => showVersion(t.current_version) }, "Show the current one")),
      state.diff ? diffSection(state.diff, currency) : null,
      current ? editableChips(ctx, t.request, zone, new Map(itinerary.stops.map((s) => [s.poi_id, s.name]))) : null,
      renderProblems(itinerary, { understood: !current }),
      h("div", { class: "trip-layout" },
        h("section", { class: "map-column", "aria-labelledby": "map-title" },
          h("h2", { id: "map-title" }, "Map"), mapBox, renderTotals(itinerary, currency)),
        h("section", { class: "timeline-column", "aria-labelledby": "timeline-title" },
          h("h2", { id: "timeline-title" }, "Timeline"), timeline)),
      current ? addStopBox(ctx, itinerary, t.request) : null,
      current ? h("div", { class: "change-row" }, chatBox(ctx), returnTimeBox(ctx, t.request, zone)) : null,
      shareExport(tripId, shown.version, zone),
      tripFeedback(tripId),
    );
    enableDrag(ctx, timeline, itinerary, t.request);
    const roads = regionName ? await api.regionMap(regionName) : null;
    if (!mapBox.isConnected) return; // the page changed meanwhile
    mapView = renderMap(mapBox, itinerary, roads, (i) => {
      const item = main.querySelector(`#stop-${i}`);
      if (item) {
        item.scrollIntoView({ block: "nearest", behavior: "smooth" });
        item.focus({ preventScroll: true });
      }
      mapView.highlight(i);
    });
  }

  await draw();

  // versions made elsewhere (the car's events, another tab) are announced as they arrive
  const stop = follow(tripId, ({ event, data }) => {
    if (event === "itinerary" && data && data.version > state.trip.current_version) {
      const show = h("button", {
        type: "button", class: "link", onclick: async () => {
          try {
            await onChanged(await api.get(`/trips/${tripId}`), `Version ${data.version} arrived.`);
          } catch (error) {
            fail(error);
          }
        },
      }, `Show version ${data.version}`);
      notify([`The plan changed: ${data.reason || "new version"}.`, " ", show], "info");
    } else if (event === "alert" && data) {
      notify(data.message || data.text || "The trip needs your attention.", "error");
    }
  });
  onLeave(stop);
}
