// The login form: POST /v1/session with the user's name and password, or an API token (hospes_ID_SECRET) instead;
// hospesd sets the session cookie.
import { api, ApiError, type SessionInfo } from "./api";
import { h, show } from "./dom";

export function loginPage(root: HTMLElement, done: (s: SessionInfo) => void): void {
  const user = h("input", { id: "user", name: "username", autocomplete: "username", required: true, autofocus: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const message = h("p", { class: "message", role: "alert" });
  const submit = h("button", { type: "submit" }, "Log in");
  const userLabel = h("label", { for: "user" }, "User");
  const secretLabel = h("label", { for: "password" }, "Password");
  // An API token names its user itself: the user field goes, the secret field takes the token.
  const useToken = h("input", {
    id: "use-token",
    type: "checkbox",
    onchange: () => {
      user.hidden = userLabel.hidden = useToken.checked;
      user.required = !useToken.checked;
      secretLabel.textContent = useToken.checked ? "API token (hospes_…)" : "Password";
      password.autocomplete = useToken.checked ? "off" : "current-password";
      (useToken.checked ? password : user).focus();
    },
  });
  const form = h(
    "form",
    {
      class: "login",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        submit.disabled = true;
        message.textContent = "";
        try {
          const body = useToken.checked ? { token: password.value.trim() } : { user: user.value, password: password.value };
          done(await api<SessionInfo>("POST", "/v1/session", body));
        } catch (err) {
          message.textContent = err instanceof ApiError ? err.message : String(err);
          password.select();
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h1", {}, "Hospes"),
    userLabel,
    user,
    secretLabel,
    password,
    h("label", {}, useToken, " log in with an API token"),
    submit,
    message,
  );
  show(root, form);
  user.focus();
}
