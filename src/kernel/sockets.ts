// The kernel's five ZeroMQ sockets, run in their own thread (a worker) so that heartbeat, interrupt,
// shutdown and stdin replies are served even while a cell blocks the main thread.
// Every incoming message is verified here; unsigned or badly signed ones never reach the main thread.
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { decode, encode, endpoint, iopubTopic, makeMessage, Signer } from "./wire.js";
import type { ConnectionInfo, Envelope, WireMessage } from "./wire.js";
import { InputState, inputLayout } from "./io-protocol.js";
import type { FromIo, ToIo, IoWorkerData, RequestChannel } from "./io-protocol.js";
import { log } from "./log.js";

const data = workerData as IoWorkerData;
const info: ConnectionInfo = data.connection;
const session = data.session;
const signer = new Signer(info.key, info.signature_scheme);
const port = parentPort!;
const inputState = new Int32Array(data.input, 0, inputLayout.headerInts);
const inputBytes = new Uint8Array(data.input, inputLayout.headerBytes);

/** Sends one multipart message at a time per socket (zeromq 6 allows a single pending send). */
class SendQueue {
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly socket: zmq.Writable & zmq.Socket) {}
  push(frames: Buffer[]): Promise<void> {
    const send = async (): Promise<void> => {
      if (!this.socket.closed) await this.socket.send(frames);
    };
    this.tail = this.tail.then(send, send);
    this.tail.catch((error: unknown) => log(`send failed: ${String(error)}`));
    return this.tail;
  }
  /** Resolves when everything queued so far has been handed to ZeroMQ. */
  drain(): Promise<void> {
    return this.tail.catch(() => {});
  }
}

const shell = new zmq.Router();
const control = new zmq.Router();
const stdin = new zmq.Router();
const iopub = new zmq.Publisher();
const heartbeat = new zmq.Reply();
const queues = {
  shell: new SendQueue(shell),
  control: new SendQueue(control),
  stdin: new SendQueue(stdin),
  iopub: new SendQueue(iopub),
};

function sendTo(channel: keyof typeof queues, identities: Uint8Array[], message: WireMessage): Promise<void> {
  const ids = channel === "iopub" ? [iopubTopic(session, message.header.msg_type)] : identities;
  return queues[channel].push(encode(ids, message, signer));
}

function publishStatus(state: "busy" | "idle", parent: Envelope["message"]["header"]): void {
  void sendTo("iopub", [], makeMessage("status", { execution_state: state }, parent, session));
}

/** An interrupt is served here, not in the main thread: SIGINT breaks a running synchronous cell. */
async function interrupt(envelope: Envelope): Promise<void> {
  const parent = envelope.message.header;
  publishStatus("busy", parent);
  const request = Atomics.add(inputState, 2, 1) + 1;
  process.kill(process.pid, "SIGINT");
  // Also say it in a message: an awaiting cell is stopped by this even if the signal is lost in
  // Node's hand-over between breakOnSigint's watchdog and process.on("SIGINT").
  port.postMessage({ kind: "interrupt", request } satisfies FromIo);
  if (Atomics.compareExchange(inputState, 0, InputState.Waiting, InputState.Interrupted) === InputState.Waiting) {
    Atomics.notify(inputState, 0);
  }
  await sendTo("control", envelope.identities, makeMessage("interrupt_reply", { status: "ok" }, parent, session));
  publishStatus("idle", parent);
}

function deliverInput(envelope: Envelope): void {
  if (Atomics.load(inputState, 0) !== InputState.Waiting) {
    log("input_reply arrived while no input was requested; dropped");
    return;
  }
  const value = Buffer.from(String(envelope.message.content["value"] ?? ""));
  const length = Math.min(value.length, inputBytes.length);
  inputBytes.set(value.subarray(0, length));
  Atomics.store(inputState, 1, length);
  Atomics.store(inputState, 0, InputState.Replied);
  Atomics.notify(inputState, 0);
}

function route(channel: RequestChannel, envelope: Envelope): void {
  const type = envelope.message.header.msg_type;
  if (channel === "control" && type === "interrupt_request") {
    void interrupt(envelope);
    return;
  }
  if (channel === "stdin") {
    if (type === "input_reply") deliverInput(envelope);
    else log(`unexpected ${type} on stdin; dropped`);
    return;
  }
  if (type === "shutdown_request") {
    // The main thread answers and exits; if a cell blocks it, the process is ended from here.
    setTimeout(() => process.kill(process.pid, "SIGKILL"), data.shutdownGraceMs).unref();
  }
  const sequence = Atomics.add(inputState, 3, 1) + 1;
  const message: FromIo = { kind: "request", channel, identities: envelope.identities, message: envelope.message, sequence };
  port.postMessage(message);
}

async function receive(socket: zmq.Router, channel: RequestChannel): Promise<void> {
  try {
    for await (const frames of socket) {
      let envelope: Envelope;
      try {
        envelope = decode(frames, signer);
      } catch (error) {
        log(`dropped a message on ${channel}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      route(channel, envelope);
    }
  } catch (error) {
    if (!socket.closed) log(`${channel} socket failed: ${String(error)}`);
  }
}

async function echoHeartbeats(): Promise<void> {
  try {
    for await (const frames of heartbeat) await heartbeat.send(frames);
  } catch (error) {
    if (!heartbeat.closed) log(`heartbeat socket failed: ${String(error)}`);
  }
}

async function closeAll(): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.drain()));
  for (const socket of [shell, control, stdin, iopub, heartbeat]) socket.close();
}

port.on("message", (message: ToIo) => {
  if (message.kind === "send") {
    let last: Promise<void> = Promise.resolve();
    for (const out of message.messages) last = sendTo(out.channel, out.identities, out.message);
    if (message.ack !== undefined) {
      const ack = message.ack;
      void last.then(() => port.postMessage({ kind: "sent", ack } satisfies FromIo));
    }
  } else if (message.kind === "close") {
    void closeAll().then(() => {
      port.postMessage({ kind: "closed" } satisfies FromIo);
      // Let this thread end by itself: terminating it under zeromq can abort the process.
      port.close();
    });
  }
});

async function start(): Promise<void> {
  for (const socket of [shell, control, stdin, iopub, heartbeat]) socket.linger = 1000;
  await Promise.all([
    shell.bind(endpoint(info, info.shell_port)),
    control.bind(endpoint(info, info.control_port)),
    stdin.bind(endpoint(info, info.stdin_port)),
    iopub.bind(endpoint(info, info.iopub_port)),
    heartbeat.bind(endpoint(info, info.hb_port)),
  ]);
  void receive(shell, "shell");
  void receive(control, "control");
  void receive(stdin, "stdin");
  void echoHeartbeats();
  port.postMessage({ kind: "ready" } satisfies FromIo);
}

start().catch((error: unknown) => {
  // Closed before the thread ends: zeromq aborts the process if sockets outlive their thread.
  for (const socket of [shell, control, stdin, iopub, heartbeat]) socket.close();
  port.postMessage({ kind: "failed", reason: error instanceof Error ? error.message : String(error) } satisfies FromIo);
  port.close();
});
