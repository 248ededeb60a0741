// The host's event stream (GET /v1/events as server-sent events), shared by every page: no polling anywhere.
import type { HostEvent } from "./api";

type Listener = (e: HostEvent) => void;
const listeners = new Set<Listener>();
const reopened = new Set<() => void>();
let source: EventSource | null = null;

const types = ["vm.defined", "vm.state", "vm.removed", "vm.renamed", "progress", "lagged"];

/** Opens a stream at url: each event to f, and resync() when it (re)opens or lagged (it may have missed some). */
function open(url: string, f: Listener, resync: () => void): EventSource {
  const s = new EventSource(url);
  s.onopen = () => resync();
  for (const t of types) {
    s.addEventListener(t, (m) => {
      const e = JSON.parse((m as MessageEvent<string>).data) as HostEvent;
      if (e.type === "lagged") resync();
      else f(e);
    });
  }
  return s;
}

export function startEvents(): void {
  if (source) return;
  // Each (re)connection may have missed events: pages read their state again.
  source = open(
    "/v1/events",
    (e) => listeners.forEach((f) => f(e)),
    () => reopened.forEach((f) => f()),
  );
}

export function stopEvents(): void {
  source?.close();
  source = null;
}

/** Subscribes; the returned function unsubscribes. `resync` runs when the stream (re)opens or lagged. */
export function onEvents(f: Listener, resync: () => void): () => void {
  listeners.add(f);
  reopened.add(resync);
  return () => {
    listeners.delete(f);
    reopened.delete(resync);
  };
}

/**
 * One VM's events from the host that owns it: this host's stream carries only its own VMs, so a page of a VM another
 * cluster member owns listens here too (GET /v1/events?vm=NAME, forwarded to the owner; a reconnect after it moved
 * goes to its new owner). ended(): the browser gave up on it (an error answer, e.g. the owner down), or it was closed.
 */
export function vmEvents(name: string, f: Listener, resync: () => void): { close(): void; ended(): boolean } {
  const s = open(`/v1/events?vm=${encodeURIComponent(name)}`, f, resync);
  return { close: () => s.close(), ended: () => s.readyState === EventSource.CLOSED };
}
