// The kernel's sockets as the main thread sees them. Shell lives here, so a cell's request and its
// reply never cross between threads; control, stdin, heartbeat and iopub live in the control thread,
// which serves them even while a cell blocks this one (iopub's queue drains from there at the pace
// of the slowest subscriber).
import { getHeapStatistics } from "node:v8";
import { Worker } from "node:worker_threads";
import type { KernelMessage } from "@jupyterlab/services";
import * as zmq from "zeromq";
import { endpoint, jsonParts, makeMessage, Signer } from "./wire.js";
import { neverWaitOnSend, sendSigned, Verifier } from "./signed-socket.js";
import type { ConnectionInfo, Envelope, WireMessage } from "./wire.js";
import { SharedState } from "./shared-state.js";
import type { ControlThreadData, FromControl, ReplyChannel, ThreadChannel, ToControl } from "./io-protocol.js";
import { log } from "./log.js";

/** Serves one shell request; the next is read from the socket only once this one has settled. */
export type ShellHandler = (envelope: Envelope) => Promise<void>;
export type ControlHandler = (envelope: Envelope) => void;
export type InterruptHandler = (request: number, parent: KernelMessage.IHeader) => void;

/** Waits for the control thread to end by itself (after closing its sockets), terminating it if it hangs. */
function ended(worker: Worker, graceMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => void worker.terminate().finally(resolve), graceMs);
    worker.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Starts the control thread; resolves once its sockets are bound. */
function startControlThread(workerData: ControlThreadData): Promise<Worker> {
  const worker = new Worker(new URL("./control-thread.js", import.meta.url), { workerData });
  return new Promise((resolve, reject) => {
    const onStart = (message: FromControl): void => {
      if (message.kind === "ready") resolve(worker);
      else if (message.kind === "failed") void ended(worker).then(() => reject(new Error(message.reason)));
      else return;
      worker.off("message", onStart);
    };
    worker.on("message", onStart);
    worker.once("error", reject);
  });
}

export class Channels {
  private readonly signer: Signer;
  private readonly verifier: Verifier;
  private controlHandler: ControlHandler = () => {};
  private interruptHandler: InterruptHandler = () => {};
  private acks = new Map<number, () => void>();
  private nextAck = 0;
  private closed?: () => void;

  private constructor(
    private readonly shell: zmq.Router,
    private readonly worker: Worker,
    readonly shared: SharedState,
    connection: ConnectionInfo,
    readonly session: string,
  ) {
    this.signer = new Signer(connection.key, connection.signature_scheme);
    this.verifier = new Verifier(this.signer);
    worker.on("message", (message: FromControl) => this.receive(message));
  }

  /** Binds all five sockets (shell here, the rest in the control thread). */
  static async start(connection: ConnectionInfo, session: string, shared: SharedState, shutdownGraceMs = 2000): Promise<Channels> {
    const shell = new zmq.Router();
    neverWaitOnSend([shell]);
    const bound = shell.bind(endpoint(connection, connection.shell_port));
    const heapLimitBytes = getHeapStatistics().heap_size_limit;
    const thread = startControlThread({ connection, session, shared: shared.buffer, shutdownGraceMs, heapLimitBytes });
    const [binding, starting] = await Promise.allSettled([bound, thread]);
    if (binding.status === "fulfilled" && starting.status === "fulfilled") {
      return new Channels(shell, starting.value, shared, connection, session);
    }
    shell.close();
    if (starting.status === "fulfilled") await Channels.stopThread(starting.value);
    const reason = binding.status === "rejected" ? binding.reason : (starting as PromiseRejectedResult).reason;
    throw new Error(`could not bind the kernel's sockets: ${reason instanceof Error ? reason.message : String(reason)}`);
  }

  private static async stopThread(worker: Worker): Promise<void> {
    worker.postMessage({ kind: "close" } satisfies ToControl);
    await ended(worker);
  }

