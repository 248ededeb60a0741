// The host's memory over the last hour, as this browser tab saw it: GET /v1/host/memory every 10 s while the tab is
// open (hospesd keeps no history), at most 360 samples. Drawn as an SVG polyline per series: used and committed, of total.
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
}

const period = 10_000;
const hour = 3_600_000;
const samples: Sample[] = [];
const listeners = new Set<(m: HostMemory) => void>();
let timer: number | undefined;

async function sample(): Promise<void> {
  try {
    const m = await api<HostMemory>("GET", "/v1/host/memory");
    const now = Date.now();
    samples.push({ at: now, used: m.total_mib - m.available_mib, committed: m.committed_mib, total: m.total_mib });
    while (samples.length && samples[0].at < now - hour) samples.shift();
    listeners.forEach((f) => f(m));
  } catch {
    // Refused (no Sys.Audit) or hospesd away: the page says so from its own read; the next sample tries again.
  }
}

/** Samples while anyone listens (the first one at once); the returned function stops listening. */
export function watchMemory(f: (m: HostMemory) => void): () => void {
  listeners.add(f);
  void sample();
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

/** The chart of the samples so far: x is the last hour, y 0..total MiB. */
export function memoryChart(): SVGSVGElement {
  const w = 600;
  const ht = 140;
  const chart = svg("svg", { viewBox: `0 0 ${w} ${ht}`, class: "memchart", role: "img", "data-samples": samples.length }) as SVGSVGElement;
  const last = samples.at(-1);
  const top = Math.max(1, ...samples.map((s) => Math.max(s.total, s.committed)));
  const end = last?.at ?? Date.now();
  const x = (at: number) => (w * (1 - (end - at) / hour)).toFixed(1);
  const y = (mib: number) => (ht - (ht - 4) * (mib / top)).toFixed(1);
  const line = (pick: (s: Sample) => number, cls: string) =>
    svg("polyline", { points: samples.map((s) => `${x(s.at)},${y(pick(s))}`).join(" "), class: cls, fill: "none" });
  chart.append(svg("rect", { x: 0, y: 0, width: w, height: ht, class: "memchart-bg" }), line((s) => s.total, "mem-total"), line((s) => s.committed, "mem-committed"), line((s) => s.used, "mem-used"));
  // A dot per sample of "used", so the first samples show before there is a line.
  for (const s of samples) chart.append(svg("circle", { cx: x(s.at), cy: y(s.used), r: 2.5, class: "mem-used-dot" }));
  const title = svg("title", {});
  title.textContent = last ? `memory over the last hour (${samples.length} samples): used ${last.used} MiB, committed ${last.committed} MiB of ${last.total} MiB` : "no samples yet";
  chart.prepend(title);
  return chart;
}
