// The control thread (a worker): control, stdin, heartbeat and iopub, the sockets that must work even
// while a cell blocks the main thread: it echoes heartbeats, turns interrupt requests into SIGINT,
// hands stdin replies to a cell waiting in prompt(), and feeds iopub's queue to slow subscribers.
// Every incoming message is verified here; unsigned, badly signed, replayed or malformed ones never
// reach the main thread, and none stops a socket.
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { endpoint, jsonParts, makeMessage, Signer } from "./wire.js";
import { neverWaitOnSend, sendSigned, Verifier } from "./signed-socket.js";
import { IopubQueue } from "./iopub-queue.js";
import type { IopubMessage } from "./iopub-queue.js";
import { Watchdog } from "./watchdog.js";
import { flushIntervalMs } from "./iopub-publisher.js";
import type { ConnectionInfo, Envelope } from "./wire.js";
import { SharedState } from "./shared-state.js";
import type { ControlThreadData, FromControl, ToControl } from "./io-protocol.js";
import { log } from "./log.js";

const data = workerData as ControlThreadData;
const info: ConnectionInfo = data.connection;
const session = data.session;
const signer = new Signer(info.key, info.signature_scheme);
const port = parentPort!;
const shared = new SharedState(data.shared);

const control = new zmq.Router();
const stdin = new zmq.Router();
// A ROUTER echoes whatever frames come, as ipykernel's heartbeat does: a REP socket's state machine
// was stopped for good by one message without an envelope.
const heartbeat = new zmq.Router();
const iopub = new zmq.Publisher();
const sockets = { control, stdin };
const all = [control, stdin, heartbeat, iopub];
neverWaitOnSend(all);
IopubQueue.configure(iopub);
const iopubQueue = new IopubQueue(iopub, signer, session, (cost) => shared.iopubSent(cost));
const verifier = new Verifier(signer);

function send(channel: keyof typeof sockets, identities: Uint8Array[], message: Envelope["message"]): Promise<void> {
  return sendSigned(sockets[channel], channel, identities, message, signer);
}

/** The parent header (JSON) of the last cell's execute_input: notes from this thread go to that cell. */
let runningParent = "{}";

function publish(message: IopubMessage): void {
  if (message.msgType === "execute_input") runningParent = message.json[1];
  iopubQueue.push(message);
}

/** A note on stderr from this thread, for the running cell, counted like the main thread's messages. */
function note(text: string): void {
  const message = makeMessage("stream", { name: "stderr", text }, JSON.parse(runningParent) as Envelope["message"]["parent_header"], session);
  const json = jsonParts(message);
  const cost = json[3].length + 512;
  shared.addIopubQueued(cost);
  publish({ msgType: "stream", json, cost });
}

const watchdog = new Watchdog({ shared, heapLimitBytes: data.heapLimitBytes, note, log });

/**
 * An interrupt is served here, not in the main thread: SIGINT breaks a running synchronous cell,
 * raised only while the cell's script can take it; otherwise the loops' break flag is set, and the
 * message stops an awaiting cell (see shared-state.ts).
 */
function interrupt(envelope: Envelope): void {
  const parent = envelope.message.header;
  const request = shared.countInterrupt();
  if (shared.claimSignal()) process.kill(process.pid, "SIGINT");
  else shared.requestBreak();
  // An awaiting cell is stopped by this message; the main thread also publishes the busy/idle
  // statuses (iopub is its socket) once the cell has let go.
  port.postMessage({ kind: "interrupt", request, parent } satisfies FromControl);
  shared.interruptInput();
  watchdog.interrupted();
  void send("control", envelope.identities, makeMessage("interrupt_reply", { status: "ok" }, parent, session));
}

function deliverInput(envelope: Envelope): void {
  if (!shared.deliverInput(String(envelope.message.content["value"] ?? ""))) {
    log("input_reply arrived while no input was requested; dropped");
  }
}

function route(channel: keyof typeof sockets, envelope: Envelope): void {
  const type = envelope.message.header.msg_type;
  if (channel === "stdin") {
    if (type === "input_reply") deliverInput(envelope);
    else log(`unexpected ${type} on stdin; dropped`);
    return;
  }
  if (type === "interrupt_request") {
    interrupt(envelope);
    return;
  }
  if (type === "shutdown_request") {
    // The main thread answers and exits; if a cell blocks it, the process is ended from here.
    setTimeout(() => process.kill(process.pid, "SIGKILL"), data.shutdownGraceMs).unref();
  }
  port.postMessage({ kind: "request", identities: envelope.identities, message: envelope.message } satisfies FromControl);
}

async function receive(channel: keyof typeof sockets): Promise<void> {
  const socket = sockets[channel];
  try {
    for await (const frames of socket) {
      const envelope = verifier.verified(frames, channel);
      try {
        if (envelope) route(channel, envelope);
      } catch (error) {
        log(`serving ${envelope?.message.header.msg_type} on ${channel} failed: ${String(error)}`);
      }
    }
  } catch (error) {
    if (!socket.closed) log(`${channel} socket failed: ${String(error)}`);
  }
}

async function echoHeartbeats(): Promise<void> {
  try {
    for await (const frames of heartbeat) {
      // Sent back to its sender's identity (the first frame), whatever the rest is.
      await heartbeat.send(frames).catch((error: unknown) => log(`heartbeat echo failed: ${String(error)}`));
    }
  } catch (error) {
    if (!heartbeat.closed) log(`heartbeat socket failed: ${String(error)}`);
  }
}

port.on("message", (message: ToControl) => {
  if (message.kind === "publish") {
    publish(message.message);
    if (message.ack !== undefined) port.postMessage({ kind: "sent", ack: message.ack } satisfies FromControl);
  } else if (message.kind === "send") {
    const { channel, identities, message: out } = message.message;
    const sent = send(channel, identities, out);
    if (message.ack !== undefined) {
      const ack = message.ack;
      void sent.then(() => port.postMessage({ kind: "sent", ack } satisfies FromControl));
    }
  } else if (message.kind === "close") {
    // What iopub still holds (the last idle, say) gets the linger time to leave.
    void iopubQueue.drain(1000).then(() => {
      iopubQueue.discard();
      for (const socket of all) socket.close();
      port.postMessage({ kind: "closed" } satisfies FromControl);
      // Let this thread end by itself: terminating it under zeromq can abort the process.
      port.close();
    });
  }
});

async function start(): Promise<void> {
  await Promise.all([
    control.bind(endpoint(info, info.control_port)),
    stdin.bind(endpoint(info, info.stdin_port)),
    heartbeat.bind(endpoint(info, info.hb_port)),
    iopub.bind(endpoint(info, info.iopub_port)),
  ]);
  // Printed text waiting in a busy main thread is sent at its next loop check.
  setInterval(() => shared.requestFlush(), flushIntervalMs).unref();
  void receive("control");
  void receive("stdin");
  void echoHeartbeats();
  port.postMessage({ kind: "ready" } satisfies FromControl);
}

start().catch((error: unknown) => {
  // Closed before the thread ends: zeromq aborts the process if sockets outlive their thread.
  for (const socket of all) socket.close();
  port.postMessage({ kind: "failed", reason: error instanceof Error ? error.message : String(error) } satisfies FromControl);
  port.close();
});
