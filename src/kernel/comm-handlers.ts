// The kernel's side of Jupyter comms: comm_open / comm_msg / comm_close from the front end go to
// the library's comm registry (src/widgets), and what the registry sends leaves on iopub. Served
// at once, even while a cell awaits, so a running cell sees widget events (see channels.ts).
import type { KernelMessage } from "@jupyterlab/services";
import { comms } from "../widgets/comm-manager.js";
import type { CommMessage, SendOptions } from "../widgets/comm.js";
import type { CommTransport } from "../widgets/comm-transport.js";
import type { Channels } from "./channels.js";
import type { Engine } from "./engine.js";
import type { IopubPublisher } from "./iopub-publisher.js";
import { makeMessage } from "./wire.js";
import type { WireMessage } from "./wire.js";
import { log } from "./log.js";

/** Requests served as they arrive, not queued behind a running cell. */
export const commRequestTypes: ReadonlySet<string> = new Set(["comm_open", "comm_msg", "comm_close", "comm_info_request"]);

export class CommHandlers {
  constructor(
    private readonly channels: Channels,
    private readonly output: IopubPublisher,
    private readonly engine: Engine,
  ) {}

  /** Publishes comm messages on iopub, under the request being served (a cell, or a comm message). */
  transport(): CommTransport {
    const send = (type: "comm_open" | "comm_msg" | "comm_close", content: object, options: SendOptions): void => {
      // After any printed text still gathering, so a widget's messages and the output keep their order.
      this.output.flush();
      const message = makeMessage(type, content, this.output.parent, this.channels.session, options.metadata ?? {});
      const buffers = [...(options.buffers ?? [])];
      this.channels.send("iopub", [], { ...message, buffers }, JSON.stringify(content).length + buffers.reduce((n, b) => n + b.byteLength, 0) + 512);
    };
    return {
      open: (commId, targetName, data, options) => send("comm_open", { comm_id: commId, target_name: targetName, data }, options),
      send: (commId, data, options) => send("comm_msg", { comm_id: commId, data }, options),
      close: (commId, data, options) => send("comm_close", { comm_id: commId, data }, options),
      parentMsgId: () => ("msg_id" in this.output.parent ? this.output.parent.msg_id : ""),
      flushOutput: () => this.output.flush(),
      reportError: (error, context) => {
        const outcome = this.engine.errorOutcome(error);
        log(`${context} failed: ${outcome.traceback.join("\n")}`);
        this.output.error(outcome);
      },
      log: (text) => log(text),
    };
  }

  /** comm_info_reply content: the open comms, only those of `target_name` when the request names one. */
  info(content: Record<string, unknown>): KernelMessage.ICommInfoReplyMsg["content"] {
    const target = content["target_name"];
    return { status: "ok", comms: comms.info(typeof target === "string" && target !== "" ? target : undefined) };
  }

  /**
   * A comm_open, comm_msg or comm_close from the front end. Its handlers run with this message as
   * the parent of what they print (as ipykernel does), so front ends show it with the widget.
   */
  serve(message: WireMessage): void {
    const previous = { parent: this.output.parent, enabled: this.output.enabled };
    this.output.parent = message.header;
    this.output.enabled = true;
    try {
      this.dispatch(message);
    } finally {
      this.output.parent = previous.parent;
      this.output.enabled = previous.enabled;
    }
  }

  private dispatch(message: WireMessage): void {
    const type = message.header.msg_type;
    const content = message.content;
    const commId = content["comm_id"];
    if (typeof commId !== "string" || commId === "") {
      log(`${type} without a comm_id (got ${JSON.stringify(commId)}); ignored`);
      return;
    }
    const data = content["data"] ?? {};
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      log(`${type} for comm ${commId}: data must be an object, got ${JSON.stringify(data)}; ignored`);
      return;
    }
    const received: CommMessage = {
      data: data as Record<string, unknown>,
      buffers: message.buffers,
      metadata: message.metadata,
      msgId: message.header.msg_id,
    };
    if (type === "comm_open") {
      const target = content["target_name"];
      if (typeof target !== "string") {
        log(`comm_open ${commId} without a target_name; closing it`);
        this.closeUnknown(commId);
        return;
      }
      if (comms.get(commId)) {
        log(`comm_open for ${commId}, which is already open; ignored`);
        return;
      }
      const outcome = comms.receiveOpen(commId, target, received);
      if (outcome === "unknown-target") {
        // As ipykernel does: the front end learns at once that nothing answers this target.
        log(`no comm target '${target}' is registered; closing comm ${commId}`);
        this.closeUnknown(commId);
      }
    } else if (type === "comm_msg") {
      if (!comms.receiveMessage(commId, received)) log(`comm_msg for unknown comm ${commId}; ignored`);
    } else if (!comms.receiveClose(commId, received)) {
      log(`comm_close for unknown comm ${commId}; ignored`);
    }
  }

  private closeUnknown(commId: string): void {
    this.output.publish("comm_close", { comm_id: commId, data: {} });
  }
}
