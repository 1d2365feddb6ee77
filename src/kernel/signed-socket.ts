// What both kernel threads do with their ZeroMQ sockets: set them so a send never waits, sign and
// send a message, and verify an incoming one (dropping, with a log line, what fails).
import type * as zmq from "zeromq";
import { decode, encode } from "./wire.js";
import type { Envelope, Signer, WireMessage } from "./wire.js";
import { log } from "./log.js";

/**
 * A send never waits: ROUTER drops what it cannot route and PUB what a slow subscriber cannot take,
 * so a send is synchronous, keeps order, and leaves even from a cell that never yields. Closing
 * still gives queued messages a second to leave.
 */
export function neverWaitOnSend(sockets: readonly (zmq.Socket & { sendTimeout: number })[]): void {
  for (const socket of sockets) {
    socket.linger = 1000;
    socket.sendTimeout = 0;
  }
}

/** Signs and sends `message`; resolves once ZeroMQ took it, and logs (never throws) a failure. */
export function sendSigned(
  socket: zmq.Writable & zmq.Socket,
  channel: string,
  frontFrames: readonly Uint8Array[],
  message: WireMessage,
  signer: Signer,
): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return socket.send(encode(frontFrames, message, signer)).catch((error: unknown) => log(`sending on ${channel} failed: ${String(error)}`));
}

/** The verified message, or undefined (logged) when its frames or signature are wrong. */
export function verified(frames: readonly Uint8Array[], signer: Signer, channel: string): Envelope | undefined {
  try {
    return decode(frames, signer);
  } catch (error) {
    log(`dropped a message on ${channel}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
