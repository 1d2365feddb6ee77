// A Jupyter comm: a two-way channel between an object in the kernel and one in the front end,
// opened by either side under a target name. It carries JSON data plus binary buffers.
import type { CommTransport } from "./comm-transport.js";

/** JSON as it travels in a comm message's `data`. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** What one comm message brought: its data, binary buffers, metadata, and the id of the wire message. */
export interface CommMessage {
  data: Record<string, unknown>;
  buffers: Uint8Array[];
  metadata: Record<string, unknown>;
  /** The wire message's `msg_id` (Output widgets capture output sent under it). */
  msgId: string;
}

/** Options for sending on a comm: binary buffers and message metadata. */
export interface SendOptions {
  buffers?: readonly Uint8Array[];
  metadata?: Record<string, unknown>;
}

export type CommMessageHandler = (message: CommMessage) => void;

/** Raised when a closed comm is used. */
export class CommClosedError extends Error {
  override name = "CommClosedError";
}

export class Comm {
  private readonly messageHandlers: CommMessageHandler[] = [];
  private readonly closeHandlers: CommMessageHandler[] = [];
  private isClosed = false;

  /** Built by `CommManager.open` (kernel side) or when the front end opens one. */
  constructor(
    readonly commId: string,
    readonly targetName: string,
    private readonly transport: () => CommTransport,
    private readonly onClosed: (comm: Comm) => void,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /** Sends `comm_msg` to the front end. */
  send(data: Record<string, unknown>, options: SendOptions = {}): void {
    if (this.isClosed) throw new CommClosedError(`comm ${this.commId} (target '${this.targetName}') is closed; cannot send`);
    this.transport().send(this.commId, data, options);
  }

  /** Sends `comm_close` to the front end (once) and forgets the comm. */
  close(data: Record<string, unknown> = {}, options: SendOptions = {}): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.transport().close(this.commId, data, options);
    this.onClosed(this);
  }

  /** Calls `handler` with every `comm_msg` the front end sends on this comm. */
  onMsg(handler: CommMessageHandler): this {
    this.messageHandlers.push(handler);
    return this;
  }

  /** Calls `handler` when the front end closes this comm. */
  onClose(handler: CommMessageHandler): this {
    this.closeHandlers.push(handler);
    return this;
  }

  /** A message from the front end (called by the manager). */
  receive(message: CommMessage): void {
    for (const handler of this.messageHandlers) handler(message);
  }

  /** The front end closed the comm (called by the manager). */
  closedByFrontEnd(message: CommMessage): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.onClosed(this);
    for (const handler of this.closeHandlers) handler(message);
  }
}
