// The web UI: the session first (a cookie from the login, or the unix socket's peer), then pages by the URL's hash:
// #/ the VM list, #/vm/NAME one VM, #/create a VM from a pasted config, #/host the host.
import "@xterm/xterm/css/xterm.css";
import "./style.css";
import { api, ApiError, setCsrf, whenUnauthorized, type SessionInfo } from "./api";
import { h, show } from "./dom";
import { startEvents, stopEvents } from "./events";
import { adminPage } from "./admin";
import { createPage } from "./createpage";
import { hostPage } from "./hostpage";
import { loginPage } from "./login";
import { templatesPage } from "./templates";
import { vmList } from "./vmlist";
import { vmPage } from "./vmpage";

const app = document.getElementById("app")!;
const main = h("main", { id: "main" });
let session: SessionInfo | null = null;
let leave: () => void = () => {};

function route(): void {
  if (!session) return;
  leave();
  const hash = decodeURIComponent(location.hash.replace(/^#/, ""));
  const vm = /^\/vm\/(.+)$/.exec(hash);
  const pages: Record<string, (root: HTMLElement) => () => void> = { "/host": hostPage, "/create": createPage, "/templates": templatesPage, "/admin": adminPage };
  leave = vm ? vmPage(main, vm[1]) : (pages[hash] ?? vmList)(main);
  const page = hash in pages ? `#${hash}` : "#/";
  adminLink();
  document.querySelectorAll("nav a").forEach((a) => a.toggleAttribute("aria-current", a.getAttribute("href") === page));
}

// Admin only for who may change users, ACLs or projects (privileges on /access beyond seeing); asked again on each page,
// so a role granted meanwhile shows it. #/admin itself shows each card's refusal to anyone else.
function adminLink(): void {
  void api<{ privileges?: string[] | null }>("GET", "/v1/access/whoami?path=/access").then(
    (w) => {
      const nav = document.querySelector("header nav");
      const may = w.privileges?.some((p) => p !== "VM.Audit") ?? false;
      const link = nav?.querySelector("a[href='#/admin']");
      if (may && nav && !link) nav.append(h("a", { href: "#/admin", "aria-current": location.hash === "#/admin" }, "Admin"));
      if (!may) link?.remove();
    },
    () => {},
  );
}

function loggedIn(s: SessionInfo): void {
  session = s;
  setCsrf(s.csrf);
  const logout = h(
    "button",
    {
      type: "button",
      class: "link",
      onclick: async () => {
        try {
          await api("DELETE", "/v1/session");
        } catch {
          // Ended already: the login comes next either way.
        }
        loggedOut();
      },
    },
    "Log out",
  );
  const header = h(
    "header",
    {},
    h("a", { class: "brand", href: "#/" }, "Hospes"),
    h("nav", { "aria-label": "Pages" }, h("a", { href: "#/" }, "VMs"), h("a", { href: "#/create" }, "Create"), h("a", { href: "#/templates" }, "Templates"), h("a", { href: "#/host" }, "Host")),
    h("span", { class: "who", "data-testid": "user" }, s.display),
    s.csrf ? logout : null,
  );
  show(app, header, main);

  startEvents();
  route();
}

function loggedOut(): void {
  leave();
  leave = () => {};
  session = null;
  setCsrf(null);
  stopEvents();
  loginPage(app, loggedIn);
}

whenUnauthorized(() => {
  if (session) loggedOut();
});
window.addEventListener("hashchange", route);

try {
  loggedIn(await api<SessionInfo>("GET", "/v1/session"));
} catch (e) {
  if (e instanceof ApiError && e.status === 401) loggedOut();
  else show(app, h("p", { class: "message", role: "alert" }, `hospesd did not answer: ${e instanceof Error ? e.message : String(e)}`));
}
