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

/** Show an error from the API (its detail and the field it names). */
export function fail(error) {
  const where = error && error.field ? ` (field: ${error.field})` : "";
  notify(`${error && error.message ? error.message : error}${where}`, "error");
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
