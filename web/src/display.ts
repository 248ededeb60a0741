// The graphical console: noVNC over hospesd's VNC WebSocket (/v1/vms/NAME/vnc, RFB in binary frames, relayed to the
// guest's VNC unix socket). Like the serial console, the browser's session cookie logs it in, with a one-time ticket
// in the URL (link.ts, which also reconnects when it drops while the VM runs), and hospesd checks its Origin.
// "Fit" scales the guest's screen to the box; off, it shows 1:1 and scrolls.
import RFB from "@novnc/novnc";
import { h } from "./dom";
import { link } from "./link";

export interface Display {
  element: HTMLElement;
  connect(): void;
  connected(): boolean;
  /** The VM left this hospesd (migrated): close, say where it went, and connect no more. */
  stop(why: string): void;
  /** The VM came back to this hospesd (a migration back): it may connect again. */
  resume(): void;
  dispose(): void;
}

/** wanted(): whether the display should be up now (the VM runs here with one, its tab shows); a drop then reconnects. */
export function graphicalConsole(name: string, wanted: () => boolean = () => false): Display {
  const line = h("span", { class: "console-status", role: "status", "data-testid": "display-status", "data-state": "idle" }, "not connected");
  const screen = h("div", { class: "display", "data-display": name });
  let rfb: RFB | null = null;
  const cad = h("button", { type: "button", "data-action": "ctrl-alt-del", disabled: true, onclick: () => rfb?.sendCtrlAltDel() }, "Ctrl-Alt-Del");
  const fit = h("input", { type: "checkbox", id: `fit-${name}`, checked: true, onchange: () => rfb && (rfb.scaleViewport = fit.checked) });
  const reconnect = h("button", { type: "button", onclick: () => socket.connect(true) }, "Reconnect");
  const bar = h("div", { class: "console-bar" }, h("h2", {}, "Display"), line, cad, h("label", {}, fit, " Fit to window"), reconnect);
  const element = h("section", { class: "console", "aria-label": "Display" }, bar, screen);

  const socket = link(name, {
    kind: "vnc",
    wanted,
    say: (text, state) => {
      line.textContent = text;
      line.setAttribute("data-state", state);
    },
    open: (url) => {
      let r: RFB;
      try {
        r = new RFB(screen, url, { wsProtocols: ["binary"], shared: true });
      } catch (e) {
        // noVNC refuses a socket it cannot use (it throws from its constructor): say so rather than "connecting…".
        socket.closed(`closed: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      rfb = r;
      r.scaleViewport = fit.checked;
      r.background = "#000";
      let up = false;
      r.addEventListener("connect", () => {
        up = true;
        socket.opened();
        cad.disabled = false;
        r.focus();
      });
      r.addEventListener("disconnect", (e) => {
        if (rfb !== r) return;
        rfb = null;
        cad.disabled = true;
        const clean = (e as CustomEvent<{ clean: boolean }>).detail?.clean;
        socket.closed(
          clean
            ? "closed (the VM stopped?)"
            : up
              ? "closed: the connection was lost"
              : "closed: refused (is the VM running with a display, and may you use its console?)",
        );
      });
    },
  });

  const close = () => {
    const r = rfb;
    rfb = null;
    r?.disconnect();
  };
  return {
    element,
    connect: () => socket.connect(),
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
      close();
    },
  };
}
