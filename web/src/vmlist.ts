// The VM list: xl's columns and the project, kept live by the event stream (in a cluster: every member's VMs and
// events); sortable by any column, filterable.
import { api, ApiError, vmPath, type HostEvent, type VmInfo } from "./api";
import { h, show } from "./dom";
import { onEvents } from "./events";

type Column = { key: string; title: string; numeric: boolean; value: (v: VmInfo) => string | number };

const columns: Column[] = [
  { key: "name", title: "Name", numeric: false, value: (v) => v.name },
  { key: "id", title: "ID", numeric: true, value: (v) => v.id ?? -1 },
  { key: "mem", title: "Mem(MiB)", numeric: true, value: (v) => v.memory_mib },
  { key: "vcpus", title: "VCPUs", numeric: true, value: (v) => v.vcpus },
  { key: "state", title: "State", numeric: false, value: (v) => v.state },
  { key: "time", title: "Time(s)", numeric: true, value: (v) => v.cpu_time_s },
  { key: "project", title: "Project", numeric: false, value: (v) => v.project },
  // The hospesd that runs it: the VM's own host (its owner in a cluster), else this host's name where the caller may
  // read /v1/host (Sys.Audit), else the URL's host.
  { key: "host", title: "Host", numeric: false, value: (v) => (v.host ? v.host + (v.host_down ? " (down)" : "") : hostName) },
];

let hostName = location.hostname;

function cell(c: Column, v: VmInfo): Node | string {
  switch (c.key) {
    case "name":
      return h("a", { href: `#/vm/${encodeURIComponent(v.name)}` }, v.name);
    case "id":
      return v.id == null ? "-" : String(v.id);
    case "state":
      return h("span", { class: `state state-${v.state}`, title: `xl flags ${v.flags}` }, v.state);
    case "time":
      return v.cpu_time_s.toFixed(1);
    default:
      return String(c.value(v));
  }
}

/** Renders the list into `root`; returns what stops its updates. */
export function vmList(root: HTMLElement): () => void {
  const vms = new Map<string, VmInfo>();
  let sortKey = "name";
  let descending = false;
  let filter = "";
  let pending = false;

  const status = h("p", { class: "status", role: "status" });
  const count = h("span", { class: "count" });
  const search = h("input", {
    type: "search",
    placeholder: "Filter by name, state or project",
    "aria-label": "Filter VMs",
    oninput: () => {
      filter = search.value.trim().toLowerCase();
      render();
    },
  });
  const head = h("tr");
  const body = h("tbody");
  const table = h("table", { class: "vms", "aria-label": "Virtual machines" }, h("thead", {}, head), body);
  show(root, h("div", { class: "toolbar" }, h("h1", {}, "Virtual machines"), search, count), status, h("div", { class: "scroll" }, table));

  const renderHead = () => {
    // The header is drawn again on each render: a sort chosen by keyboard keeps the focus on its button.
    const focused = (document.activeElement?.closest("th") as HTMLElement | null)?.dataset.col;
    show(
      head,
      ...columns.map((c) =>
        h(
          "th",
          { scope: "col", "data-col": c.key, class: c.numeric ? "num" : "", "aria-sort": c.key === sortKey ? (descending ? "descending" : "ascending") : "none" },
          h(
            "button",
            {
              type: "button",
              onclick: () => {
                descending = c.key === sortKey ? !descending : false;
                sortKey = c.key;
                render();
              },
            },
            c.title,
            c.key === sortKey ? (descending ? " ▼" : " ▲") : "",
          ),
        ),
      ),
    );
    if (focused) head.querySelector<HTMLButtonElement>(`th[data-col='${focused}'] button`)?.focus();
  };

  // Many events at once (a clone of 40) render once per frame.
  const render = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      renderHead();
      const col = columns.find((c) => c.key === sortKey)!;
      const rows = [...vms.values()]
        .filter((v) => !filter || v.name.toLowerCase().includes(filter) || v.state.includes(filter) || v.project.toLowerCase().includes(filter))
        .sort((a, b) => {
          const x = col.value(a);
          const y = col.value(b);
          const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return (descending ? -order : order) || a.name.localeCompare(b.name);
        });
      body.replaceChildren(...rows.map((v) => h("tr", { "data-vm": v.name, "data-state": v.state }, ...columns.map((c) => h("td", { class: c.numeric ? "num" : "", "data-col": c.key }, cell(c, v))))));
      count.textContent = `${rows.length} of ${vms.size}`;
      if (vms.size === 0) status.textContent = "No VMs you may see yet.";
      else status.textContent = "";
    });
  };

  const load = async () => {
    try {
      const list = await api<VmInfo[]>("GET", "/v1/vms");
      vms.clear();
      for (const v of list) vms.set(v.name, v);
      render();
    } catch (e) {
      status.textContent = e instanceof ApiError ? e.message : String(e);
    }
  };

  // Each VM's latest event: a read answered after a later event (a removal) is stale and dropped.
  const latest = new Map<string, number>();
  let events = 0;
  const refresh = async (name: string) => {
    const asked = latest.get(name);
    try {
      const v = await api<VmInfo>("GET", vmPath(name));
      if (latest.get(name) === asked) vms.set(name, v);
    } catch (e) {
      if (latest.get(name) === asked && e instanceof ApiError && (e.status === 404 || e.status === 403)) vms.delete(name);
    }
    render();
  };

  // In a cluster the stream carries every member's events, each naming its host (GET /v1/events?cluster=true).
  const stop = onEvents((e: HostEvent) => {
    if (!e.vm) return;
    latest.set(e.vm, ++events);
    if (e.type === "vm.removed" && e.why === "migrated") {
      // Gone from one host, on another now (its events may come before this one): read where it is, and again a
      // little later (the new owner may not answer for it yet at this instant).
      const name = e.vm;
      void refresh(name);
      setTimeout(() => void refresh(name), 2000);
    } else if (e.type === "vm.removed") {
      vms.delete(e.vm);
      render();
    } else if (e.type === "vm.renamed") {
      if (e.old_vm) vms.delete(e.old_vm);
      void refresh(e.vm);
    } else if (e.type === "vm.defined" || e.type === "vm.state") {
      // The event has the state (and the host) at once; the row's other columns (ID, time) are read again.
      const known = vms.get(e.vm);
      // An event from another host than the row's (the source of a migration, after it) is not taken on trust.
      if (known && e.state && (!e.host || !known.host || e.host === known.host)) {
        vms.set(e.vm, { ...known, state: e.state, host: e.host ?? known.host, host_down: e.host ? false : known.host_down });
        render();
      }
      void refresh(e.vm);
    }
  }, () => void load());
  void load();
  void api<{ hostname: string }>("GET", "/v1/host").then(
    (host) => {
      hostName = host.hostname;
      render();
    },
    () => {},
  );
  return stop;
}
