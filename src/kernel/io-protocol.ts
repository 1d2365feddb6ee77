// What the main thread and the control thread say to each other (postMessage payloads); what they
// share in memory is in shared-state.ts.
import type { KernelMessage } from "@jupyterlab/services";
import type { ConnectionInfo, WireMessage } from "./wire.js";
import type { IopubMessage } from "./iopub-queue.js";

/** The socket the main thread owns: a cell's request and reply, with no hand-over between threads. */
export type MainChannel = "shell";
/**
 * Sockets the control thread owns: they must answer while a cell blocks the main thread, and iopub's
 * queue must keep draining into a slow subscriber while it does.
 */
export type ThreadChannel = "control" | "stdin" | "iopub";
/** Channels whose replies the control thread sends for the main thread. */
export type ReplyThreadChannel = "control" | "stdin";
export type ReplyChannel = MainChannel | ThreadChannel;

export interface ControlThreadData {
  connection: ConnectionInfo;
  session: string;
  /** The buffer of the `SharedState` both threads use. */
  shared: SharedArrayBuffer;
  /** How long a shutdown may take before the control thread ends the process itself. */
  shutdownGraceMs: number;
  /** The main thread's JavaScript heap limit in bytes. */
  heapLimitBytes: number;
}

/** From the control thread to the main thread. */
export type FromControl =
  | { kind: "ready" }
  | { kind: "failed"; reason: string }
  /** A verified control request other than an interrupt (kernel_info, shutdown, ...). */
  | { kind: "request"; identities: Uint8Array[]; message: WireMessage }
  | { kind: "sent"; ack: number }
  /** The control thread served interrupt request number `request` (SIGINT or the loops' break flag). */
  | { kind: "interrupt"; request: number; parent: KernelMessage.IHeader }
  | { kind: "closed" };

/** One message for the control thread to sign and send. */
export interface Outgoing {
  channel: ReplyThreadChannel;
  identities: Uint8Array[];
  message: WireMessage;
}

/** From the main thread to the control thread. */
export type ToControl =
  | { kind: "send"; message: Outgoing; ack?: number }
  /** An iopub message, serialized; its cost was added to the shared iopub queue size. */
  | { kind: "publish"; message: IopubMessage; ack?: number }
  | { kind: "close" };
