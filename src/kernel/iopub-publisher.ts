// Everything a running cell sends to the front end on iopub: streams, displays, clears, errors,
// each tied to the request being served. Printed text is coalesced per stream, as ipykernel does:
// one message per flush instead of one per console.log, flushed on an interval, when it grows past
// a size, and before any other output, so stdout, stderr and displays keep their order. While a cell
// keeps this thread busy, the loop checks flush on the control thread's request (shared-state.ts).
import type { KernelMessage } from "@jupyterlab/services";
import type { DisplayMessage } from "../display/display-sink.js";
import type { Channels } from "./channels.js";
import type { ErrorOutcome } from "./engine.js";
import type { OutputBudget } from "./output-budget.js";
import { makeMessage } from "./wire.js";

type Parent = KernelMessage.IHeader | Record<string, never>;
type StreamName = "stdout" | "stderr";

/** Printed text waits about this long at most; a print after a quiet spell leaves at once. */
export const flushIntervalMs = 50;
/** Printed text leaves once this much has gathered (characters). */
export const flushChars = 64 * 1024;
/** What a message costs in the queue besides its text (header, signature, JSON). */
const messageOverhead = 512;

export class IopubPublisher {
  /** The request whose outputs we are sending; background output goes to the last one. */
  parent: Parent = {};
  /** False while a `silent` request runs: its output is not published. */
  enabled = true;
  private pending: { name: StreamName; text: string; parent: Parent } | null = null;
  /** Set for an interval after text was sent: text printed meanwhile gathers. */
  private window: NodeJS.Timeout | undefined;

  constructor(
    private readonly channels: Channels,
    private readonly budget: OutputBudget,
    /** Told when printed text starts and stops waiting (a busy cell's loop checks then flush it). */
    private readonly pendingChanged: (pending: boolean) => void = () => {},
  ) {}

  /** Publishes after any pending printed text; never shed (statuses, inputs, results, errors). */
  publish(msgType: KernelMessage.IOPubMessageType, content: object, parent: Parent = this.parent): void {
    this.flush();
    this.post(msgType, content, parent, messageOverhead);
  }

  status(state: "busy" | "idle" | "starting", parent: Parent): void {
    this.flush();
    // Told before the idle, so the note belongs to the cell that printed too much.
    if (state === "idle") this.noteShed();
    this.publish("status", { execution_state: state } satisfies KernelMessage.IStatusMsg["content"], parent);
  }

  stream(name: StreamName, text: string): void {
    if (!this.enabled || text === "") return;
    if (this.pending && (this.pending.name !== name || this.pending.parent !== this.parent)) this.flush();
    if (this.pending) this.pending.text += text;
    else {
      this.pending = { name, text, parent: this.parent };
      this.pendingChanged(true);
    }
    // No clock read per write: outside a window (nothing sent for an interval) the text leaves now.
    if (this.window === undefined || this.pending.text.length >= flushChars) this.flush();
  }

  /** Sends the printed text gathered so far (or sheds it, counted, when the front end stopped reading). */
  flush(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    this.pendingChanged(false);
    // What is printed in the next interval gathers; the timer sends it (or, while a cell keeps this
    // thread busy, its next loop check does).
    this.window ??= setTimeout(() => {
      this.window = undefined;
      this.flush();
    }, flushIntervalMs);
    const cost = pending.text.length + messageOverhead;
    if (!this.budget.admit(cost)) {
      this.budget.shedText(pending.text);
      return;
    }
    this.noteShed();
    this.post("stream", { name: pending.name, text: pending.text } satisfies KernelMessage.IStreamMsg["content"], pending.parent, cost);
  }

  display(message: DisplayMessage): void {
    if (!this.enabled) return;
    this.flush();
    const cost = bundleSize(message.data) + messageOverhead;
    if (!this.budget.admit(cost)) {
      this.budget.shedDisplay();
      return;
    }
    this.noteShed();
    const transient = message.displayId === undefined ? {} : { display_id: message.displayId };
    const content = { data: message.data, metadata: message.metadata, transient };
    this.post(message.update ? "update_display_data" : "display_data", content, this.parent, cost);
  }

  clearOutput(wait: boolean): void {
    if (!this.enabled) return;
    this.publish("clear_output", { wait } satisfies KernelMessage.IClearOutputMsg["content"]);
  }

  error(outcome: ErrorOutcome, parent: Parent = this.parent): void {
    const content = { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
    this.publish("error", content satisfies KernelMessage.IErrorMsg["content"], parent);
  }

  private noteShed(): void {
    const note = this.budget.takeNote();
    if (note) this.post("stream", { name: "stderr", text: note }, this.parent, messageOverhead);
  }

  private post(msgType: KernelMessage.IOPubMessageType, content: object, parent: Parent, cost: number): void {
    this.channels.send("iopub", [], makeMessage(msgType, content, parent, this.channels.session), cost);
  }
}

/** Characters of a MIME bundle's text values: what its message will roughly weigh. */
function bundleSize(data: Record<string, unknown>): number {
  let size = 0;
  for (const value of Object.values(data)) size += typeof value === "string" ? value.length : 256;
  return size;
}
