// The host's memory over the last hour: hospesd samples it every 10 s into a one-hour ring (GET /v1/host/memory/history),
// read once when the chart first shows; then GET /v1/host/memory every 10 s while the page is open appends to it.
// Drawn as an SVG polyline per series: used, committed and KSM saved, of total.
import { api } from "./api";

export interface HostMemory {
  total_mib: number;
  available_mib: number;
  committed_mib: number;
  commit_limit_mib: number;
  policy: string;
  pressure: boolean;
  ksm: { state: string; saved_mib: number };
}

interface Sample {
  at: number;
  used: number;
  committed: number;
  total: number;
  ksm: number;
}

interface History {
  interval_s: number;
  samples: { at: string; total_mib: number; available_mib: number; committed_mib: number; ksm_saved_mib: number }[];
}

const period = 10_000;
const hour = 3_600_000;
const samples: Sample[] = [];
const listeners = new Set<(m: HostMemory) => void>();
let timer: number | undefined;
let history: Promise<void> = Promise.resolve();
/** How many of the samples came from hospesd's history (the rest this page sampled). */
let fromServer = 0;

async function loadHistory(): Promise<void> {
  try {
    const got = await api<History>("GET", "/v1/host/memory/history");
    const old = got.samples.map((p) => ({ at: Date.parse(p.at), used: p.total_mib - p.available_mib, committed: p.committed_mib, total: p.total_mib, ksm: p.ksm_saved_mib }));
    // hospesd's samples, then this page's own that are newer (from an earlier visit to the page).
    const last = old.at(-1)?.at ?? -Infinity;
    const mine = samples.filter((s) => s.at > last);
    samples.splice(0, samples.length, ...old, ...mine);
    fromServer = old.length;
  } catch {
    // Refused (no Sys.Audit) or an older hospesd: the chart shows this page's samples only.
  }
}

async function sample(): Promise<void> {
  try {
    const m = await api<HostMemory>("GET", "/v1/host/memory");
    const now = Date.now();
    samples.push({ at: now, used: m.total_mib - m.available_mib, committed: m.committed_mib, total: m.total_mib, ksm: m.ksm.saved_mib });
    while (samples.length && samples[0].at < now - hour) {
      samples.shift();
      if (fromServer > 0) fromServer--;
    }
    listeners.forEach((f) => f(m));
  } catch {
    // Refused (no Sys.Audit) or hospesd away: the page says so from its own read; the next sample tries again.
  }
}

/** Samples while anyone listens (the first one at once); the returned function stops listening. */
export function watchMemory(f: (m: HostMemory) => void): () => void {
  listeners.add(f);
  // The hour hospesd kept, first (when no one watched: the samples since may be missing); then a sample now, which draws it all.
  if (timer === undefined) history = loadHistory();
  void history.then(sample);
  timer ??= window.setInterval(() => void sample(), period);
  return () => {
    listeners.delete(f);
    if (listeners.size === 0 && timer !== undefined) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

const ns = "http://www.w3.org/2000/svg";
const svg = (tag: string, attrs: Record<string, string | number>) => {
  const el = document.createElementNS(ns, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

/** The chart of the samples so far: x is the last hour (or since the first sample, when younger), y 0..total MiB. */
export function memoryChart(): SVGSVGElement {
  const w = 600;
  const ht = 140;
  const chart = svg("svg", { viewBox: `0 0 ${w} ${ht}`, class: "memchart", role: "img", "data-samples": samples.length, "data-history": fromServer }) as SVGSVGElement;
  const last = samples.at(-1);
  const top = Math.max(1, ...samples.map((s) => Math.max(s.total, s.committed)));
  const end = last?.at ?? Date.now();
  const span = Math.min(hour, Math.max(60_000, end - (samples[0]?.at ?? end)));
  const x = (at: number) => (w * (1 - (end - at) / span)).toFixed(1);
  const y = (mib: number) => (ht - (ht - 4) * (mib / top)).toFixed(1);
  const line = (pick: (s: Sample) => number, cls: string) =>
    svg("polyline", { points: samples.map((s) => `${x(s.at)},${y(pick(s))}`).join(" "), class: cls, fill: "none" });
  chart.append(svg("rect", { x: 0, y: 0, width: w, height: ht, class: "memchart-bg" }), line((s) => s.total, "mem-total"), line((s) => s.committed, "mem-committed"), line((s) => s.ksm, "mem-ksm"), line((s) => s.used, "mem-used"));
  const label = (tx: number, ty: number, anchor: string, text: string) => {
    const t = svg("text", { x: tx, y: ty, "text-anchor": anchor, class: "memchart-label" });
    t.textContent = text;
    return t;
  };
  const clock = (at: number) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  chart.append(label(4, 12, "start", `${top} MiB`), label(4, ht - 4, "start", clock(end - span)), label(w - 4, ht - 4, "end", clock(end)));
  // A dot per sample of "used", so the first samples show before there is a line.
  for (const s of samples) chart.append(svg("circle", { cx: x(s.at), cy: y(s.used), r: 2.5, class: "mem-used-dot" }));
  const title = svg("title", {});
  title.textContent = last ? `memory over the last hour (${samples.length} samples): used ${last.used} MiB, committed ${last.committed} MiB of ${last.total} MiB, KSM saved ${last.ksm} MiB` : "no samples yet";
  chart.prepend(title);
  return chart;
}
