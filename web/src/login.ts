// The login form: POST /v1/session with the user's name and password; hospesd sets the session cookie.
import { api, ApiError, type SessionInfo } from "./api";
import { h, show } from "./dom";

export function loginPage(root: HTMLElement, done: (s: SessionInfo) => void): void {
  const user = h("input", { id: "user", name: "username", autocomplete: "username", required: true, autofocus: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const message = h("p", { class: "message", role: "alert" });
  const submit = h("button", { type: "submit" }, "Log in");
  const form = h(
    "form",
    {
      class: "login",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        submit.disabled = true;
        message.textContent = "";
        try {
          done(await api<SessionInfo>("POST", "/v1/session", { user: user.value, password: password.value }));
        } catch (err) {
          message.textContent = err instanceof ApiError ? err.message : String(err);
          password.select();
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h1", {}, "Hospes"),
    h("label", { for: "user" }, "User"),
    user,
    h("label", { for: "password" }, "Password"),
    password,
    submit,
    message,
  );
  show(root, form);
  user.focus();
}
