// Output: a widget that shows a cell's output. While `capture` runs, the widget's msg_id names the
// request being served, and the front end routes every output sent under it into the widget.
import { clearOutput } from "../display/output.js";
import { defineAccessors, domTraits, identityTraits, outputModule, spec, withParts } from "./dom-widget.js";
import { Layout } from "./layout.js";
import { currentCommTransport } from "./comm-transport.js";
import { trait } from "./traits.js";
import { Widget } from "./widget.js";

export interface OutputOptions {
  tooltip?: string | null;
  layout?: Layout;
}

const outputSpec = spec("Output", outputModule);
const outputTraits = {
  ...identityTraits(outputSpec),
  ...domTraits,
  msgId: trait("msg_id", "string", ""),
  outputs: trait("outputs", "json", []),
};

export interface Output {
  readonly msgId: string;
  tooltip: string | null;
  layout: Layout;
}
/** `out.capture(() => console.log("into the widget"))`; `await out.capture(async () => ...)` for async work. */
export class Output extends Widget {
  constructor(options: OutputOptions = {}) {
    super(outputSpec, outputTraits, withParts({ ...options }, { layout: () => new Layout() }));
  }

  /** Runs `fn` with its output (console, displays, errors it prints) shown in this widget. */
  capture<R>(fn: () => R): R {
    const transport = currentCommTransport();
    const previous = this.get("msgId");
    this.set({ msgId: transport.parentMsgId() });
    const end = (): void => {
      // Output held back (coalesced streams) must leave while the front end still routes it here.
      transport.flushOutput();
      if (!this.closed) this.set({ msgId: previous });
    };
    let result: R;
    try {
      result = fn();
    } catch (error) {
      end();
      throw error;
    }
    if (result instanceof Promise) return result.finally(end) as R;
    end();
    return result;
  }

  /** Clears what the widget shows (`wait`: when the next output arrives). */
  clearOutput(wait = false): void {
    this.capture(() => clearOutput({ wait }));
  }
}
defineAccessors(Output, Object.keys(outputTraits));
