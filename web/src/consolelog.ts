// The console log (xl dmesg's like for a guest): what the guest wrote on its serial console, as hospesd keeps it
// (GET /v1/vms/NAME/console/log, the last 8 MiB, VM.Console). Read when the tab shows, on Refresh, and every 5 s
// while "Follow" is on and the tab shows; escape sequences are dropped, the view stays at the end when it was there.
import { vmPath } from "./api";
import { h } from "./dom";

export interface ConsoleLog {
  element: HTMLElement;
  /** The tab shows (true) or not: reads at once when shown, and follows while shown. */
  showing(on: boolean): void;
  dispose(): void;
}

const period = 5000;
// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other two-byte escapes, and the other control characters but tab and newline.
// eslint-disable-next-line no-control-regex
const escapes = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\x00-\x08\x0b-\x1f\x7f]/g;

/** The log as plain text: escape sequences and control characters dropped, CR LF as LF. */
export function plain(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(escapes, "");
}

export function consoleLog(name: string): ConsoleLog {
  const view = h("pre", { class: "console-log", "data-testid": "console-log", tabindex: 0, "aria-label": `${name}'s console log` });
  const line = h("span", { class: "console-status", role: "status", "data-testid": "console-log-status" }, "not read yet");
  const follow = h("input", { type: "checkbox", id: `follow-${name}`, checked: true, onchange: () => schedule() });
  const refresh = h("button", { type: "button", "data-action": "log-refresh", onclick: () => void read() }, "Refresh");
  const element = h(
    "section",
    { class: "console", "aria-label": "Console log" },
    h("div", { class: "console-bar" }, h("h2", {}, "Console log"), line, refresh, h("label", {}, follow, " Follow")),
    view,
  );
  let shown = false;
  let timer: number | undefined;
  let reading = false;
  let reads = 0;

  async function read(): Promise<void> {
    if (reading) return;
    reading = true;
    try {
      const r = await fetch(vmPath(name, "console/log"), { credentials: "same-origin", headers: { Accept: "text/plain, application/json" } });
      const body = await r.text();
      if (!r.ok) {
        let message = `${r.status} ${r.statusText}`;
        try {
          message = (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? message;
        } catch {
          // Not JSON: the status line it is.
        }
        line.textContent = `not read: ${message}`;
        line.setAttribute("data-state", "refused");
        return;
      }
      const atEnd = view.scrollTop + view.clientHeight >= view.scrollHeight - 4;
      const text = plain(body);
      if (view.textContent !== text) view.textContent = text;
      if (atEnd || reads === 0) view.scrollTop = view.scrollHeight;
      reads++;
      const lines = text ? text.split("\n").length : 0;
      line.textContent = `${lines} lines, ${new Blob([body]).size} bytes; read ${new Date().toLocaleTimeString()}`;
      line.setAttribute("data-state", "read");
      view.setAttribute("data-reads", String(reads));
    } catch (e) {
      line.textContent = `not read: ${String(e)}`;
      line.setAttribute("data-state", "failed");
    } finally {
      reading = false;
    }
  }

  function schedule(): void {
    if (timer !== undefined) window.clearInterval(timer);
    timer = undefined;
    if (shown && follow.checked) timer = window.setInterval(() => void read(), period);
  }

  return {
    element,
    showing(on: boolean) {
      const was = shown;
      shown = on;
      if (on && !was) void read();
      schedule();
    },
    dispose() {
      shown = false;
      schedule();
    },
  };
}
