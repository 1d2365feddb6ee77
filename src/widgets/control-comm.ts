// The `jupyter.widget.control` target (control protocol 1.0): a front end that (re)connects asks
// for every widget's state in one message instead of one `request_state` per widget.
import { comms } from "./comm-manager.js";
import { splitBuffers } from "./buffer-paths.js";
import { liveWidgets } from "./widget.js";

export const controlTarget = "jupyter.widget.control";

/** Every live widget's state as `update_states` carries it: states by model id, buffers by path. */
export function allStates(): { states: Record<string, unknown>; bufferPaths: (string | number)[][]; buffers: Uint8Array[] } {
  const full: Record<string, unknown> = {};
  for (const widget of liveWidgets()) if (!widget.closed) full[widget.modelId] = widget.serializedState();
  const { state, bufferPaths, buffers } = splitBuffers(full);
  return { states: state, bufferPaths, buffers };
}

comms.registerTarget(controlTarget, (comm) => {
  comm.onMsg((message) => {
    if (message.data["method"] !== "request_states") {
      comm.send({ method: "error", error: `unknown method ${JSON.stringify(message.data["method"])}` });
      return;
    }
    const { states, bufferPaths, buffers } = allStates();
    comm.send({ method: "update_states", states, buffer_paths: bufferPaths }, { buffers });
  });
});
