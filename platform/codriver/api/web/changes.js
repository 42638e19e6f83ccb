// Changing a trip: replace or remove a stop (from grounded alternatives), rate a place,
// chat with the planner, move the return time. Every change that re-plans hands the new
// TripDetail to ctx.onChanged(detail, reason).

import * as api from "./api.js";
import { field, h, nextId } from "./dom.js";
import { label, wallParts, zonedIso } from "./format.js";
import { CHANGEABLE } from "./timeline.js";
import { fail, notify, plainWords } from "./ui.js";

const HOURS_TEXT = { open: "open then", closed: "closed then", unknown: "hours unknown" };

/** Run a change; a 409 (the trip moved on meanwhile) reloads the trip instead of failing. */
async function busy(button, work, ctx = null) {
  const text = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = "Working…";
  try {
    return await work();
  } catch (error) {
    if (error.status === 409 && ctx && ctx.reload) await ctx.reload().catch(fail);
    else fail(error);
    return null;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = text;
  }
}

function alternativesPanel(ctx, stop, index, panel, opener) {
  panel.hidden = false;
  panel.replaceChildren(h("p", { class: "loading", role: "status" }, "Looking for alternatives…"));
  api.get(`/trips/${ctx.tripId}/stops/${index}/alternatives?limit=8`).then((alternatives) => {
    const close = h("button", {
      type: "button", class: "secondary", onclick: () => { panel.hidden = true; panel.replaceChildren(); opener.focus(); },
    }, "Cancel");
    if (!alternatives.length) {
      const kind = label(stop.category || "place").toLowerCase();
      panel.replaceChildren(h("p", { class: "no-alternatives" },
        `No other ${kind} near ${stop.name} that is open then and not already in your trip.`), close);
      return;
    }
    const headingId = nextId("alt");
    const list = h("ul", { class: "alternatives", "aria-labelledby": headingId }, alternatives.map((alt) => {
      const choose = h("button", { type: "button", class: "choose" }, `Choose ${alt.name || label(alt.category)}`);
      choose.addEventListener("click", () => busy(choose, async () => {
        const detail = await api.change("POST", `/trips/${ctx.tripId}/stops/${index}/replace`, { poi_id: alt.poi_id },
          ctx.version);
        ctx.onChanged(detail, `Replaced “${stop.name}” with “${alt.name || alt.category}”.`);
      }, ctx));
      return h("li", { class: "alternative", "data-poi": alt.poi_id },
        h("div", {},
          h("strong", {}, alt.name || label(alt.category)),
          h("span", { class: "kind" }, ` ${label(alt.category)}`),
          h("p", { class: "meta" },
            alt.detour_min != null ? `${Math.round(alt.detour_min)} min detour · ` : "",
            h("span", { class: `hours-badge hours-${alt.hours}` }, HOURS_TEXT[alt.hours] || alt.hours)),
          alt.explanation ? h("p", { class: "why" }, alt.explanation) : null),
        choose);
    }));
    panel.replaceChildren(h("h4", { id: headingId }, `Instead of ${stop.name}`), list, close);
    const first = panel.querySelector("button.choose");
    if (first) first.focus();
  }).catch((error) => {
    panel.hidden = true;
    fail(error);
  });
}

