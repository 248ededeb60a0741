// The host's event stream (GET /v1/events as server-sent events), shared by every page: no polling anywhere.
import type { HostEvent } from "./api";

type Listener = (e: HostEvent) => void;
const listeners = new Set<Listener>();
const reopened = new Set<() => void>();
let source: EventSource | null = null;

const types = ["vm.defined", "vm.state", "vm.removed", "vm.renamed", "progress", "lagged"];

export function startEvents(): void {
  if (source) return;
  source = new EventSource("/v1/events");
  // Each (re)connection may have missed events: pages read their state again.
  source.onopen = () => reopened.forEach((f) => f());
  for (const t of types) {
    source.addEventListener(t, (m) => {
      const e = JSON.parse((m as MessageEvent<string>).data) as HostEvent;
      if (e.type === "lagged") reopened.forEach((f) => f());
      else listeners.forEach((f) => f(e));
    });
  }
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