  /** Reads shell requests one at a time, each served to the end before the next is read. */
  serveShell(handler: ShellHandler): void {
    void (async () => {
      while (!this.shell.closed) {
        let frames: Buffer[];
        try {
          frames = await this.shell.receive();
        } catch (error) {
          if (!this.shell.closed) log(`shell socket failed: ${String(error)}`);
          return;
        }
        const envelope = this.verifier.verified(frames, "shell");
        try {
          if (envelope) await handler(envelope);
        } catch (error) {
          log(`serving ${envelope?.message.header.msg_type} on shell failed: ${String(error)}`);
        }
      }
    })();
  }

  /**
   * The shell requests already waiting in the socket, taken out without serving them (a failed
   * cell with stop_on_error aborts the executions among them, as ipykernel does).
   */
  async takeWaitingShellRequests(): Promise<Envelope[]> {
    const taken: Envelope[] = [];
    while (!this.shell.closed && this.shell.readable) {
      const envelope = this.verifier.verified(await this.shell.receive(), "shell");
      if (envelope) taken.push(envelope);
    }
    return taken;
  }

  /** Control requests the control thread forwards (all but interrupts, which it serves itself). */
  onControl(handler: ControlHandler): void {
    this.controlHandler = handler;
  }

  /** Called after the control thread served an interrupt_request (and raised SIGINT). */
  onInterrupt(handler: InterruptHandler): void {
    this.interruptHandler = handler;
  }

  /**
   * Signs and sends at once: shell from this thread, the others through the control thread. For
   * iopub, `cost` is what the message adds to the shared queue size (see output-budget.ts).
   */
  send(channel: ReplyChannel, identities: Uint8Array[], message: WireMessage, cost = 0): void {
    if (channel === "shell") {
      void sendSigned(this.shell, channel, identities, message, this.signer);
      return;
    }
    this.worker.postMessage(this.toControl(channel, identities, message, cost));
  }

  private toControl(channel: ThreadChannel, identities: Uint8Array[], message: WireMessage, cost = 0, ack?: number): ToControl {
    if (channel !== "iopub") return { kind: "send", message: { channel, identities, message }, ack };
    this.shared.addIopubQueued(cost);
    return { kind: "publish", message: { msgType: message.header.msg_type, json: jsonParts(message), cost }, ack };
  }

  /** Like `send`, resolving once ZeroMQ has taken the message (used before exiting). */
  sendAndWait(channel: ReplyChannel, identities: Uint8Array[], message: WireMessage): Promise<void> {
    if (channel === "shell") {
      this.send(channel, identities, message);
      return Promise.resolve();
    }
    const ack = this.nextAck++;
    return new Promise((resolve) => {
      this.acks.set(ack, resolve);
      this.worker.postMessage(this.toControl(channel, identities, message, 0, ack));
    });
  }

  /**
   * Sends `input_request` and blocks this thread until the front end answers on stdin (the control
   * thread writes the answer into shared memory) or the kernel is interrupted.
   */
  readInput(identities: Uint8Array[], parent: KernelMessage.IHeader, prompt: string, password: boolean): string {
    this.shared.expectInput();
    this.send("stdin", identities, makeMessage("input_request", { prompt, password }, parent, this.session));
    return this.shared.awaitInput();
  }

  /** Closes every socket (queued messages still leave, within the linger time) and stops the control thread. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.closed = resolve;
      this.worker.postMessage({ kind: "close" } satisfies ToControl);
    });
    this.shell.close();
    await ended(this.worker);
  }

  private receive(message: FromControl): void {
    if (message.kind === "request") {
      this.controlHandler({ identities: message.identities, message: message.message });
    } else if (message.kind === "interrupt") {
      this.interruptHandler(message.request, message.parent);
    } else if (message.kind === "sent") {
      this.acks.get(message.ack)?.();
      this.acks.delete(message.ack);
    } else if (message.kind === "closed") {
      this.closed?.();
    }
  }
}
