// The serial console in xterm.js over hospesd's console WebSocket (binary frames both ways). The browser sends the
// session cookie with the upgrade and a one-time ticket in its URL; hospesd checks both and its Origin (link.ts gets
// the ticket, and reconnects when the socket drops while the VM runs). A serial line has no window size: the terminal
// fits its box, and `stty rows R cols C` in the guest matches it.
import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import { h } from "./dom";
import { link } from "./link";

export interface SerialConsole {
  element: HTMLElement;
  connect(): void;
  connected(): boolean;
  /** The VM left this hospesd (migrated): close, say where it went, and connect no more. */
  stop(why: string): void;
  /** The VM came back to this hospesd (a migration back): it may connect again. */
  resume(): void;
  dispose(): void;
}

/** wanted(): whether the VM should have a console now (it runs here); a drop then reconnects by itself. */
export function serialConsole(name: string, wanted: () => boolean = () => false): SerialConsole {
  const term = new Terminal({ convertEol: false, cursorBlink: true, fontSize: 14, scrollback: 5000, fontFamily: "ui-monospace, 'DejaVu Sans Mono', monospace" });
  const fit = new FitAddon();
  term.loadAddon(fit);
  const line = h("span", { class: "console-status", role: "status", "data-testid": "console-status", "data-state": "idle" }, "not connected");
  const reconnect = h("button", { type: "button", onclick: () => connect(true) }, "Reconnect");
  const screen = h("div", { class: "terminal", "data-console": name });
  const element = h("section", { class: "console", "aria-label": "Serial console" }, h("div", { class: "console-bar" }, h("h2", {}, "Serial console"), line, reconnect), screen);
  let ws: WebSocket | null = null;
  let opened = false;
  const encoder = new TextEncoder();
  term.onData((d) => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(encoder.encode(d));
  });
  const observer = new ResizeObserver(() => {
    if (opened) fit.fit();
  });

  const socket = link(name, {
    kind: "console",
    wanted,
    say: (text, state) => {
      line.textContent = text;
      line.setAttribute("data-state", state);
    },
    open: (url) => {
      const s = new WebSocket(url);
      s.binaryType = "arraybuffer";
      ws = s;
      s.onopen = () => {
        socket.opened();
        term.focus();
      };
      s.onmessage = (m) => term.write(typeof m.data === "string" ? m.data : new Uint8Array(m.data as ArrayBuffer));
      s.onclose = (c) => {
        if (ws !== s) return;
        ws = null;
        socket.closed(c.reason ? `closed: ${c.reason}` : c.code === 1006 ? "closed: refused or lost (is the VM running, and may you use its console?)" : "closed");
      };
    },
  });

  function connect(manual = false): void {
    if (!opened) {
      term.open(screen);
      opened = true;
      observer.observe(screen);
      fit.fit();
    }
    socket.connect(manual);
  }

  const close = () => {
    const s = ws;
    ws = null;
    s?.close();
  };
  return {
    element,
    connect: () => connect(),
    connected: () => socket.busy(),
    stop: (why: string) => {
      reconnect.disabled = true;
      socket.stop(why);
      close();
    },
    resume: () => {
      reconnect.disabled = false;
      socket.resume();
    },
    dispose: () => {
      socket.stop();
      observer.disconnect();
      close();
      term.dispose();
    },
  };
}
