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
  // Each (re)connection may have missed events: pages read their state again. ?cluster=true: in a cluster, every
  // member's events come here (each naming its host; a lagged one naming a host whose events may have been missed),
  // so the list and a VM's page follow VMs on other hosts too; on a host in no cluster it is this host's stream.
  source = open(
    "/v1/events?cluster=true",
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
