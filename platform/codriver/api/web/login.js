// Sign in and register.

import * as api from "./api.js";
import { field, h, mount } from "./dom.js";
import { fail, notify } from "./ui.js";

function form(title, button, fields, submit) {
  const errorBox = h("p", { class: "form-error", role: "alert", hidden: true });
  const el = h(
    "form", { class: "card auth-form", "aria-label": title, novalidate: true },
    h("h2", {}, title), ...fields, errorBox,
    h("button", { type: "submit" }, button),
  );
  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    const submitButton = el.querySelector("button[type=submit]");
    submitButton.disabled = true;
    errorBox.hidden = true;
    try {
      await submit();
      location.hash = "#/trips";
    } catch (error) {
      errorBox.textContent = error.field ? `${error.message} (field: ${error.field})` : error.message;
      errorBox.hidden = false;
      fail(error);
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
  );
  mount(
    main,
    h("h1", { tabindex: -1 }, "Plan car trips with Codriver"),
    h("p", { class: "lead" },
      "Tell Codriver about your day — places, food, charging, when to be back — and get a checked itinerary on a map."),
    h("div", { class: "columns" }, signIn, register),
  );
}
