// The widgets a run left behind, saved in the notebook's metadata as
// application/vnd.jupyter.widget-state+json (widget state schema 2.0), as nbclient saves them: a
// front end that has the widget manager shows their last state without a kernel.
import type { JupyterMessage } from "./messages.js";
import type { Notebook } from "./notebook-file.js";

export const widgetStateMime = "application/vnd.jupyter.widget-state+json";
const widgetTarget = "jupyter.widget";

interface SavedBuffer {
  path: (string | number)[];
  data: string;
  encoding: "base64";
}

interface ModelState {
  model_name: string;
  model_module: string;
  model_module_version: string;
  state: Record<string, unknown>;
  buffers?: SavedBuffer[];
}

/** Follows jupyter.widget comms on iopub and keeps each model's latest state. */
export class WidgetStateRecorder {
  private readonly models = new Map<string, { state: Record<string, unknown>; buffers: Map<string, SavedBuffer> }>();

  /** Takes any iopub message; only widget comm messages change anything. */
  handle(message: JupyterMessage): void {
    const type = message.header.msg_type;
    const content = message.content;
    const commId = typeof content["comm_id"] === "string" ? content["comm_id"] : undefined;
    if (!commId) return;
    const data = (content["data"] ?? {}) as Record<string, unknown>;
    if (type === "comm_open" && content["target_name"] === widgetTarget) {
      this.models.set(commId, { state: {}, buffers: new Map() });
      this.apply(commId, data, message.buffers);
    } else if (type === "comm_msg" && (data["method"] === "update" || data["method"] === "echo_update")) {
      this.apply(commId, data, message.buffers);
    } else if (type === "comm_close") {
      this.models.delete(commId);
    }
  }

  /**
   * True when an Output widget is capturing the outputs of request `msgId` (its msg_id names it):
   * a live front end shows them in that widget, not in the cell.
   */
  capturedBy(msgId: string | undefined): boolean {
    if (!msgId) return false;
    for (const model of this.models.values()) if (model.state["_model_name"] === "OutputModel" && model.state["msg_id"] === msgId) return true;
    return false;
  }

  /** The metadata entry, or undefined when no widget is open. */
  state(): { version_major: 2; version_minor: 0; state: Record<string, ModelState> } | undefined {
    if (this.models.size === 0) return undefined;
    const state: Record<string, ModelState> = {};
    for (const [id, model] of this.models) {
      const s = model.state;
      const entry: ModelState = {
        model_name: String(s["_model_name"] ?? ""),
        model_module: String(s["_model_module"] ?? ""),
        model_module_version: String(s["_model_module_version"] ?? ""),
        state: s,
      };
      if (model.buffers.size > 0) entry.buffers = [...model.buffers.values()];
      state[id] = entry;
    }
    return { version_major: 2, version_minor: 0, state };
  }

  /** Writes the state into `notebook.metadata.widgets` (removing a stale one when none is open). */
  save(notebook: Notebook): void {
    const saved = this.state();
    const metadata = notebook.metadata as Record<string, unknown>;
    if (saved) metadata["widgets"] = { [widgetStateMime]: saved };
    else delete metadata["widgets"];
  }

  private apply(commId: string, data: Record<string, unknown>, buffers: readonly Uint8Array[]): void {
    const model = this.models.get(commId);
    const state = data["state"];
    if (!model || typeof state !== "object" || state === null) return;
    Object.assign(model.state, state);
    // A key set again drops the buffers it held before.
    for (const [key, saved] of model.buffers) if (String(saved.path[0]) in state) model.buffers.delete(key);
    const paths = Array.isArray(data["buffer_paths"]) ? (data["buffer_paths"] as (string | number)[][]) : [];
    paths.forEach((path, i) => {
      const buffer = buffers[i];
      if (buffer) model.buffers.set(JSON.stringify(path), { path, data: Buffer.from(buffer).toString("base64"), encoding: "base64" });
    });
  }
}
