// The API as the browser calls it: same origin, the session cookie sent by the browser, the CSRF token on changes.

export type VmState = "shutoff" | "running" | "paused" | "preserved" | "crashed" | "saved" | "unknown";

export interface VmInfo {
  name: string;
  project: string;
  id?: number | null;
  memory_mib: number;
  max_memory_mib: number;
  vcpus: number;
  state: VmState;
  flags: string;
  cpu_time_s: number;
  started_at?: string | null;
  crash_count: number;
  last_error?: string | null;
  accel?: string | null;
  machine?: string | null;
  save_path?: string | null;
  spec?: { boot?: "pv" | "pvh" | "hvm"; vnc?: boolean; vga?: string | null } | null;
  // The host it runs on (in a cluster: its owner), and whether that host is down.
  host?: string | null;
  host_down?: boolean;
}

export interface SessionInfo {
  user: string;
  display: string;
  csrf?: string | null;
  expires_at?: string | null;
}

export interface HostEvent {
  type: string;
  id: number;
  time: string;
  vm?: string;
  /** vm.renamed: the name the VM had (vm is its name now). */
  old_vm?: string;
  project?: string;
  state?: VmState;
  old_state?: VmState;
  why?: string;
  message?: string;
  /** The cluster-wide stream: the host the event came from (a lagged one: whose events may have been missed). */
  host?: string;
}

export interface HostInfo {
  hostname: string;
  hospes_version: string;
  kernel: string;
  qemu_version?: string | null;
  accelerator?: string | null;
  accelerator_reason?: string | null;
  cpus: number;
  cpu_model: string;
  memory_total_mib: number;
  memory_available_mib: number;
  vms_defined: number;
  vms_running: number;
}

export interface Diagnostic {
  severity: string;
  line?: number | null;
  column?: number | null;
  key?: string | null;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

let csrf: string | null = null;
let onUnauthorized: () => void = () => {};

export function setCsrf(token: string | null | undefined): void {
  csrf = token ?? null;
}

/** The CSRF header for a change made with fetch() directly (a streamed answer, which api() does not read). */
export function csrfHeader(): Record<string, string> {
  return csrf ? { "X-Hospes-CSRF": csrf } : {};
}

/** Called when a request answers 401 (the session ended): the app shows the login again. */
export function whenUnauthorized(f: () => void): void {
  onUnauthorized = f;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await answered<T>(method, path, body)).value;
}

/**
 * As api(), with the host that answered: in a cluster, a request for a VM another member owns is forwarded there and
 * its answer names that host (the Hospes-Host header); null when this host answered itself.
 */
export async function answered<T>(method: string, path: string, body?: unknown): Promise<{ value: T; host: string | null }> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (csrf && method !== "GET") headers["X-Hospes-CSRF"] = csrf;
  const r = await fetch(path, { method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }

  if (!r.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (r.status === 401 && path !== "/v1/session") onUnauthorized();
    throw new ApiError(r.status, error?.message ?? `${r.status} ${r.statusText}`, error?.code);
  }

  return { value: json as T, host: r.headers.get("Hospes-Host") };
}

export const vmPath = (name: string, action = ""): string => `/v1/vms/${encodeURIComponent(name)}${action ? "/" + action : ""}`;

/** A console WebSocket's URL with a one-time ticket (POST /v1/vms/NAME/console/ticket: 30 s, this user, this VM, one socket). */
export async function consoleUrl(name: string, kind: "console" | "vnc"): Promise<string> {
  const t = await api<{ ticket: string }>("POST", vmPath(name, "console/ticket"));
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${vmPath(name, kind)}?ticket=${encodeURIComponent(t.ticket)}`;
}
