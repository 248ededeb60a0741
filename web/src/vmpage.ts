// One VM: its state and facts, the lifecycle actions (each answers with the API's refusal when refused), and the serial console.
import { api, ApiError, vmPath, type VmInfo } from "./api";
import { h, show } from "./dom";
import { onEvents } from "./events";
import { serialConsole } from "./console";

type Action = { label: string; path: string; method?: string; body?: unknown; confirm?: string };

const actions: Action[] = [
  { label: "Start", path: "start" },
  { label: "Shutdown", path: "shutdown", body: { timeout_s: 60 } },
  { label: "Reboot", path: "reboot", body: { timeout_s: 60 } },
  { label: "Pause", path: "pause" },
  { label: "Unpause", path: "unpause" },
  { label: "Destroy", path: "destroy", confirm: "Destroy (power off at once) VM %s?" },
  { label: "Delete", path: "", method: "DELETE", confirm: "Delete VM %s and its disks?" },
];

const live = (v: VmInfo) => v.state === "running" || v.state === "paused";

export function vmPage(root: HTMLElement, name: string): () => void {
  const state = h("span", { class: "state", "data-testid": "vm-state" }, "…");
  const facts = h("dl", { class: "facts" });
  const message = h("p", { class: "message", role: "alert", "aria-live": "assertive" });
  const busy = h("span", { class: "busy", role: "status" });
  const buttons = actions.map((a) => h("button", { type: "button", "data-action": a.label.toLowerCase(), onclick: () => void run(a) }, a.label));
  const serial = serialConsole(name);
  const group = h("div", { class: "actions", role: "group", "aria-label": "Actions" }, ...buttons, busy);
  // Until the VM is read (and when it cannot be: a refusal), only its name and the message show.
  const parts = [group, facts, serial.element];
  parts.forEach((p) => (p.hidden = true));
  show(root, h("p", {}, h("a", { href: "#/" }, "← All VMs")), h("div", { class: "toolbar" }, h("h1", {}, name), state), group, message, facts, serial.element);

  let vm: VmInfo | null = null;
  const render = (v: VmInfo) => {
    vm = v;
    parts.forEach((p) => (p.hidden = false));
    state.textContent = v.state;
    state.className = `state state-${v.state}`;
    state.setAttribute("data-state", v.state);
    const rows: [string, string][] = [
      ["Project", v.project],
      ["ID", v.id == null ? "-" : String(v.id)],
      ["Memory", `${v.memory_mib} MiB (max ${v.max_memory_mib} MiB)`],
      ["VCPUs", String(v.vcpus)],
      ["xl flags", v.flags],
      ["CPU time", `${v.cpu_time_s.toFixed(1)} s`],
      ["Started", v.started_at ? new Date(v.started_at).toLocaleString() : "-"],
      ["Accelerator", v.accel ?? "-"],
    ];
    if (v.last_error) rows.push(["Last error", v.last_error]);
    show(facts, ...rows.flatMap(([k, val]) => [h("dt", {}, k), h("dd", {}, val)]));
    if (live(v) && !serial.connected()) serial.connect();
  };

  const load = async () => {
    try {
      render(await api<VmInfo>("GET", vmPath(name)));
    } catch (e) {
      state.textContent = "unknown";
      if (!vm) parts.forEach((p) => (p.hidden = true));
      message.textContent = e instanceof ApiError ? e.message : String(e);
    }
  };

  async function run(a: Action): Promise<void> {
    if (a.confirm && !window.confirm(a.confirm.replace("%s", name))) return;
    message.textContent = "";
    busy.textContent = `${a.label}…`;
    buttons.forEach((b) => (b.disabled = true));
    try {
      const v = await api<VmInfo>(a.method ?? "POST", a.path ? vmPath(name, a.path) : vmPath(name), a.body);
      if (a.method === "DELETE") {
        location.hash = "#/";
        return;
      }
      render(v);
    } catch (e) {
      message.textContent = e instanceof ApiError ? e.message : String(e);
    } finally {
      busy.textContent = "";
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  const stop = onEvents((e) => {
    if (e.vm !== name) return;
    if (e.type === "vm.removed") {
      state.textContent = "removed";
      message.textContent = `VM ${name} was removed${e.why ? ` (${e.why})` : ""}.`;
      return;
    }
    if (e.state && vm) render({ ...vm, state: e.state });
    void load();
  }, () => void load());
  void load();
  return () => {
    stop();
    serial.dispose();
  };
}
