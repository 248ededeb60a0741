// The short create form (on #/create, above the pasted config): a name, a template or an image, memory, vCPUs, a network.
// An image makes an xl config from the fields (POST /v1/vms, as `hospes create`); a template is cloned once
// (POST /v1/templates/NAME/clone, as `hospes clone`), so its clone has the template's memory and vCPUs.
import { api, ApiError, csrfHeader, type VmInfo } from "./api";
import { h } from "./dom";

interface Template {
  name: string;
  project: string;
  memory_mib: number;
  vcpus: number;
}

const field = (label: string, el: HTMLElement) => h("label", {}, `${label} `, el);

export function quickCreate(): HTMLElement {
  const name = h("input", { id: "qc-name", required: true, "aria-label": "Name" });
  const source = h("select", { id: "qc-source", "aria-label": "Template or image" });
  const memory = h("input", { id: "qc-memory", type: "number", min: 16, value: 192, "aria-label": "Memory MiB" });
  const vcpus = h("input", { id: "qc-vcpus", type: "number", min: 1, value: 1, "aria-label": "vCPUs" });
  const network = h("select", { id: "qc-network", "aria-label": "Network" }, h("option", { value: "" }, "none"));
  const project = h("input", { id: "qc-project", placeholder: "default", "aria-label": "Project" });
  const start = h("input", { id: "qc-start", type: "checkbox", checked: true });
  const message = h("p", { class: "message", role: "alert" });
  const status = h("span", { class: "status", role: "status", "data-testid": "qc-status" });
  const button = h("button", { type: "submit" }, "Create from it");
  const templates = new Map<string, Template>();

  // A template fixes memory and vCPUs (its clones share its disks' base): those fields show its values, read-only.
  const chosen = () => {
    const t = templates.get(source.value.replace(/^template:/, ""));
    const isTemplate = source.value.startsWith("template:") && t !== undefined;
    memory.disabled = vcpus.disabled = network.disabled = isTemplate;
    if (isTemplate) {
      memory.value = String(t.memory_mib);
      vcpus.value = String(t.vcpus);
      project.value = t.project;
    }
  };
  source.addEventListener("change", chosen);

  const load = async () => {
    const [ts, images, nets] = await Promise.all([
      api<Template[]>("GET", "/v1/templates").catch(() => []),
      api<{ name: string; kind: string; kernel?: string | null }[]>("GET", "/v1/images").catch(() => []),
      api<{ name: string }[]>("GET", "/v1/networks").catch(() => []),
    ]);
    for (const t of ts) templates.set(t.name, t);
    source.replaceChildren(
      h("optgroup", { label: "Templates" }, ...ts.map((t) => h("option", { value: `template:${t.name}` }, `${t.name} (${t.project})`))),
      h("optgroup", { label: "Images" }, ...images.filter((i) => i.kernel).map((i) => h("option", { value: `image:${i.name}` }, `${i.name} (${i.kind})`))),
    );
    network.append(...nets.map((n) => h("option", { value: n.name }, n.name)));
    chosen();
  };
  void load();

  const submit = async (e: Event) => {
    e.preventDefault();
    message.textContent = "";
    status.textContent = "";
    button.disabled = true;
    const vm = name.value.trim();
    const proj = project.value.trim();
    try {
      if (source.value.startsWith("template:")) {
        const t = source.value.slice("template:".length);
        status.textContent = start.checked ? `cloning ${t} and starting ${vm}…` : `cloning ${t}…`;
        // The clone answers a stream of progress lines; the last one says how it ended.
        const r = await fetch(`/v1/templates/${encodeURIComponent(t)}/clone${proj ? `?project=${encodeURIComponent(proj)}` : ""}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/x-ndjson", ...csrfHeader() },
          body: JSON.stringify({ name: vm, count: 1, start: start.checked }),
        });
        if (!r.ok || !r.body) {
          const text = await r.text();
          throw new ApiError(r.status, (JSON.parse(text || "{}") as { error?: { message?: string } }).error?.message ?? `${r.status}`);
        }
        // One CloneEvent a line: the VM's page opens once the clone exists, and watches it start (the event stream).
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let rest = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const lines = (rest + value).split("\n");
          rest = lines.pop() ?? "";
          for (const l of lines.filter((x) => x.trim())) {
            const ev = JSON.parse(l) as { event: string; created: number; message?: string | null };
            if (ev.event === "failed") throw new Error(`${vm}: ${ev.message ?? "the clone failed"}`);
            if (ev.created > 0 && !location.hash.startsWith("#/vm/")) location.hash = `#/vm/${encodeURIComponent(vm)}`;
          }
        }
        return;
      } else {
        const img = source.value.slice("image:".length);
        const config = [`name = "${vm}"`, `kernel = "image:${img}"`, `memory = ${Number(memory.value)}`, `vcpus = ${Number(vcpus.value)}`, network.value ? `vif = [ 'bridge=${network.value}' ]` : ""].join("\n");
        await api<{ vm: VmInfo }>("POST", `/v1/vms${proj ? `?project=${encodeURIComponent(proj)}` : ""}`, { source: { config, config_path: "/web-ui/form.cfg" }, start: start.checked });
      }
      location.hash = `#/vm/${encodeURIComponent(vm)}`;
    } catch (err) {
      message.textContent = err instanceof Error ? err.message : String(err);
      status.textContent = "";
    } finally {
      button.disabled = false;
    }
  };

  return h(
    "form",
    { class: "quick card", "aria-label": "Create from a template or image", onsubmit: (e: Event) => void submit(e) },
    h("h2", {}, "From a template or image"),
    h("div", { class: "tools" }, field("Name", name), field("From", source), field("Memory MiB", memory), field("vCPUs", vcpus), field("Network", network), field("Project", project), h("label", {}, start, " start it"), button, status),
    message,
  );
}
