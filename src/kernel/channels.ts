// The main thread's side of the socket thread: start it, send messages through it, receive requests,
// and block a cell on a stdin reply.
import { Worker } from "node:worker_threads";
import type { KernelMessage } from "@jupyterlab/services";
import { makeMessage } from "./wire.js";
import type { ConnectionInfo, Envelope, WireMessage } from "./wire.js";
import { InputState, inputLayout } from "./io-protocol.js";
import type { FromIo, IoWorkerData, Outgoing, ReplyChannel, RequestChannel, ToIo } from "./io-protocol.js";

/** `sequence` numbers requests in the order the socket thread received them. */
export type RequestHandler = (channel: RequestChannel, envelope: Envelope, sequence: number) => void;

/** Thrown into a cell waiting for input when the user interrupts the kernel. */
export class InputInterruptedError extends Error {
  override name = "Interrupted";
}

/** Waits for the socket thread to end by itself (after closing its sockets), terminating it if it hangs. */
function ended(worker: Worker, graceMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => void worker.terminate().finally(resolve), graceMs);
    worker.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export class Channels {
  private readonly inputState: Int32Array;
  private readonly inputBytes: Uint8Array;
  private handler: RequestHandler = () => {};
  private interruptHandler: (request: number) => void = () => {};
  private acks = new Map<number, () => void>();
  private nextAck = 0;
  private closed?: () => void;
  /** Messages waiting to cross to the socket thread together (one hand-over per batch, not per message). */
  private pending: Outgoing[] = [];
  private flushQueued = false;

  private constructor(
    private readonly worker: Worker,
    input: SharedArrayBuffer,
    readonly session: string,
  ) {
    this.inputState = new Int32Array(input, 0, inputLayout.headerInts);
    this.inputBytes = new Uint8Array(input, inputLayout.headerBytes);
    worker.on("message", (message: FromIo) => this.receive(message));
  }

  /** Starts the socket thread and resolves once all five sockets are bound. */
  static start(connection: ConnectionInfo, session: string, shutdownGraceMs = 2000): Promise<Channels> {
    const input = new SharedArrayBuffer(inputLayout.headerBytes + inputLayout.capacity);
    const workerData: IoWorkerData = { connection, session, input, shutdownGraceMs };
    const worker = new Worker(new URL("./sockets.js", import.meta.url), { workerData });
    return new Promise((resolve, reject) => {
      const onStart = (message: FromIo): void => {
        if (message.kind === "ready") resolve(new Channels(worker, input, session));
        else if (message.kind === "failed") {
          const error = new Error(`could not bind the kernel's sockets: ${message.reason}`);
          void ended(worker).then(() => reject(error));
        }
        else return;
        worker.off("message", onStart);
      };
      worker.on("message", onStart);
      worker.once("error", reject);
    });
  }

  onRequest(handler: RequestHandler): void {
    this.handler = handler;
  }

  /** Called (on the main thread) after the socket thread served an interrupt_request. */
  onInterrupt(handler: (request: number) => void): void {
    this.interruptHandler = handler;
  }

  /**
   * Sends a message at the end of the current turn, batched with the others sent in it. Order is
   * kept: `sendNow` and `flush` first send what is queued.
   */
  send(channel: ReplyChannel, identities: Uint8Array[], message: WireMessage): void {
    this.pending.push({ channel, identities, message });
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  /** Sends at once (with anything queued): for output a running cell produces, which may never yield. */
  sendNow(channel: ReplyChannel, identities: Uint8Array[], message: WireMessage): void {
    this.pending.push({ channel, identities, message });
    this.flush();
  }

  /** Hands everything queued to the socket thread; call before running code that may block this thread. */
  flush(ack?: number): void {
    this.flushQueued = false;
    if (this.pending.length === 0 && ack === undefined) return;
    const messages = this.pending;
    this.pending = [];
    this.worker.postMessage({ kind: "send", messages, ack } satisfies ToIo);
  }

  /** Like `sendNow`, resolving once ZeroMQ has taken the message (used before exiting). */
  sendAndWait(channel: ReplyChannel, identities: Uint8Array[], message: WireMessage): Promise<void> {
    const ack = this.nextAck++;
    return new Promise((resolve) => {
      this.acks.set(ack, resolve);
      this.pending.push({ channel, identities, message });
      this.flush(ack);
    });
  }

  /**
   * Sends `input_request` and blocks this thread until the front end answers on stdin (the socket
   * thread writes the answer into shared memory) or the kernel is interrupted.
   */
  readInput(identities: Uint8Array[], parent: KernelMessage.IHeader, prompt: string, password: boolean): string {
    Atomics.store(this.inputState, 0, InputState.Waiting);
    this.sendNow("stdin", identities, makeMessage("input_request", { prompt, password }, parent, this.session));
    while (Atomics.load(this.inputState, 0) === InputState.Waiting) {
      Atomics.wait(this.inputState, 0, InputState.Waiting);
    }
    const state = Atomics.exchange(this.inputState, 0, InputState.Idle);
    if (state === InputState.Interrupted) throw new InputInterruptedError("input interrupted");
    const length = Atomics.load(this.inputState, 1);
    return Buffer.from(this.inputBytes.subarray(0, length)).toString();
  }

  /** How many interrupt requests the socket thread has served (it counts before raising SIGINT). */
  interruptRequests(): number {
    return Atomics.load(this.inputState, 2);
  }

  /** How many requests the socket thread has received so far (the last one's `sequence`). */
  requestsReceived(): number {
    return Atomics.load(this.inputState, 3);
  }

  /** Flushes pending sends, closes the sockets and stops the thread. */
  async close(): Promise<void> {
    this.flush();
    await new Promise<void>((resolve) => {
      this.closed = resolve;
      this.worker.postMessage({ kind: "close" } satisfies ToIo);
    });
    await ended(this.worker);
  }

  private receive(message: FromIo): void {
    if (message.kind === "request") {
      this.handler(message.channel, { identities: message.identities, message: message.message }, message.sequence);
    } else if (message.kind === "interrupt") {
      this.interruptHandler(message.request);
    } else if (message.kind === "sent") {
      this.acks.get(message.ack)?.();
      this.acks.delete(message.ack);
    } else if (message.kind === "closed") {
      this.closed?.();
    }
  }
}
