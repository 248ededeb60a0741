// One VM: its state and facts, the lifecycle actions (each answers with the API's refusal when refused), and the serial console.
import { api, ApiError, vmPath, type HostEvent, type VmInfo } from "./api";
import { h, show } from "./dom";
import { onEvents } from "./events";
import { serialConsole } from "./console";
import { graphicalConsole } from "./display";
import { consoleLog } from "./consolelog";
import { vmTools } from "./vmtools";
import { migrateTool } from "./migrate";

type Action = { label: string; path: string; method?: string; body?: unknown; confirm?: string; allowed: (v: VmInfo, q: boolean) => boolean; need: string; privilege?: string };

// Which action in which state: the API's transition table (Hospes.Core VmTransitions), q = the VM has a QEMU.
const actions: Action[] = [
  { label: "Start", path: "start", allowed: (v, q) => !q && ["shutoff", "crashed", "saved"].includes(v.state), need: "start needs it stopped" },
  { label: "Shutdown", path: "shutdown", body: { timeout_s: 60 }, allowed: (v, q) => q && v.state === "running", need: "shutdown needs it running" },
  { label: "Reboot", path: "reboot", body: { timeout_s: 60 }, allowed: (v, q) => q && v.state === "running", need: "reboot needs it running" },
  { label: "Pause", path: "pause", allowed: (v, q) => q && v.state === "running", need: "pause needs it running" },
  { label: "Unpause", path: "unpause", allowed: (v, q) => q && v.state === "paused", need: "unpause needs it paused" },
  { label: "Destroy", path: "destroy", confirm: "Destroy (power off at once) VM %s?", allowed: (v, q) => q || v.state !== "shutoff", need: "nothing to destroy" },
  { label: "Delete", path: "", method: "DELETE", confirm: "Delete VM %s and its disks?", allowed: (v, q) => !q && !["running", "paused", "preserved"].includes(v.state), need: "shut it down or destroy it first", privilege: "VM.Allocate" },
];

const live = (v: VmInfo) => v.state === "running" || v.state === "paused";

