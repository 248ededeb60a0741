// The VM page's lesser actions, each a small form: memory target (mem-set), save to a file, snapshots (list, create,
// revert, delete) and make a template of a stopped VM. Each is enabled by the VM's state as the API's transition table
// has it, and by the caller's privileges (a missing one is the tooltip), and shows the API's message when refused.
import { api, ApiError, vmPath, type VmInfo } from "./api";
import { h, show } from "./dom";

interface SnapshotInfo {
  name: string;
  created_at?: string | null;
  vm_state_bytes: number;
  disks: string[];
}

export interface VmTools {
  element: HTMLElement;
  render(v: VmInfo): void;
}

const hasQemu = (v: VmInfo) => v.id != null;
const live = (v: VmInfo) => hasQemu(v) && (v.state === "running" || v.state === "paused");

// lacks(privilege): why the caller may not (it lacks the privilege on the VM's path), or "" (may, or not known yet).
// lacks(privilege, path): the same on another path than the VM's (save and restore name a host file: Sys.Modify on /).
export function vmTools(name: string, say: (text: string) => void, refresh: (v?: VmInfo) => void, lacks: (privilege: string, path?: string) => string = () => ""): VmTools {
  let vm: VmInfo | null = null;
  const run = async <T>(what: () => Promise<T>): Promise<T | undefined> => {
    say("");
    try {
      return await what();
    } catch (e) {
      say(e instanceof ApiError ? e.message : String(e));
      return undefined;
    }
  };

  // mem-set: the balloon target of a running guest (kept for its next start).
  const mib = h("input", { id: "mem-target", type: "number", min: 16, step: 16, "aria-label": "Memory target (MiB)" });
  const setMem = h("button", { type: "submit", "data-action": "mem-set" }, "Set memory");
  const memForm = h("form", { class: "tool", onsubmit: (e: Event) => (e.preventDefault(), void memSet()) }, h("label", { for: "mem-target" }, "Memory (MiB)"), mib, setMem);
  async function memSet(): Promise<void> {
    await run(() => api("PUT", vmPath(name, "memory/target"), { mib: Number(mib.value) }));
    refresh();
  }

  // save: the guest's state into a file on hospesd's host; the VM is "saved" then, and Start or Restore brings it back.
  const savePath = h("input", { id: "save-path", placeholder: `/path/on/the/host/${name}.save`, "aria-label": "Save file (an absolute path on hospesd's host)", required: true });
  const save = h("button", { type: "submit", "data-action": "save" }, "Save");
  const saveForm = h("form", { class: "tool", onsubmit: (e: Event) => (e.preventDefault(), void saveTo()) }, h("label", { for: "save-path" }, "Save to"), savePath, save);
  async function saveTo(): Promise<void> {
    refresh(await run(() => api<VmInfo>("POST", vmPath(name, "save"), { path: savePath.value.trim() })));
  }
  const restore = h("button", { type: "button", "data-action": "restore", onclick: () => void restoreIt() }, "Restore");
  async function restoreIt(): Promise<void> {
    if (!vm?.save_path) return;
    const path = vm.save_path;
    refresh(await run(() => api<VmInfo>("POST", `/v1/restore?project=${encodeURIComponent(vm!.project)}`, { path })));
  }

  // Snapshots of the VM's disks (and memory, when it runs).
  const snapName = h("input", { id: "snapshot-name", placeholder: "before-upgrade", "aria-label": "Snapshot name", required: true });
  const snap = h("button", { type: "submit", "data-action": "snapshot" }, "Snapshot");
  const snapList = h("ul", { class: "snapshots", "aria-label": "Snapshots" });
  const snapForm = h("form", { class: "tool", onsubmit: (e: Event) => (e.preventDefault(), void snapshot()) }, h("label", { for: "snapshot-name" }, "Snapshot"), snapName, snap);
  async function snapshot(): Promise<void> {
    snap.disabled = true;
    await run(() => api("POST", `/v1/vms/${encodeURIComponent(name)}/snapshots`, { name: snapName.value.trim() }));
    snap.disabled = false;
    await snapshots();
  }
  async function snapshots(): Promise<void> {
    let list: SnapshotInfo[] = [];
    try {
      list = await api<SnapshotInfo[]>("GET", `/v1/vms/${encodeURIComponent(name)}/snapshots`);
    } catch {
      // No disks, or not allowed to look: nothing to list.
    }
    const path = (s: string, action = "") => `/v1/vms/${encodeURIComponent(name)}/snapshots/${encodeURIComponent(s)}${action}`;
    show(
      snapList,
      ...list.map((s) =>
        h(
          "li",
          { "data-snapshot": s.name },
          `${s.name} `,
          h("span", { class: "muted" }, `${s.created_at ? new Date(s.created_at).toLocaleString() : ""}${s.vm_state_bytes ? ", with memory" : ""} (${s.disks.join(", ")}) `),
          h("button", { type: "button", onclick: () => void run(() => api("POST", path(s.name, "/revert"))).then(() => refresh()) }, "Revert"),
          h("button", { type: "button", onclick: () => confirm(`Delete snapshot ${s.name}?`) && void run(() => api("DELETE", path(s.name))).then(() => snapshots()) }, "Delete"),
        ),
      ),
    );
  }

  // A template of a stopped VM (its disks copied), to clone from on the Templates page.
  const tmplName = h("input", { id: "template-name", placeholder: `${name}-tmpl`, "aria-label": "Template name", required: true });
  const tmpl = h("button", { type: "submit", "data-action": "make-template" }, "Make template");
  const tmplForm = h("form", { class: "tool", onsubmit: (e: Event) => (e.preventDefault(), void makeTemplate()) }, h("label", { for: "template-name" }, "Template"), tmplName, tmpl);
  async function makeTemplate(): Promise<void> {
    const made = await run(() => api<{ name: string }>("POST", `/v1/templates?project=${encodeURIComponent(vm?.project ?? "default")}`, { vm: name, name: tmplName.value.trim() }));
    if (made) location.hash = "#/templates";
  }

  const element = h("section", { class: "tools", "aria-label": "More actions" }, memForm, h("div", { class: "tool" }, saveForm, restore), snapForm, snapList, tmplForm);
  void snapshots();
  return {
    element,
    render(v: VmInfo) {
      const first = vm === null;
      vm = v;
      if (first || document.activeElement !== mib) mib.value = String(v.memory_mib);
      const why = (ok: boolean, b: HTMLButtonElement, need: string, ...privileges: (string | [string, string])[]) => {
        const missing = privileges.map((p) => (typeof p === "string" ? lacks(p) : lacks(p[0], p[1]))).find((m) => m !== "") ?? "";
        b.disabled = !ok || missing !== "";
        b.title = missing || (ok ? "" : `${name} is ${v.state}: ${need}`);
        b.toggleAttribute("data-lacks", missing !== "");
      };
      why(live(v), setMem, "mem-set balloons a running guest", "VM.Config");
      why(live(v), save, "only a running or paused guest is saved", "VM.PowerMgmt", ["Sys.Modify", "/"]);
      why(!hasQemu(v) && v.state === "saved" && !!v.save_path, restore, "only a saved VM is restored", ["VM.Allocate", `/projects/${v.project}/vms`], ["Sys.Modify", "/"]);
      why(hasQemu(v) ? live(v) : v.state !== "saved", snap, "its disks belong to its save file", "VM.Snapshot");
      why(!hasQemu(v) && (v.state === "shutoff" || v.state === "crashed"), tmpl, "a template is made of a stopped VM", ["Datastore.Allocate", `/projects/${v.project}/templates`]);
    },
  };
}
