// Entry point: hash routing (#/login, #/trips, #/trips/12, #/new, #/preferences, and
// #/shared/<token>, the one page open without signing in), the header, and the message
// area every view reports through.

import * as api from "./api.js";
import { h, mount } from "./dom.js";
import { showLogin } from "./login.js";
import { showNewTrip } from "./newtrip.js";
import { showPreferences } from "./prefs.js";
import { showShared } from "./shared.js";
import { showTrip } from "./trip.js";
import { showTrips } from "./trips.js";
import { clearMessages, fail, leave, notify } from "./ui.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");

const ROUTES = [
  [/^#\/login$/, () => showLogin(main)],
  [/^#\/trips$/, () => showTrips(main)],
  [/^#\/new$/, () => showNewTrip(main)],
  [/^#\/trips\/(\d+)$/, (m) => showTrip(main, Number(m[1]))],
  [/^#\/preferences$/, () => showPreferences(main)],
  [/^#\/shared\/([A-Za-z0-9_-]{1,200})$/, (m) => showShared(main, m[1])],
];
const PUBLIC = /^#\/shared\//;

function renderNav() {
  if (!api.token()) {
    nav.replaceChildren(PUBLIC.test(location.hash) ? h("a", { href: "#/login" }, "Sign in") : []);
    return;
  }
  const here = location.hash;
  const link = (href, text) =>
    h("a", { href, "aria-current": here === href || (href === "#/trips" && here.startsWith("#/trips/")) ? "page" : null }, text);
  mount(
    nav,
    link("#/trips", "Trips"),
    link("#/new", "New trip"),
    link("#/preferences", "Preferences"),
    h("button", {
      type: "button", class: "secondary", onclick: async () => {
        try { await api.signOut(); } catch { /* the token is dropped anyway */ }
        location.hash = "#/login";
      },
    }, "Sign out"),
  );
}

let renderCount = 0;
async function route() {
  const hash = location.hash || "#/trips";
  if (!api.token() && hash !== "#/login" && !PUBLIC.test(hash)) {
    location.hash = "#/login";
    return;
  }
  if (api.token() && hash === "#/login") {
    location.hash = "#/trips";
    return;
  }
  leave();
  renderNav();
  clearMessages();
  renderCount += 1;
  const mine = renderCount;
  const found = ROUTES.map(([re, view]) => [hash.match(re), view]).find(([m]) => m);
  main.replaceChildren(h("p", { class: "loading" }, "Loading…"));
  try {
    if (found) await found[1](found[0]);
    else mount(main, h("h1", { tabindex: -1 }, "Not found"), h("p", {}, h("a", { href: "#/trips" }, "Back to your trips")));
  } catch (error) {
    if (mine === renderCount) fail(error);
  }
  if (mine === renderCount) {
    const heading = main.querySelector("h1");
    if (heading && document.activeElement === document.body) heading.focus({ preventScroll: true });
  }
}

window.addEventListener("hashchange", route);
window.addEventListener("codriver:signed-out", () => {
  notify("Your session ended: please sign in again.", "info", true);
  location.hash = "#/login";
});
if (!location.hash) location.hash = api.token() ? "#/trips" : "#/login";
else route();