export function vmPage(root: HTMLElement, name: string): () => void {
  const state = h("span", { class: "state", "data-testid": "vm-state" }, "…");
  const facts = h("dl", { class: "facts" });
  const message = h("p", { class: "message", role: "alert", "aria-live": "assertive" });
  const busy = h("span", { class: "busy", role: "status" });
  const lacking = h("span", { class: "muted", "data-testid": "lacks" });
  const buttons = actions.map((a) => h("button", { type: "button", "data-action": a.label.toLowerCase(), onclick: () => void run(a) }, a.label));
  // Each console reconnects by itself when its socket drops while the VM runs here (and, the display, its tab shows).
  const serial = serialConsole(name, () => !gone && vm !== null && vm.id != null && live(vm));
  const display = graphicalConsole(name, () => !gone && vm !== null && vm.id != null && live(vm) && hasDisplay(vm) && shown === 1);
  const log = consoleLog(name);
  const noDisplay = h("p", { class: "muted", "data-testid": "no-display" });
  // Three tabs: the serial console (always), the display (an HVM guest with vnc; others say why there is none) and the
  // console log (what the guest wrote on its console, as hospesd keeps it: also of a stopped VM).
  const tabs = [
    { tab: h("button", { type: "button", role: "tab", "data-tab": "serial" }, "Serial console"), panel: serial.element },
    { tab: h("button", { type: "button", role: "tab", "data-tab": "display" }, "Display"), panel: h("div", {}, display.element, noDisplay) },
    { tab: h("button", { type: "button", role: "tab", "data-tab": "log" }, "Console log"), panel: log.element },
  ];
  let shown = 0;
  const select = (i: number) => {
    shown = i;
    tabs.forEach((t, j) => {
      t.tab.setAttribute("aria-selected", String(i === j));
      t.panel.hidden = i !== j;
    });
    log.showing(i === 2);
    if (vm) connectConsoles(vm);
  };
  tabs.forEach((t, i) => t.tab.addEventListener("click", () => select(i)));
  const consoles = h("div", { class: "consoles" }, h("div", { class: "tabs", role: "tablist", "aria-label": "Consoles" }, ...tabs.map((t) => t.tab)), ...tabs.map((t) => t.panel));
  const group = h("div", { class: "actions", role: "group", "aria-label": "Actions" }, ...buttons, busy, lacking);
  // Until the VM is read (and when it cannot be: a refusal), only its name and the message show.
  const tools = vmTools(
    name,
    (t) => (message.textContent = t),
    (v) => (v ? render(v) : void load()),
    (p, path) => lacksOn(p, path),
  );
  // Migrate (VM.Migrate): once the VM has moved, this hospesd has it no more: the page says where it went and the
  // consoles stop (there is no cluster view yet: a link to the other host's web UI, when its address is known).
  let gone = false;
  const where = h("p", { class: "moved", role: "status", "data-testid": "vm-moved", hidden: true });
  const migration = migrateTool(name, (host, address) => {
    gone = true;
    state.textContent = `on ${host}`;
    state.className = "state";
    state.setAttribute("data-state", "moved");
    const url = address ? `https://${address}/#/vm/${encodeURIComponent(name)}` : null;
    show(where, `${name} now runs on ${host}`, url ? h("span", {}, ": ", h("a", { href: url }, url)) : "", ".");
    where.hidden = false;
    buttons.forEach((b) => (b.disabled = true));
    tools.element.querySelectorAll("button").forEach((b) => (b.disabled = true));
    // A refresh that raced the stream's end ("no VM named ..." here) is no news: the line above says where it went.
    message.textContent = "";
    const why = `${name} now runs on ${host}: no console here any more`;
    serial.stop(why);
    display.stop(why);
  });
  tools.element.append(migration.element);
  const parts = [group, tools.element, facts, consoles];
  parts.forEach((p) => (p.hidden = true));
  show(root, h("p", {}, h("a", { href: "#/" }, "← All VMs")), h("div", { class: "toolbar" }, h("h1", {}, name), state), where, group, message, tools.element, facts, consoles);

  let vm: VmInfo | null = null;
  const hasDisplay = (v: VmInfo) => v.spec?.boot === "hvm" && v.spec.vnc === true;
  const connectConsoles = (v: VmInfo) => {
    if (gone) return;
    if (live(v) && !serial.connected()) serial.connect();
    display.element.hidden = !hasDisplay(v);
    noDisplay.hidden = hasDisplay(v);
    noDisplay.textContent = v.spec?.boot === "hvm" ? `${name} has no display: add vnc = 1 to its config.` : `${name} is a ${(v.spec?.boot ?? "pv").toUpperCase()} guest: it has no display, only the serial console.`;
    // The display connects only while its tab shows (a framebuffer costs bandwidth); it closes itself when the VM stops.
    if (shown === 1 && hasDisplay(v) && live(v) && !display.connected()) display.connect();
  };
  const render = (v: VmInfo) => {
    if (gone) return;
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
    if (v.save_path) rows.push(["Save file", v.save_path]);
    enable(v);
    tools.render(v);
    migration.render(v, privileges && !privileges.held.has("VM.Migrate") ? `${privileges.who} lacks VM.Migrate on ${privileges.path}` : "");
    show(facts, ...rows.flatMap(([k, val]) => [h("dt", {}, k), h("dd", {}, val)]));
    connectConsoles(v);
  };

  // Each button is enabled only where the VM's state allows it; a disabled one says why in its tooltip.
  // And only where the caller holds its privilege on the VM's path (GET /v1/access/whoami?path=, read once per page);
  // a missing one is the reason shown. Until known (or if whoami fails) the API's refusal on click is what tells.
  let running: Action | null = null;
  let privileges: { path: string; who: string; held: Set<string> } | null = null;
  // The caller's privileges on the other paths the tools need (save/restore: Sys.Modify on /; restore: VM.Allocate on
  // the project's vms; make template: Datastore.Allocate on its templates), read once with the VM's.
  const others = new Map<string, Set<string>>();
  const lacksOn = (p: string, path?: string) => {
    if (!privileges) return "";
    const at = path ?? privileges.path;
    const held = at === privileges.path ? privileges.held : others.get(at);
    return held && !held.has(p) ? `${privileges.who} lacks ${p} on ${at}` : "";
  };
  const lacks = (a: Action) => {
    const p = a.privilege ?? "VM.PowerMgmt";
    return privileges && !privileges.held.has(p) ? `${privileges.who} lacks ${p} on ${privileges.path}` : "";
  };
  const enable = (v: VmInfo) => {
    if (!privileges) void whoami(v);
    actions.forEach((a, i) => {
      const missing = lacks(a);
      const ok = running === null && a.allowed(v, v.id != null) && !missing;
      buttons[i].disabled = !ok;
      buttons[i].title = ok || running ? "" : missing || `${name} is ${v.state}: ${a.need}`;
      buttons[i].toggleAttribute("data-lacks", missing !== "");
    });
    // One line for all: the buttons' and the tools' (mem-set VM.Config, snapshot VM.Snapshot) missing privileges.
    const missing = ["VM.PowerMgmt", "VM.Allocate", "VM.Config", "VM.Snapshot"].filter((p) => privileges && !privileges.held.has(p));
    lacking.textContent = privileges && missing.length ? `${privileges.who} lacks ${missing.join(", ")} on ${privileges.path}` : "";
  };
  let asked = false;
  const whoami = async (v: VmInfo) => {
    if (asked) return;
    asked = true;
    try {
      const path = `/projects/${v.project}/vms/${name}`;
      const ask = (p: string) => api<{ display: string; privileges?: string[] | null }>("GET", `/v1/access/whoami?path=${encodeURIComponent(p)}`);
      const extra = ["/", `/projects/${v.project}/vms`, `/projects/${v.project}/templates`];
      const [w, ...rest] = await Promise.all([ask(path), ...extra.map(ask)]);
      extra.forEach((p, i) => others.set(p, new Set(rest[i].privileges ?? [])));
      privileges = { path, who: w.display, held: new Set(w.privileges ?? []) };
      if (vm) render(vm);
    } catch {
      // No answer: the buttons follow the state only, and a refused click shows the API's message.
    }
  };

  const load = async () => {
    if (gone) return;
    try {
      const v = await api<VmInfo>("GET", vmPath(name));
      if (gone) return;
      render(v);
    } catch (e) {
      // The VM moved away while this asked ("no VM named ..." here): the line above says where it went.
      if (gone) return;
      state.textContent = "unknown";
      if (!vm) parts.forEach((p) => (p.hidden = true));
      message.textContent = e instanceof ApiError ? e.message : String(e);
    }
  };

  async function run(a: Action): Promise<void> {
    if (a.confirm && !window.confirm(a.confirm.replace("%s", name))) return;
    message.textContent = "";
    busy.textContent = `${a.label}…`;
    running = a;
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
      running = null;
      if (vm) enable(vm);
    }
  }

  // Back on this host (migrated back here, from the CLI or another host's page): the page is the VM's again, the
  // consoles connect anew. Any event of the VM's name asks; only a VM here with a QEMU counts.
  let asking = false;
  const comeBack = async () => {
    if (asking) return;
    asking = true;
    try {
      const v = await api<VmInfo>("GET", vmPath(name));
      if (!gone || v.id == null) return;
      gone = false;
      where.hidden = true;
      message.textContent = "";
      migration.back();
      serial.resume();
      display.resume();
      render(v);
    } catch {
      // Not here (yet): a later event asks again.
    } finally {
      asking = false;
    }
  };
  function onEvent(e: HostEvent): void {
    // Renamed (hospes rename): the page follows the VM to its new name.
    if (e.type === "vm.renamed" && e.old_vm === name && e.vm) {
      location.hash = `#/vm/${encodeURIComponent(e.vm)}`;
      return;
    }
    if (e.vm !== name) return;
    if (gone) {
      void comeBack();
      return;
    }
    if (e.type === "vm.removed" && e.why === "migrated" && e.host) {
      // Moved to another member (a cluster's stream, which names hosts, carries its events there too): read it there.
      void load();
      return;
    }
    if (e.type === "vm.removed") {
      state.textContent = "removed";
      message.textContent = `VM ${name} was removed${e.why ? ` (${e.why})` : ""}.`;
      return;
    }
    if (e.state && vm) render({ ...vm, state: e.state });
    void load();
  }
  function resync(): void {
    void (gone ? comeBack() : load());
  }
  const stop = onEvents(onEvent, resync);
  select(0);
  void load();
  return () => {
    stop();
    serial.dispose();
    display.dispose();
    log.dispose();
  };
}
