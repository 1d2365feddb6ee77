// The iopub socket's outgoing queue, in the control thread. ZeroMQ's PUB socket drops silently what
// a slow subscriber cannot take; with `noDrop` it refuses instead (EAGAIN), so messages wait here, in
// order, and leave as the subscribers read. Each message's byte count was added to the shared
// counter by the main thread, which waits (or sheds stream text) when too much is queued; it is
// taken off here once ZeroMQ has the message.
import * as zmq from "zeromq";
import { encodeParts, iopubTopic } from "./wire.js";
import type { JsonParts, Signer } from "./wire.js";
import { log } from "./log.js";

/** A message as the main thread serialized it (strings cross threads far faster than objects). */
export interface IopubMessage {
  msgType: string;
  json: JsonParts;
  cost: number;
}

/** How long to wait before offering a refused message again (a subscriber reading slowly). */
const retryMs = 2;

export class IopubQueue {
  private readonly queue: IopubMessage[] = [];
  private head = 0;
  private pumping = false;
  /** Grows when the queue is discarded, so a send in flight then is not counted twice. */
  private generation = 0;
  private drained: (() => void)[] = [];

  constructor(
    private readonly socket: zmq.Publisher,
    private readonly signer: Signer,
    private readonly session: string,
    /** Called with the cost of each message ZeroMQ took (or that was dropped on close). */
    private readonly sent: (cost: number) => void,
  ) {}

  /**
   * Sets the socket to refuse, not drop, what a subscriber's high-water mark cannot hold. The mark
   * is low, so what waits for a stalled subscriber waits here, in the bytes the main thread counts.
   */
  static configure(socket: zmq.Publisher): void {
    socket.noDrop = true;
    socket.sendHighWaterMark = 100;
  }

  push(message: IopubMessage): void {
    this.queue.push(message);
    if (!this.pumping) void this.pump();
  }

  get length(): number {
    return this.queue.length - this.head;
  }

  /** Resolves once everything queued has left, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void> {
    if (this.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.drained.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Gives up what is still queued (the socket is closing); the main thread stops waiting for it. */
  discard(): void {
    let cost = 0;
    for (let i = this.head; i < this.queue.length; i++) cost += this.queue[i]!.cost;
    this.queue.length = 0;
    this.head = 0;
    this.generation++;
    if (cost > 0) this.sent(cost);
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    const generation = this.generation;
    while (this.head < this.queue.length && !this.socket.closed) {
      const { msgType, json, cost } = this.queue[this.head]!;
      const frames = encodeParts([iopubTopic(this.session, msgType)], json, this.signer);
      try {
        await this.socket.send(frames);
      } catch (error) {
        if ((error as { code?: string }).code === "EAGAIN") {
          await new Promise((resolve) => setTimeout(resolve, retryMs));
          if (generation !== this.generation) break;
          continue;
        }
        if (!this.socket.closed) log(`sending on iopub failed: ${String(error)}`);
      }
      if (generation !== this.generation) break;
      this.queue[this.head++] = undefined as unknown as IopubMessage;
      // Compacted now and then, so a long flood does not keep the sent slots.
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.sent(cost);
    }
    this.pumping = false;
    if (this.length === 0) for (const wake of this.drained.splice(0)) wake();
  }
}
