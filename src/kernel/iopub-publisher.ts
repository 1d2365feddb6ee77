// Everything a running cell sends to the front end on iopub: streams, displays, clears, errors,
// each tied to the request being served.
import type { KernelMessage } from "@jupyterlab/services";
import type { DisplayMessage } from "../display/display-sink.js";
import type { Channels } from "./channels.js";
import type { ErrorOutcome } from "./engine.js";
import { makeMessage } from "./wire.js";

type Parent = KernelMessage.IHeader | Record<string, never>;

export class IopubPublisher {
  /** The request whose outputs we are sending; background output goes to the last one. */
  parent: Parent = {};
  /** False while a `silent` request runs: its output is not published. */
  enabled = true;

  constructor(private readonly channels: Channels) {}

  /** Publishes at once: a cell's output must leave even while the cell keeps this thread busy. */
  publish(msgType: KernelMessage.IOPubMessageType, content: object, parent: Parent = this.parent): void {
    this.channels.send("iopub", [], makeMessage(msgType, content, parent, this.channels.session));
  }

  status(state: "busy" | "idle" | "starting", parent: Parent): void {
    this.publish("status", { execution_state: state } satisfies KernelMessage.IStatusMsg["content"], parent);
  }

  stream(name: "stdout" | "stderr", text: string): void {
    if (!this.enabled || text === "") return;
    this.publish("stream", { name, text } satisfies KernelMessage.IStreamMsg["content"]);
  }

  display(message: DisplayMessage): void {
    if (!this.enabled) return;
    const transient = message.displayId === undefined ? {} : { display_id: message.displayId };
    const content = { data: message.data, metadata: message.metadata, transient };
    this.publish(message.update ? "update_display_data" : "display_data", content);
  }

  clearOutput(wait: boolean): void {
    if (!this.enabled) return;
    this.publish("clear_output", { wait } satisfies KernelMessage.IClearOutputMsg["content"]);
  }

  error(outcome: ErrorOutcome, parent: Parent = this.parent): void {
    const content = { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
    this.publish("error", content satisfies KernelMessage.IErrorMsg["content"], parent);
  }
}
