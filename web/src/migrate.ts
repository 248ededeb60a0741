// Live migration from the VM page: a destination among this host's trusted peers (GET /v1/host/peers, Sys.Audit;
// typed by hand when the list is not readable), live (default) or offline, and the progress of
// POST /v1/vms/NAME/migrate, one MigrationEvent a line: "progress"/"storage" while memory (and disks) are sent,
// other events for phases, "done" (with the summary) or "failed" last. A refusal before it starts is a plain error.
import { api, ApiError, csrfHeader, vmPath, type VmInfo } from "./api";
import { h } from "./dom";

export interface MigrationEvent {
  event: string;
  message?: string | null;
  elapsed_ms?: number;
  status?: string | null;
  transferred_bytes?: number;
  remaining_bytes?: number;
  total_bytes?: number;
  pass?: number;
  expected_downtime_ms?: number | null;
  mbps?: number;
  disk_copied_bytes?: number;
  disk_total_bytes?: number;
  summary?: { vm: string; from: string; to: string; mode: string; total_ms: number; downtime_ms?: number | null; transferred_bytes: number; passes: number; note?: string | null } | null;
}

interface HostPeerInfo {
  name: string;
  address?: string | null;
}

const mib = (b = 0) => `${Math.round(b / 1048576)} MiB`;
const secs = (ms = 0) => `${(ms / 1000).toFixed(1)} s`;

/** One event as the line the page shows (the CLI's wording, shorter). */
export function describe(e: MigrationEvent): string {
  switch (e.event) {
    case "progress":
      return `${secs(e.elapsed_ms)} ${e.status ?? ""} pass ${e.pass ?? 0}: ${mib(e.transferred_bytes)} sent, ${mib(e.remaining_bytes)} left${e.expected_downtime_ms != null ? `, expected downtime ${e.expected_downtime_ms} ms` : ""}`;
    case "storage":
      return `${secs(e.elapsed_ms)} disks: ${mib(e.disk_copied_bytes)} of ${mib(e.disk_total_bytes)}`;
    case "done": {
      const s = e.summary;
      if (!s) return "done";
      if (s.mode === "dry-run") return `${s.vm} can migrate to ${s.to}: every check passed`;
      return `done: ${s.vm} moved ${s.from} → ${s.to} (${s.mode}) in ${s.total_ms} ms, downtime ${s.downtime_ms ?? "-"} ms, ${mib(s.transferred_bytes)} sent in ${s.passes} passes${s.note ? ` (${s.note})` : ""}`;
    }
    case "failed":
      return `failed: ${e.message ?? "the migration failed"}`;
    default:
      return `${secs(e.elapsed_ms)} ${e.message ?? e.event}`;
  }
}

/** Splits a streamed body into events, keeping a partial last line for the next chunk. */
export function splitLines(rest: string, chunk: string): { events: MigrationEvent[]; rest: string } {
  const lines = (rest + chunk).split("\n");
  const tail = lines.pop() ?? "";
  return { events: lines.filter((l) => l.trim()).map((l) => JSON.parse(l) as MigrationEvent), rest: tail };
}

export interface MigrateTool {
  element: HTMLElement;
  render(v: VmInfo, lacks: string): void;
  /** The VM came back to this host: it may migrate from here again. */
  back(): void;
}

// moved(host, address): the VM now runs on host (the page stops its consoles and says where it went).
export function migrateTool(name: string, moved: (host: string, address: string | null) => void): MigrateTool {
  const host = h("input", { id: "migrate-host", list: "migrate-peers", placeholder: "host-b", "aria-label": "Destination host", required: true });
  const peers = h("datalist", { id: "migrate-peers" });
  const offline = h("input", { type: "checkbox", id: "migrate-offline" });
  const go = h("button", { type: "submit", "data-action": "migrate" }, "Migrate");
  const progress = h("progress", { max: 100, value: 0, hidden: true, "aria-label": "Migration progress" });
  const line = h("span", { class: "muted", role: "status", "data-testid": "migrate-status" });
  const error = h("span", { class: "message", role: "alert", "data-testid": "migrate-error" });
  let known: HostPeerInfo[] = [];
  let running = false;
  let away = false; // moved: nothing to migrate from here any more
  let state: { v: VmInfo; lacks: string } | null = null;

  const loadPeers = async () => {
    try {
      known = await api<HostPeerInfo[]>("GET", "/v1/host/peers");
      peers.replaceChildren(...known.map((p) => h("option", { value: p.name }, p.address ?? "")));
      if (!host.value && known.length === 1) host.value = known[0].name;
    } catch {
      // Not allowed to list them (Sys.Audit): the name is typed.
    }
  };

  async function migrate(): Promise<void> {
    const to = host.value.trim();
    error.textContent = "";
    line.textContent = `migrating ${name} to ${to}…`;
    progress.hidden = false;
    progress.value = 0;
    running = true;
    if (state) enable();
    try {
      const r = await fetch(vmPath(name, "migrate"), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/x-ndjson", ...csrfHeader() },
        body: JSON.stringify({ host: to, offline: offline.checked }),
      });
      if (!r.ok || !r.body) {
        const text = await r.text();
        let m = `${r.status} ${r.statusText}`;
        try {
          m = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? m;
        } catch {
          // not JSON: the status line
        }
        throw new ApiError(r.status, m);
      }
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let rest = "";
      let last: MigrationEvent | null = null;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const split = splitLines(rest, value);
        rest = split.rest;
        for (const e of split.events) {
          last = e;
          line.textContent = describe(e);
          line.setAttribute("data-event", e.event);
          const total = (e.transferred_bytes ?? 0) + (e.remaining_bytes ?? 0);
          if (e.event === "progress" && total > 0) progress.value = Math.round((100 * (e.transferred_bytes ?? 0)) / total);
        }
      }
      if (!last || (last.event !== "done" && last.event !== "failed")) throw new Error(`hospesd ended the migration stream of ${name} without a result; see its log`);
      if (last.event === "failed") {
        error.textContent = last.message ?? "the migration failed";
        return;
      }
      progress.value = 100;
      away = last.summary?.mode !== "dry-run";
      if (last.summary && away) moved(last.summary.to, known.find((p) => p.name === last.summary!.to)?.address ?? null);
    } catch (e) {
      error.textContent = e instanceof Error ? e.message : String(e);
      line.textContent = "";
      progress.hidden = true;
    } finally {
      running = false;
      if (state) enable();
    }
  }

  const enable = () => {
    const { v, lacks } = state!;
    const ok = v.id != null && (v.state === "running" || v.state === "paused");
    go.disabled = running || away || !ok || lacks !== "";
    go.title = lacks || (ok ? "" : `${name} is ${v.state}: only a running (or paused) guest migrates`);
    go.toggleAttribute("data-lacks", lacks !== "");
  };

  const element = h(
    "form",
    { class: "tool migrate", "aria-label": "Migrate", onsubmit: (e: Event) => (e.preventDefault(), void migrate()) },
    h("label", { for: "migrate-host" }, "Migrate to"),
    host,
    peers,
    h("label", {}, offline, " offline"),
    go,
    progress,
    line,
    error,
  );
  void loadPeers();
  return {
    element,
    render(v: VmInfo, lacks: string) {
      state = { v, lacks };
      enable();
    },
    back() {
      away = false;
      progress.hidden = true;
      line.textContent = `${name} is back on this host`;
      line.setAttribute("data-event", "back");
      if (state) enable();
    },
  };
}
