import type { MimeBundle } from "./mime-bundle.js";

/** One display output on its way to the front end: `display_data`, or `update_display_data` when `update`. */
export interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  displayId?: string;
  update: boolean;
}

/** Where display outputs go. The kernel installs one that sends iopub messages. */
export interface DisplaySink {
  display(message: DisplayMessage): void;
  clearOutput(wait: boolean): void;
}

// Kept on globalThis so the kernel and the library preloaded into cells share one sink even if
// the module were loaded twice (once by the kernel, once through a cell's import).
const sinkKey = Symbol.for("tsgrad.displaySink");
type SinkHolder = { [sinkKey]?: DisplaySink };

/** Outside a kernel: print the text/plain form, like a script would. */
const consoleSink: DisplaySink = {
  display(message) {
    // A bundle without text (a live display's blank slot) prints nothing.
    if (!message.update && typeof message.data["text/plain"] === "string") console.log(message.data["text/plain"]);
  },
  clearOutput() {},
};

export function setDisplaySink(sink: DisplaySink | null): void {
  const holder = globalThis as SinkHolder;
  if (sink) holder[sinkKey] = sink;
  else delete holder[sinkKey];
}

export function currentDisplaySink(): DisplaySink {
  return (globalThis as SinkHolder)[sinkKey] ?? consoleSink;
}
