// Admin (#/admin): users, groups, API tokens, projects with their limits and use, ACL entries and roles — each a card
// over the existing /v1/access/* and /v1/projects endpoints. A caller who may not sees the API's refusal in that card.
import { api, ApiError } from "./api";
import { h, show } from "./dom";

interface User {
  name: string;
  enabled: boolean;
  expires_at?: string | null;
  has_password: boolean;
  groups: string[];
  tokens: number;
}
interface Group {
  name: string;
  members: string[];
}
interface Token {
  user: string;
  name: string;
  id: string;
  expires_at?: string | null;
  privilege_separated: boolean;
  created_at: string;
}
interface Limits {
  vms?: number | null;
  memory_mib?: number | null;
  vcpus?: number | null;
}
interface Project {
  name: string;
  limits: Limits;
  usage: { vms: number; memory_mib: number; vcpus: number };
}
interface AclEntry {
  path: string;
  subject_kind: string;
  subject: string;
  role: string;
  propagate: boolean;
}
interface Role {
  name: string;
  privileges: string[];
  built_in: boolean;
}

const esc = encodeURIComponent;
const text = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/** A card: a title, a message line for refusals, a body its loader fills; reload() runs the loader again. */
function card(title: string, id: string, loader: (body: HTMLElement, reload: () => void) => Promise<void>) {
  const body = h("div");
  const message = h("p", { class: "message", role: "alert" });
  const section = h("section", { class: "card admin", "data-testid": `admin-${id}`, "aria-label": title }, h("h2", {}, title), message, body);
  const reload = () => {
    loader(body, reload).then(
      () => (message.textContent = ""),
      (e) => {
        message.textContent = text(e);
        if (e instanceof ApiError && e.status === 403) body.replaceChildren();
      },
    );
  };
  /** Runs a change; its refusal shows in the card, success reloads it. */
  const act = async (f: () => Promise<unknown>) => {
    try {
      await f();
      message.textContent = "";
      reload();
      return true;
    } catch (e) {
      message.textContent = text(e);
      return false;
    }
  };
  return { section, reload, act };
}

const input = (name: string, label: string, type = "text", extra: Record<string, string> = {}) =>
  h("label", {}, `${label} `, h("input", { name, type, "aria-label": label, ...extra }));
