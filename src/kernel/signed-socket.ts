// What both kernel threads do with their ZeroMQ sockets: set them so a send never waits, sign and
// send a message, and verify an incoming one (dropping, with a log line, what fails or is replayed).
import type * as zmq from "zeromq";
import { decode, encode, SignatureError } from "./wire.js";
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

/** How many recent signatures are remembered to refuse a replay (as jupyter_client's Session). */
const signatureHistory = 1 << 16;

/**
 * Verifies incoming messages: frames, signature, the shape of the JSON parts, and that the
 * signature was not seen before (a replayed message is dropped, as jupyter_client's Session does).
 */
export class Verifier {
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];
  private next = 0;

  constructor(private readonly signer: Signer) {}

  /** The verified message, or undefined (logged) when it must be dropped. */
  verified(frames: readonly Uint8Array[], channel: string): Envelope | undefined {
    try {
      const envelope = decode(frames, this.signer);
      if (envelope.signature && !this.remember(envelope.signature)) throw new SignatureError("duplicate signature (a replayed message)");
      return envelope;
    } catch (error) {
      log(`dropped a message on ${channel}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** False when `signature` is among the recent ones; otherwise records it, forgetting the oldest. */
  private remember(signature: string): boolean {
    if (this.seen.has(signature)) return false;
    const old = this.order[this.next];
    if (old !== undefined) this.seen.delete(old);
    this.order[this.next] = signature;
    this.next = (this.next + 1) % signatureHistory;
    this.seen.add(signature);
    return true;
  }
}
