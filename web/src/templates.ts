// Templates and clones: each template with a clone form (a name, or a pattern with {i} for 1..count), whose run
// streams progress (POST /v1/templates/NAME/clone answers NDJSON, one CloneEvent a line, "done" last): a progress bar,
// and each failed clone listed with its reason.
import { api, ApiError, csrfHeader } from "./api";
import { h, show } from "./dom";

interface TemplateInfo {
  name: string;
  project: string;
  source_vm?: string | null;
  memory_mib: number;
  vcpus: number;
  clones: string[];
  created_at: string;
}

interface CloneEvent {
  event: string;
  name?: string | null;
  message?: string | null;
  total: number;
  created: number;
  ready: number;
  failed: number;
  elapsed_s: number;
  failures: string[];
}

export function templatesPage(root: HTMLElement): () => void {
  const body = h("div");
  show(root, h("h1", {}, "Templates"), body);
  const load = async () => {
    try {
      const list = await api<TemplateInfo[]>("GET", "/v1/templates");
      if (list.length === 0) {
        show(body, h("p", { class: "muted" }, "No templates yet: a stopped VM's page has “Make template”."));
        return;
      }
      show(body, ...list.map(templateCard));
    } catch (e) {
      show(body, h("p", { class: "message", role: "alert" }, e instanceof ApiError ? e.message : String(e)));
    }
  };
  void load();
  return () => {};
}

function templateCard(t: TemplateInfo): HTMLElement {
  const pattern = h("input", { name: "pattern", value: `${t.name}-{i}`, "aria-label": `Names of ${t.name}'s clones`, required: true });
  const count = h("input", { name: "count", type: "number", min: 1, max: 500, value: 1, "aria-label": "How many" });
  const start = h("input", { name: "start", type: "checkbox" });
  const bar = h("progress", { max: 1, value: 0, hidden: true, "aria-label": `Clones of ${t.name}` });
  const status = h("span", { class: "status", role: "status", "data-testid": "clone-status" });
  const failures = h("ul", { class: "message" });
  const button = h("button", { type: "submit" }, "Clone");
  const form = h(
    "form",
    { class: "clone", "data-template": t.name, onsubmit: (e: Event) => void clone(e) },
    h("label", {}, "Name or pattern ", pattern),
    h("label", {}, "Count ", count),
    h("label", {}, start, " start them"),
    button,
  );

  async function clone(e: Event): Promise<void> {
    e.preventDefault();
    button.disabled = true;
    show(failures);
    status.textContent = "cloning…";
    const n = Number(count.value) || 1;
    bar.max = n;
    bar.value = 0;
    bar.hidden = false;
    try {
      const r = await fetch(`/v1/templates/${encodeURIComponent(t.name)}/clone?project=${encodeURIComponent(t.project)}`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/x-ndjson", ...csrfHeader() },
        body: JSON.stringify({ name: pattern.value.trim(), count: n, start: start.checked }),
      });
      if (!r.ok || !r.body) {
        const text = await r.text();
        throw new ApiError(r.status, (JSON.parse(text || "{}") as { error?: { message?: string } }).error?.message ?? `${r.status} ${r.statusText}`);
      }
      // One CloneEvent a line; a line may come in pieces.
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let rest = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        rest += value;
        const lines = rest.split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines.filter((l) => l.trim())) progress(JSON.parse(line) as CloneEvent, start.checked);
      }
    } catch (err) {
      status.textContent = "";
      bar.hidden = true;
      show(failures, h("li", {}, err instanceof ApiError ? err.message : String(err)));
    } finally {
      button.disabled = false;
    }
  }

  function progress(ev: CloneEvent, started: boolean): void {
    bar.max = ev.total || bar.max;
    const done = (started ? ev.ready : ev.created) + ev.failed;
    bar.value = done;
    const what = started ? "ready" : "created";
    status.textContent = `${started ? ev.ready : ev.created}/${ev.total} ${what}${ev.failed ? `, ${ev.failed} failed` : ""}${ev.event === "done" ? ` in ${ev.elapsed_s.toFixed(1)} s` : ""}`;
    status.setAttribute("data-done", String(ev.event === "done"));
    if (ev.event === "failed") failures.append(h("li", {}, `${ev.name ?? ""}: ${ev.message ?? "failed"}`));
  }

  return h(
    "section",
    { class: "card", "data-template": t.name },
    h("h2", {}, t.name),
    h("p", { class: "muted" }, `project ${t.project}, ${t.memory_mib} MiB, ${t.vcpus} vCPU${t.vcpus === 1 ? "" : "s"}, from ${t.source_vm ?? "-"}; ${t.clones.length} clone${t.clones.length === 1 ? "" : "s"}`),
    form,
    h("div", { class: "toolbar" }, bar, status),
    failures,
  );
}