const val = (form: HTMLFormElement, name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
const num = (form: HTMLFormElement, name: string) => {
  const v = val(form, name);
  return v === "" ? null : Number(v);
};
const table = (heads: string[], rows: Node[]) => h("div", { class: "scroll" }, h("table", { class: "vms" }, h("thead", {}, h("tr", {}, ...heads.map((x) => h("th", {}, x)))), h("tbody", {}, ...rows)));
const btn = (label: string, action: string, onclick: () => void) => h("button", { type: "button", "data-action": action, onclick }, label);

export function adminPage(root: HTMLElement): () => void {
  let tokensOf = "";
  let newSecret = ""; // shown once, after its create: hospesd keeps only its hash
  const tokens = card("API tokens", "tokens", async (body) => {
    if (!tokensOf) {
      show(body, h("p", { class: "muted" }, "Choose a user's Tokens above."));
      return;
    }
    const list = await api<Token[]>("GET", `/v1/access/users/${esc(tokensOf)}/tokens`);
    const secret = h("p", { class: "secret", "data-testid": "token-secret" }, newSecret && "New token (copy it now, it is not shown again): ", newSecret && h("code", {}, newSecret));
    newSecret = "";
    const form = h(
      "form",
      {
        class: "tool",
        onsubmit: async (ev: Event) => {
          ev.preventDefault();
          const name = val(form, "name") || undefined;
          const separated = (form.elements.namedItem("separated") as HTMLInputElement).checked;
          try {
            const made = await api<{ token: string }>("POST", `/v1/access/users/${esc(tokensOf)}/tokens`, { name, privilege_separated: separated });
            newSecret = made.token;
            tokens.reload();
            users.reload();
          } catch (e) {
            show(secret, h("span", { class: "message" }, text(e)));
          }
        },
      },
      input("name", "Token name"),
      h("label", {}, h("input", { type: "checkbox", name: "separated" }), " privilege-separated"),
      h("button", { type: "submit" }, "Create token"),
    );
    show(
      body,
      h("p", {}, `Tokens of ${tokensOf}`),
      table(
        ["Name", "Id", "Expires", "Separated", "Created", ""],
        list.map((t) =>
          h(
            "tr",
            { "data-token": t.name },
            h("td", {}, t.name),
            h("td", {}, t.id),
            h("td", {}, t.expires_at ?? "never"),
            h("td", {}, t.privilege_separated ? "yes" : "no"),
            h("td", {}, t.created_at),
            h("td", {}, btn("Revoke", "revoke", () => confirm(`Revoke ${t.user}!${t.name}?`) && void tokens.act(() => api("DELETE", `/v1/access/users/${esc(t.user)}/tokens/${esc(t.name)}`)))),
          ),
        ),
      ),
      form,
      secret,
    );
  });

  const users = card("Users", "users", async (body) => {
    const list = await api<User[]>("GET", "/v1/access/users");
    const form = h(
      "form",
      {
        class: "tool",
        onsubmit: async (ev: Event) => {
          ev.preventDefault();
          if (await users.act(() => api("POST", "/v1/access/users", { name: val(form, "name"), password: val(form, "password") || null }))) form.reset();
        },
      },
      input("name", "User name", "text", { id: "new-user" }),
      input("password", "Password", "password", { id: "new-user-password", autocomplete: "new-password" }),
      h("button", { type: "submit" }, "Create user"),
    );
    show(
      body,
      table(
        ["User", "Enabled", "Password", "Groups", "Tokens", "Expires", ""],
        list.map((u) =>
          h(
            "tr",
            { "data-user": u.name },
            h("td", {}, u.name),
            h("td", {}, u.enabled ? "yes" : "no"),
            h("td", {}, u.has_password ? "set" : "none"),
            h("td", {}, u.groups.join(", ")),
            h("td", { class: "num" }, u.tokens),
            h("td", {}, u.expires_at ?? "never"),
            h(
              "td",
              { class: "row-actions" },
              btn(u.enabled ? "Disable" : "Enable", u.enabled ? "disable" : "enable", () => void users.act(() => api("PUT", `/v1/access/users/${esc(u.name)}`, { enabled: !u.enabled }))),
              btn("Set password", "set-password", () => {
                const p = prompt(`New password for ${u.name}`);
                if (p) void users.act(() => api("PUT", `/v1/access/users/${esc(u.name)}`, { password: p }));
              }),
              btn("Tokens", "tokens", () => {
                tokensOf = u.name;
                tokens.reload();
              }),
              btn("Delete", "delete", () => confirm(`Delete user ${u.name}?`) && void users.act(() => api("DELETE", `/v1/access/users/${esc(u.name)}`))),
            ),
          ),
        ),
      ),
      form,
    );
  });

  const groups = card("Groups", "groups", async (body) => {
    const list = await api<Group[]>("GET", "/v1/access/groups");
    const form = h(
      "form",
      {
        class: "tool",
        onsubmit: async (ev: Event) => {
          ev.preventDefault();
          const name = val(form, "name");
          const user = val(form, "user");
          const ok = await groups.act(async () => {
            if (!list.some((g) => g.name === name)) await api("POST", "/v1/access/groups", { name });
            if (user) await api("POST", `/v1/access/groups/${esc(name)}/members`, { user });
          });
          if (ok) form.reset();
        },
      },
      input("name", "Group"),
      input("user", "Add user"),
      h("button", { type: "submit" }, "Create / add"),
    );
    show(
      body,
      table(
        ["Group", "Members", ""],
        list.map((g) =>
          h(
            "tr",
            { "data-group": g.name },
            h("td", {}, g.name),
            h("td", {}, ...g.members.map((m) => h("span", { class: "chip" }, m, " ", h("button", { type: "button", class: "x", "aria-label": `Remove ${m} from ${g.name}`, onclick: () => void groups.act(() => api("DELETE", `/v1/access/groups/${esc(g.name)}/members/${esc(m)}`)) }, "×")))),
            h("td", {}, btn("Delete", "delete", () => confirm(`Delete group ${g.name}?`) && void groups.act(() => api("DELETE", `/v1/access/groups/${esc(g.name)}`)))),
          ),
        ),
      ),
      form,
    );
  });

  const limit = (l: number | null | undefined, used: number, unit = "") => `${used}${unit} of ${l ?? "∞"}${l != null ? unit : ""}`;
  const projects = card("Projects", "projects", async (body) => {
    const list = await api<Project[]>("GET", "/v1/projects");
    const limitsOf = (form: HTMLFormElement): Limits => ({ vms: num(form, "vms"), memory_mib: num(form, "memory_mib"), vcpus: num(form, "vcpus") });
    const limitInputs = () => [input("vms", "VMs", "number", { min: "0" }), input("memory_mib", "Memory MiB", "number", { min: "0" }), input("vcpus", "vCPUs", "number", { min: "0" })];
    const form = h(
      "form",
      {
        class: "tool",
        onsubmit: async (ev: Event) => {
          ev.preventDefault();
          if (await projects.act(() => api("POST", "/v1/projects", { name: val(form, "name"), limits: limitsOf(form) }))) form.reset();
        },
      },
      input("name", "Project", "text", { id: "new-project" }),
      ...limitInputs(),
      h("button", { type: "submit" }, "Create project"),
    );
    show(
      body,
      table(
        ["Project", "VMs", "Memory (running)", "vCPUs (running)", "Set limits (empty: none)"],
        list.map((p) => {
          const set: HTMLFormElement = h(
            "form",
            {
              class: "tool",
              onsubmit: (ev: Event) => {
                ev.preventDefault();
                const l = limitsOf(set);
                const unset = Object.entries(l)
                  .filter(([, v]) => v === null)
                  .map(([k]) => (k === "memory_mib" ? "memory" : k));
                void projects.act(() => api("PUT", `/v1/projects/${esc(p.name)}`, { limits: l, unset }));
              },
            },
            ...limitInputs(),
            h("button", { type: "submit", "data-action": "set-limits" }, "Set"),
          );
          for (const k of ["vms", "memory_mib", "vcpus"] as const) (set.elements.namedItem(k) as HTMLInputElement).value = p.limits[k] == null ? "" : String(p.limits[k]);
          return h(
            "tr",
            { "data-project": p.name },
            h("td", {}, p.name),
            h("td", {}, limit(p.limits.vms, p.usage.vms)),
            h("td", {}, limit(p.limits.memory_mib, p.usage.memory_mib, " MiB")),
            h("td", {}, limit(p.limits.vcpus, p.usage.vcpus)),
            h("td", {}, set),
          );
        }),
      ),
      form,
    );
  });

  const acl = card("ACL", "acl", async (body) => {
    const list = await api<AclEntry[]>("GET", "/v1/access/acl");
    const subject = (kind: string, who: string) => ({ user: kind === "user" ? who : null, group: kind === "group" ? who : null, token: kind === "token" ? who : null });
    const form = h(
      "form",
      {
        class: "tool",
        onsubmit: async (ev: Event) => {
          ev.preventDefault();
          const kind = (form.elements.namedItem("kind") as HTMLSelectElement).value;
          const propagate = (form.elements.namedItem("propagate") as HTMLInputElement).checked;
          if (await acl.act(() => api("POST", "/v1/access/acl", { path: val(form, "path"), ...subject(kind, val(form, "subject")), role: val(form, "role"), propagate }))) form.reset();
        },
      },
      input("path", "Path", "text", { id: "acl-path", placeholder: "/projects/P" }),
      h("select", { name: "kind", "aria-label": "Subject kind", id: "acl-kind" }, h("option", { value: "user" }, "user"), h("option", { value: "group" }, "group"), h("option", { value: "token" }, "token (user!name)")),
      input("subject", "Subject", "text", { id: "acl-subject" }),
      input("role", "Role", "text", { id: "acl-role", list: "roles" }),
      h("label", {}, h("input", { type: "checkbox", name: "propagate", checked: true }), " propagate"),
      h("button", { type: "submit" }, "Grant"),
    );
    show(
      body,
      table(
        ["Path", "Subject", "Role", "Propagate", ""],
        list.map((a) =>
          h(
            "tr",
            { "data-acl": `${a.path} ${a.subject} ${a.role}` },
            h("td", {}, a.path),
            h("td", {}, `${a.subject_kind} ${a.subject}`),
            h("td", {}, a.role),
            h("td", {}, a.propagate ? "yes" : "no"),
            h("td", {}, btn("Remove", "remove", () => void acl.act(() => api("POST", "/v1/access/acl/remove", { path: a.path, ...subject(a.subject_kind, a.subject), role: a.role })))),
          ),
        ),
      ),
      form,
    );
  });

  const roles = card("Roles", "roles", async (body) => {
    const list = await api<Role[]>("GET", "/v1/access/roles");
    show(
      body,
      h("datalist", { id: "roles" }, ...list.map((r) => h("option", { value: r.name }))),
      h("dl", { class: "facts" }, ...list.flatMap((r) => [h("dt", {}, r.name + (r.built_in ? "" : " (custom)")), h("dd", {}, r.privileges.join(", "))])),
    );
  });

  show(root, h("h1", {}, "Admin"), users.section, tokens.section, groups.section, projects.section, acl.section, roles.section);
  for (const c of [users, tokens, groups, projects, acl, roles]) c.reload();
  return () => {};
}
