// What the serial console and the display share: a one-time ticket (POST /v1/vms/NAME/console/ticket), then the
// socket; when it drops while the VM should still have one here (it runs on this host), a fresh ticket and a new
// socket after a bounded back-off, the state shown on the status line ("reconnecting in 2 s… (2 of 8)").
// A refused ticket (403 lacking VM.Console, 404 no such VM, 409) is not retried: its message shows.
// A VM that moved to another host is not followed: that needs the cluster's forwarding (issue 17).
import { ApiError, consoleUrl } from "./api";

export type LinkState = "idle" | "connecting" | "connected" | "reconnecting" | "closed" | "refused" | "stopped";

export interface LinkOptions {
  kind: "console" | "vnc";
  /** The status line: its text and state (data-state). */
  say(text: string, state: LinkState): void;
  /** Opens the socket at url; it calls opened() once open and closed(why) when it ends. */
  open(url: string): void;
  /** Whether the VM should have this socket now (running or paused on this host, the tab shown, not moved away). */
  wanted(): boolean;
}

export interface Link {
  /** Connects now (a pending retry too); a click on Reconnect starts the back-off again. */
  connect(manual?: boolean): void;
  /** Asking for a ticket or the socket is up (a retry waiting is not: the page may connect at once when it sees the VM run). */
  busy(): boolean;
  opened(): void;
  closed(why: string): void;
  /** No more connects (the VM moved away, or the page went): the line says why. */
  stop(why?: string): void;
  /** Connects may come again (the VM came back to this host). */
  resume(): void;
}

/** Seconds before each retry; the last repeats until the attempts are used up. */
export const backoff = [1, 2, 4, 8, 15, 30];
export const attempts = 8;

export function link(name: string, o: LinkOptions): Link {
  let asking = false;
  let up = false;
  let ended = false;
  let attempt = 0;
  let timer: number | undefined;
  const cancel = () => {
    if (timer !== undefined) window.clearTimeout(timer);
    timer = undefined;
  };

  const self: Link = {
    connect(manual = false) {
      if (ended || asking || up) return;
      cancel();
      if (manual) attempt = 0;
      asking = true;
      o.say(attempt ? `reconnecting… (${attempt} of ${attempts})` : "connecting…", attempt ? "reconnecting" : "connecting");
      consoleUrl(name, o.kind).then(
        (url) => {
          asking = false;
          if (ended) return;
          up = true;
          o.open(url);
        },
        (e) => {
          asking = false;
          if (ended) return;
          if (e instanceof ApiError && e.status >= 400 && e.status < 500) {
            attempt = 0;
            o.say(`refused: ${e.message}`, "refused");
          } else {
            self.closed(`no ticket: ${e instanceof Error ? e.message : String(e)}`);
          }
        },
      );
    },
    busy: () => asking || up,
    opened() {
      attempt = 0;
      o.say("connected", "connected");
    },
    closed(why: string) {
      up = false;
      if (ended) return;
      if (!o.wanted()) {
        attempt = 0;
        o.say(why, "closed");
        return;
      }
      if (attempt >= attempts) {
        attempt = 0;
        o.say(`${why} — gave up after ${attempts} attempts: Reconnect tries again`, "closed");
        return;
      }
      const wait = backoff[Math.min(attempt, backoff.length - 1)];
      attempt++;
      o.say(`${why} — reconnecting in ${wait} s… (${attempt} of ${attempts})`, "reconnecting");
      timer = window.setTimeout(() => {
        timer = undefined;
        if (o.wanted()) self.connect();
        else {
          attempt = 0;
          o.say(why, "closed");
        }
      }, wait * 1000);
    },
    stop(why?: string) {
      ended = true;
      // The caller closes its socket, and a socket closed by its owner reports no close here: without this, a stop that
      // came while a socket was still opening left the link "up" for good, and the VM's return never connected again.
      up = false;
      cancel();
      if (why) o.say(why, "stopped");
    },
    resume() {
      ended = false;
      attempt = 0;
      o.say("not connected", "idle");
    },
  };
  return self;
}