/** The buttons under one stop of the current version: replace, remove, rate. */
export function stopActions(ctx, stop, index) {
  if (!ctx.current) return null;
  const controls = [];
  const panel = h("div", { class: "alt-panel", hidden: true });
  if (CHANGEABLE.has(stop.kind)) {
    const replace = h("button", { type: "button", class: "secondary", "aria-expanded": "false" }, "Replace…");
    replace.setAttribute("aria-label", `Replace ${stop.name}`);
    replace.addEventListener("click", () => {
      const open = panel.hidden;
      replace.setAttribute("aria-expanded", String(open));
      if (open) alternativesPanel(ctx, stop, index, panel, replace);
      else { panel.hidden = true; panel.replaceChildren(); }
    });
    // remove removes only; filling the gap is the traveller's explicit choice
    const removeButton = (fill) => {
      const button = h("button", { type: "button", class: `secondary danger ${fill ? "remove-fill" : "remove"}`,
        "aria-label": fill ? `Remove ${stop.name} and fill the gap` : `Remove ${stop.name}` },
      fill ? "Remove and fill the gap" : "Remove");
      button.addEventListener("click", () => busy(button, async () => {
        const detail = await api.change("DELETE", `/trips/${ctx.tripId}/stops/${index}${fill ? "?fill=true" : ""}`,
          undefined, ctx.version);
        ctx.onChanged(detail, fill ? `Removed “${stop.name}” and filled the gap.` : `Removed “${stop.name}”.`);
      }, ctx));
      return button;
    };
    controls.push(replace, removeButton(false), removeButton(true));
  }
  if (stop.poi_id && stop.kind !== "start" && stop.kind !== "end") {
    const rating = h("select", { "aria-label": `Your rating of ${stop.name}` },
      [5, 4, 3, 2, 1].map((n) => h("option", { value: String(n) }, `${n} ★`)));
    const rate = h("button", { type: "button", class: "secondary" }, "Rate");
    rate.setAttribute("aria-label", `Rate ${stop.name}`);
    rate.addEventListener("click", () => busy(rate, async () => {
      await api.post(`/trips/${ctx.tripId}/feedback`, { rating: Number(rating.value), place_id: stop.poi_id });
      notify(`Thanks! You rated ${stop.name} ${rating.value}/5.`, "ok");
    }));
    controls.push(h("span", { class: "rate" }, rating, rate));
  }
  if (!controls.length) return null;
  return h("div", { class: "stop-actions" }, h("div", { class: "buttons" }, controls), panel);
}

/**
 * Chat with the planner; a reply that re-plans hands over the new trip. The conversation
 * is kept in ctx.chat ([{from: "you" | "planner", text}]) so that it survives a redraw.
 */
export function chatBox(ctx) {
  const line = (entry) => h("li", { class: `from-${entry.from}` },
    h("span", { class: "sr-only" }, entry.from === "you" ? "You: " : "Planner: "), entry.text);
  const log = h("ol", { class: "chat-log", "aria-live": "polite", "aria-label": "Conversation with the planner" },
    ctx.chat.map(line));
  const say = (entry) => {
    ctx.chat.push(entry);
    log.append(line(entry));
  };
  // No maxlength: the browser would cut a long message silently. The planner reads the first
  // 2,000 characters and its reply says so when there were more (POST /trips/{id}/chat).
  const input = h("input", { type: "text", name: "message", autocomplete: "off",
    placeholder: "e.g. “add a café” or “back by 17:00”" });
  const send = h("button", { type: "submit" }, "Send");
  const form = h("form", { class: "chat-form" }, field("Message the planner", input), send);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    say({ from: "you", text: message });
    busy(send, async () => {
      const answer = await api.post(`/trips/${ctx.tripId}/chat`, { message });
      say({ from: "planner", text: plainWords(answer.reply) });
      input.value = "";
      if (answer.replanned) {
        const detail = await api.get(`/trips/${ctx.tripId}`);
        ctx.onChanged(detail, `Re-planned after your message: ${plainWords(answer.reply)}`);
      }
    });
  });
  return h("section", { class: "card", "aria-labelledby": "chat-title" },
    h("h2", { id: "chat-title" }, "Chat with the planner"), log, form);
}

/** Move the return time: the request's return_by on the same day, re-planned. */
export function returnTimeBox(ctx, request, zone) {
  const current = request && request.return_by ? wallParts(request.return_by, zone) : null;
  const input = h("input", { type: "time", name: "return-by", required: true, value: current ? current.time : "18:00" });
  const apply = h("button", { type: "submit" }, "Move return time");
  const form = h("form", { class: "card inline-form", "aria-labelledby": "return-title" },
    h("h2", { id: "return-title" }, "Return time"),
    field("Be back by", input, current ? `Now: ${current.time} on ${current.date}.` : null),
    apply);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!request || !input.value) return;
    busy(apply, async () => {
      const returnBy = zonedIso(current.date, input.value, zone);
      const detail = await api.change("PUT", `/trips/${ctx.tripId}/request`, { ...request, return_by: returnBy },
        ctx.version);
      ctx.onChanged(detail, `Return time moved to ${input.value}.`);
    }, ctx);
  });
  return form;
}
