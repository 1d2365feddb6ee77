// What the main thread and the socket thread say to each other (postMessage payloads), and the
// layout of the shared buffer through which a blocked cell receives its stdin reply.
import type { ConnectionInfo, WireMessage } from "./wire.js";

export type RequestChannel = "shell" | "control" | "stdin";
export type ReplyChannel = "shell" | "control" | "stdin" | "iopub";

export interface IoWorkerData {
  connection: ConnectionInfo;
  session: string;
  /** SharedArrayBuffer laid out as `inputLayout` describes. */
  input: SharedArrayBuffer;
  /** How long a shutdown may take before the socket thread ends the process itself. */
  shutdownGraceMs: number;
}

/** From the socket thread to the main thread. */
export type FromIo =
  | { kind: "ready" }
  | { kind: "failed"; reason: string }
  | { kind: "request"; channel: RequestChannel; identities: Uint8Array[]; message: WireMessage; sequence: number }
  | { kind: "sent"; ack: number }
  /** The socket thread served interrupt request number `request` (and raised SIGINT). */
  | { kind: "interrupt"; request: number }
  | { kind: "closed" };

/** One message for the socket thread to sign and send. */
export interface Outgoing {
  channel: ReplyChannel;
  identities: Uint8Array[];
  message: WireMessage;
}

/** From the main thread to the socket thread: messages travel in batches, sent in order. */
export type ToIo =
  | { kind: "send"; messages: Outgoing[]; ack?: number }
  | { kind: "close" };

/** Int32 slot 0 of the input buffer. */
export const InputState = { Idle: 0, Waiting: 1, Replied: 2, Interrupted: 3 } as const;

/**
 * Int32 slots: [input state, byte length of the input reply, interrupt requests so far, requests
 * received so far]; the UTF-8 input reply follows the header. The interrupt counter lets a cell
 * notice an interrupt that arrived while it was still being type-checked, before SIGINT could break
 * it; the request counter tells which requests arrived before a failed cell's reply (stop_on_error).
 */
export const inputLayout = {
  headerInts: 4,
  headerBytes: 16,
  capacity: 1 << 20,
} as const;
