// The graphical console: noVNC over hospesd's VNC WebSocket (/v1/vms/NAME/vnc, RFB in binary frames, relayed to the
// guest's VNC unix socket). Like the serial console, the browser's session cookie logs it in, with a one-time ticket
// in the URL, and hospesd checks its Origin. "Fit" scales the guest's screen to the box; off, it shows 1:1 and scrolls.
import RFB from "@novnc/novnc";
import { ApiError, consoleUrl } from "./api";
import { h } from "./dom";

export interface Display {
  element: HTMLElement;
  connect(): void;
  connected(): boolean;
  /** The VM left this hospesd (migrated): close, say where it went, and connect no more. */
  stop(why: string): void;
  dispose(): void;
}

export function graphicalConsole(name: string): Display {
  const line = h("span", { class: "console-status", role: "status", "data-testid": "display-status" }, "not connected");
  const screen = h("div", { class: "display", "data-display": name });
  let rfb: RFB | null = null;
  const cad = h("button", { type: "button", "data-action": "ctrl-alt-del", disabled: true, onclick: () => rfb?.sendCtrlAltDel() }, "Ctrl-Alt-Del");
  const fit = h("input", { type: "checkbox", id: `fit-${name}`, checked: true, onchange: () => rfb && (rfb.scaleViewport = fit.checked) });
  const reconnect = h("button", { type: "button", onclick: () => connect() }, "Reconnect");
  const bar = h("div", { class: "console-bar" }, h("h2", {}, "Display"), line, cad, h("label", {}, fit, " Fit to window"), reconnect);
  const element = h("section", { class: "console", "aria-label": "Display" }, bar, screen);

  let asking = false; // a ticket is on its way
  let disposed = false;
  function connect(): void {
    if (rfb || asking || disposed) return;
    asking = true;
    line.textContent = "connecting…";
    consoleUrl(name, "vnc").then(
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
    if (rfb) return;
    const r = new RFB(screen, url, { wsProtocols: ["binary"], shared: true });
    rfb = r;
    r.scaleViewport = fit.checked;
    r.background = "#000";
    line.textContent = "connecting…";
    r.addEventListener("connect", () => {
      line.textContent = "connected";
      cad.disabled = false;
      r.focus();
    });
    r.addEventListener("disconnect", (e) => {
      if (rfb !== r) return;
      rfb = null;
      cad.disabled = true;
      const clean = (e as CustomEvent<{ clean: boolean }>).detail?.clean;
      line.textContent = clean ? "closed (the VM stopped?)" : "closed: refused or lost (is the VM running with a display, and may you use its console?)";
    });
  }

  return {
    element,
    connect,
    connected: () => asking || rfb !== null,
    stop: (why: string) => {
      disposed = true;
      reconnect.disabled = true;
      const r = rfb;
      rfb = null;
      r?.disconnect();
      line.textContent = why;
    },
    dispose: () => {
      disposed = true;
      const r = rfb;
      rfb = null;
      r?.disconnect();
    },
  };
}
