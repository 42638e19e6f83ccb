// The message area every view reports through (role=alert for errors, status otherwise).

import { h } from "./dom.js";

const messages = () => document.getElementById("messages");

/**
 * Show a message (text, or an array of text and nodes): kind "error" (assertive), "info" or "ok" (polite).
 * With keep, the message survives the next change of page (e.g. "planned" before showing the trip).
 */
export function notify(text, kind = "info", keep = false) {
  const item = h(
    "div", { class: `message message-${kind}`, role: kind === "error" ? "alert" : "status", "data-keep": keep },
    h("span", {}, text),
    h("button", { type: "button", class: "link", "aria-label": "Dismiss message", onclick: () => item.remove() }, "×"),
  );
  messages().replaceChildren(item);
}

// Field names a traveller may meet in an error, in their words (the rest: "a value").
const FIELD_WORDS = {
  return_by: "The return time", depart_at: "The departure time", origin: "The start", destination: "The end",
  must_visit: "A must-see place", stops: "A stop", poi_id: "The place", charger_id: "The charger", stay_min: "The stay",
  position: "The position", budget: "The budget", message: "The message", text: "The request", party: "The party",
  vehicle: "The car", soc: "The battery level", email: "The e-mail address", password: "The password",
  title: "The title", rating: "The rating", comment: "The comment", meals: "A meal", date: "The day",
};
const IDENTIFIER = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g;

/** Words a traveller can read: no "(field: x)", no "body field x.y:", no snake_case names, no validator jargon. */
export function plainWords(text) {
  return String(text)
    .replace(/\s*\((?:field:?\s*)?[a-z][a-z0-9_.[\]]*\)/gi, (m) => (/[_.[]|field/i.test(m) ? "" : m))
    .replace(/^(?:body|query|path|header)\s+field\s+[\w.[\]]+:\s*/i, "")
    .replace(/\bValue error,\s*/g, "")
    .replace(IDENTIFIER, (word) => word.replaceAll("_", " "));
}

/** An API error in plain words: the field it names said as words (never printed raw). */
export function plainError(error) {
  if (!error) return "Something went wrong.";
  const first = error.body && Array.isArray(error.body.errors) ? error.body.errors[0] : null;
  if (error.status === 422 && first) {
    const key = String(first.field || "").split(".").pop().replace(/\[\d+\]$/, "");
    const said = plainWords(first.message || "check it").replace(/\.$/, "");
    return FIELD_WORDS[key] ? `${FIELD_WORDS[key]} is not valid: ${said}.` : `${said.charAt(0).toUpperCase()}${said.slice(1)}.`;
  }
  return plainWords(error.message || error);
}

/** Show an error from the API in plain words (the field it names is for programs, not printed). */
export function fail(error) {
  notify(plainError(error), "error");
}

/** Drop the messages of the previous page (a kept one survives once). */
export function clearMessages() {
  for (const item of [...messages().children]) {
    if (item.hasAttribute("data-keep")) item.removeAttribute("data-keep");
    else item.remove();
  }
}


const leaving = [];

/** Run `fn` when the user leaves the current page (streams, timers). */
export function onLeave(fn) {
  leaving.push(fn);
}

/** Called by the router before it shows another page. */
export function leave() {
  while (leaving.length) {
    try { leaving.pop()(); } catch { /* a cleanup must not stop the others */ }
  }
}
