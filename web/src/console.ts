// The serial console in xterm.js over hospesd's console WebSocket (binary frames both ways). The browser sends the
// session cookie with the upgrade and a one-time ticket in its URL; hospesd checks both and its Origin. A serial line has no window size: the terminal fits its
// box, and `stty rows R cols C` in the guest matches it.
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { ApiError, consoleUrl } from "./api";
import { h } from "./dom";

export interface SerialConsole {
  element: HTMLElement;
  connect(): void;
  connected(): boolean;
  /** The VM left this hospesd (migrated): close, say where it went, and connect no more. */
  stop(why: string): void;
  dispose(): void;
}

export function serialConsole(name: string): SerialConsole {
  const term = new Terminal({ convertEol: false, cursorBlink: true, fontSize: 14, scrollback: 5000, fontFamily: "ui-monospace, 'DejaVu Sans Mono', monospace" });
  const fit = new FitAddon();
  term.loadAddon(fit);
  const line = h("span", { class: "console-status", role: "status" }, "not connected");
  const reconnect = h("button", { type: "button", onclick: () => connect() }, "Reconnect");
  const screen = h("div", { class: "terminal", "data-console": name });
  const element = h("section", { class: "console", "aria-label": "Serial console" }, h("div", { class: "console-bar" }, h("h2", {}, "Serial console"), line, reconnect), screen);
  let ws: WebSocket | null = null;
  let opened = false;
  let asking = false; // a ticket is on its way
  let disposed = false;
  const encoder = new TextEncoder();
  term.onData((d) => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(encoder.encode(d));
  });
  const observer = new ResizeObserver(() => {
    if (opened) fit.fit();
  });

  let stopped = false;
  function connect(): void {
    if (stopped) return;
    if (!opened) {
      term.open(screen);
      opened = true;
      observer.observe(screen);
      fit.fit();
    }

    if (asking || (ws && ws.readyState <= WebSocket.OPEN)) return;
    asking = true;
    line.textContent = "connecting…";
    consoleUrl(name, "console").then(
      (url) => {
        asking = false;
        if (!disposed) open(url);
      },
      (e) => {
        asking = false;
        line.textContent = `closed: ${e instanceof ApiError ? e.message : String(e)}`;
      },
    );
  }

  function open(url: string): void {
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    ws = socket;
    line.textContent = "connecting…";
    socket.onopen = () => {
      line.textContent = "connected";
      term.focus();
    };
    socket.onmessage = (m) => term.write(typeof m.data === "string" ? m.data : new Uint8Array(m.data as ArrayBuffer));
    socket.onclose = (c) => {
      if (ws !== socket) return;
      line.textContent = c.reason ? `closed: ${c.reason}` : c.code === 1006 ? "closed: refused or lost (is the VM running, and may you use its console?)" : "closed";
    };
  }

  return {
    element,
    connect,
    connected: () => asking || ws?.readyState === WebSocket.OPEN || ws?.readyState === WebSocket.CONNECTING,
    stop: (why: string) => {
      stopped = true;
      reconnect.disabled = true;
      const s = ws;
      ws = null;
      s?.close();
      line.textContent = why;
    },
    dispose: () => {
      disposed = true;
      observer.disconnect();
      if (ws) {
        const s = ws;
        ws = null;
        s.close();
      }
      term.dispose();
    },
  };
}
