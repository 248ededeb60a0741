// The host at a glance: CPUs, memory, the accelerator and why, the VMs per state (GET /v1/host needs Sys.Audit on /).
import { api, ApiError, type HostInfo, type VmInfo } from "./api";
import { h, show } from "./dom";
import { onEvents } from "./events";
import { memoryChart, watchMemory, type HostMemory } from "./memchart";

export function hostPage(root: HTMLElement): () => void {
  const body = h("div");
  const memory = h("section", { class: "card", "aria-label": "Memory", "data-testid": "host-memory" });
  memory.hidden = true;
  show(root, h("h1", {}, "Host"), body, memory);
  const drawMemory = (m: HostMemory) => {
    memory.hidden = false;
    show(
      memory,
      h("h2", {}, "Memory"),
      h(
        "p",
        {},
        `committed ${m.committed_mib} of ${m.commit_limit_mib} MiB allowed; KSM ${m.ksm.state}, ${m.ksm.saved_mib} MiB saved; policy ${m.policy}${m.pressure ? "; under pressure" : ""}`,
      ),
      memoryChart(),
      h("p", { class: "muted legend" }, h("span", { class: "mem-used" }, "■ used"), " ", h("span", { class: "mem-committed" }, "■ committed"), " ", h("span", { class: "mem-total" }, "■ total"), " ", h("span", { class: "mem-ksm" }, "■ KSM saved"), " — the last hour, sampled by hospesd every 10 s"),
    );
  };
  const unwatch = watchMemory(drawMemory);
  const load = async () => {
    try {
      const [host, vms] = await Promise.all([api<HostInfo>("GET", "/v1/host"), api<VmInfo[]>("GET", "/v1/vms")]);
      const perState = new Map<string, number>();
      for (const v of vms) perState.set(v.state, (perState.get(v.state) ?? 0) + 1);
      const used = host.memory_total_mib - host.memory_available_mib;
      const rows: [string, Node | string][] = [
        ["Host", `${host.hostname} (Hospes ${host.hospes_version}, kernel ${host.kernel})`],
        ["CPUs", `${host.cpus} × ${host.cpu_model}`],
        ["Memory", h("span", {}, `${used} of ${host.memory_total_mib} MiB used, ${host.memory_available_mib} MiB available `, h("meter", { min: 0, max: host.memory_total_mib, value: used, "aria-label": "Memory used" }))],
        ["Accelerator", `${host.accelerator ?? "none"}${host.accelerator_reason ? ` — ${host.accelerator_reason}` : ""}`],
        ["QEMU", host.qemu_version ?? "-"],
        ["VMs", [...perState.entries()].map(([s, n]) => `${n} ${s}`).join(", ") || "none"],
      ];
      show(body, h("dl", { class: "facts" }, ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])));
    } catch (e) {
      show(body, h("p", { class: "message", role: "alert" }, e instanceof ApiError ? e.message : String(e)));
    }
  };
  const stop = onEvents((e) => {
    if (e.type === "vm.state" || e.type === "vm.defined" || e.type === "vm.removed" || e.type === "vm.renamed") void load();
  }, () => void load());
  void load();
  return () => {
    stop();
    unwatch();
  };
}
