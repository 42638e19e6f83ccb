// Sign in and register.

import * as api from "./api.js";
import { field, h, mount } from "./dom.js";
import { notify } from "./ui.js";

const FIELD_NAMES = { email: "The e-mail address", password: "The password", display_name: "The name" };

/** An API error of the account forms in plain words, without field names or validator jargon. */
export function plainError(error) {
  const first = error && error.body && Array.isArray(error.body.errors) ? error.body.errors[0] : null;
  if (!first || error.status !== 422) return error && error.message ? error.message : String(error);
  const name = FIELD_NAMES[first.field] || "A value";
  const count = /(\d+)/.exec(first.message || "");
  if (first.field === "email" && first.type !== "string_too_long") return "Enter an e-mail address such as ann@example.org.";
  if (first.type === "string_too_short" && count) return `${name} needs at least ${count[1]} characters.`;
  if (first.type === "string_too_long" && count) return `${name} can have at most ${count[1]} characters.`;
  if (first.type === "missing") return `${name} is missing.`;
  return `${name} is not valid: ${first.message}.`;
}

function form(title, button, fields, submit, check = () => null) {
  const errorBox = h("p", { class: "form-error", role: "alert", hidden: true });
  const el = h(
    "form", { class: "card auth-form", "aria-label": title, novalidate: true },
    h("h2", {}, title), ...fields, errorBox,
    h("button", { type: "submit" }, button),
  );
  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submitButton = el.querySelector("button[type=submit]");
    errorBox.hidden = true;
    const problem = check();
    if (problem) {  // said once, next to the form; the message area stays quiet
      errorBox.textContent = problem;
      errorBox.hidden = false;
      return;
    }
    submitButton.disabled = true;
    try {
      await submit();
      location.hash = "#/trips";
    } catch (error) {
      errorBox.textContent = plainError(error);
      errorBox.hidden = false;
    } finally {
      submitButton.disabled = false;
    }
  });
  return el;
}

/** The sign-in page with the registration form beside it. */
export async function showLogin(main) {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const signIn = form(
    "Sign in", "Sign in",
    [field("E-mail", email), field("Password", password)],
    () => api.signIn(email.value.trim(), password.value),
    () => (email.value.trim() && password.value ? null : "Enter your e-mail address and password."),
  );
  const newEmail = h("input", { type: "email", name: "new-email", autocomplete: "email", required: true });
  const newName = h("input", { type: "text", name: "display-name", autocomplete: "name" });
  const newPassword = h("input", {
    type: "password", name: "new-password", autocomplete: "new-password", required: true, minlength: 8,
  });
  const register = form(
    "Create an account", "Register",
    [field("E-mail", newEmail), field("Name (optional)", newName), field("Password", newPassword, "At least 8 characters.")],
    async () => {
      await api.register(newEmail.value.trim(), newPassword.value, newName.value.trim());
      notify("Welcome! Your account is ready.", "ok", true);
    },
    () => {
      if (!newEmail.value.trim()) return "Enter your e-mail address.";
      if (newPassword.value.length < 8) return "The password needs at least 8 characters.";
      return null;
    },
  );
  mount(
    main,
    h("h1", { tabindex: -1 }, "Plan car trips with Codriver"),
    h("p", { class: "lead" },
      "Tell Codriver about your day — places, food, charging, when to be back — and get a checked itinerary on a map."),
    h("div", { class: "columns" }, signIn, register),
  );
}
