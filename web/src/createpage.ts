// Create a VM from a pasted xl config: `config check` runs as you type and shows each diagnostic under its line.
import { api, ApiError, type VmInfo } from "./api";
import { h, show } from "./dom";
import { quickCreate } from "./quickcreate";

interface Diagnostic {
  severity: string;
  line: number;
  column: number;
  message: string;
  rendered: string;
}

interface CheckResponse {
  ok: boolean;
  diagnostics: Diagnostic[];
}

// The API reads a config with its path; relative paths in it would resolve against this (made-up) folder.
const configPath = "/web-ui/pasted.cfg";

export function createPage(root: HTMLElement): () => void {
  const text = h("textarea", { id: "config", rows: 12, spellcheck: false, "aria-label": "xl config", placeholder: 'name = "web"\nkernel = "image:tiny"\nmemory = 192' });
  const project = h("input", { id: "project", placeholder: "default", "aria-label": "Project" });
  const start = h("input", { id: "start", type: "checkbox", checked: true });
  const summary = h("p", { class: "status", role: "status" });
  const lines = h("ol", { class: "config-lines", "aria-label": "The config with its diagnostics" });
  const message = h("p", { class: "message", role: "alert" });
  const create = h("button", { type: "submit" }, "Create");
  const form = h(
    "form",
    { class: "create", onsubmit: (e: Event) => void submit(e) },
    h("h1", {}, "Create a VM"),
    h("label", { for: "config" }, "Paste an xl config"),
    text,
    h("div", { class: "toolbar" }, h("label", { for: "project" }, "Project"), project, h("label", {}, start, " start it"), create),
    message,
    summary,
    lines,
  );
  show(root, quickCreate(), form);

  let timer = 0;
  let asked = 0;
  const check = async () => {
    const mine = ++asked;
    if (!text.value.trim()) {
      show(lines);
      summary.textContent = "";
      return;
    }
    try {
      const r = await api<CheckResponse>("POST", "/v1/config/check", { config: text.value, config_path: configPath });
      if (mine !== asked) return;
      render(r.diagnostics);
      summary.textContent = r.ok ? "config check: no problems" : `config check: ${r.diagnostics.length} problem(s)`;
    } catch (e) {
      summary.textContent = e instanceof ApiError ? e.message : String(e);
    }
  };

  const render = (diagnostics: Diagnostic[]) => {
    const byLine = new Map<number, Diagnostic[]>();
    for (const d of diagnostics) byLine.set(d.line, [...(byLine.get(d.line) ?? []), d]);
    const source = text.value.split("\n");
    show(
      lines,
      ...source.map((l, i) => {
        const found = byLine.get(i + 1);
        return h(
          "li",
          { class: found ? "diag-line" : "", "data-line": i + 1 },
          h("code", {}, l || " "),
          ...(found ?? []).map((d) => h("div", { class: `diag diag-${d.severity}` }, `${d.severity}: ${d.message}`)),
        );
      }),
      ...(byLine.get(0) ?? []).map((d) => h("li", { class: "diag-line", "data-line": 0 }, h("div", { class: `diag diag-${d.severity}` }, d.rendered))),
    );
  };

  text.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void check(), 300);
  });

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    message.textContent = "";
    create.disabled = true;
    try {
      const query = project.value.trim() ? `?project=${encodeURIComponent(project.value.trim())}` : "";
      const r = await api<{ vm: VmInfo }>("POST", `/v1/vms${query}`, { source: { config: text.value, config_path: configPath }, start: start.checked });
      location.hash = `#/vm/${encodeURIComponent(r.vm.name)}`;
    } catch (err) {
      message.textContent = err instanceof ApiError ? err.message : String(err);
      void check();
    } finally {
      create.disabled = false;
    }
  }

  return () => window.clearTimeout(timer);
}
