// The comm registry: targets the kernel answers to, and the comms open now (opened by either side).
// The kernel feeds it the front end's comm_open / comm_msg / comm_close; cells use `comms`.
import { createHash, randomUUID } from "node:crypto";
import { Comm } from "./comm.js";
import type { CommMessage, SendOptions } from "./comm.js";
import { currentCommTransport } from "./comm-transport.js";

/** Called when the front end opens a comm to a registered target; attach `comm.onMsg` here. */
export type CommTargetHandler = (comm: Comm, open: CommMessage) => void;

/** What the manager did with a front end's `comm_open`. */
export type OpenOutcome = "opened" | "unknown-target" | "handler-failed";

/** Comms opened so far in this process (for the sequential ids below). */
let commsOpened = 0;

/**
 * A new comm id: random, as a live front end expects; under `tsgrad run` (TSGRAD_COMM_IDS=sequential)
 * a hash of this kernel's count of comms, so that running a notebook again saves the same widget ids
 * and a re-run of a clean checkout leaves no diff.
 */
function newCommId(): string {
  commsOpened++;
  if (process.env["TSGRAD_COMM_IDS"] !== "sequential") return randomUUID().replace(/-/g, "");
  return createHash("sha256").update(`tsgrad comm ${commsOpened}`).digest("hex").slice(0, 32);
}

export class CommManager {
  private readonly targets = new Map<string, CommTargetHandler>();
  private readonly open = new Map<string, Comm>();

  /** Answers `comm_open` from the front end for `targetName` (replacing an earlier handler). */
  registerTarget(targetName: string, handler: CommTargetHandler): void {
    if (typeof targetName !== "string" || targetName === "") throw new TypeError(`registerTarget: targetName must be a non-empty string, got ${String(targetName)}`);
    if (typeof handler !== "function") throw new TypeError(`registerTarget('${targetName}'): handler must be a function`);
    this.targets.set(targetName, handler);
  }

  unregisterTarget(targetName: string): void {
    this.targets.delete(targetName);
  }

  hasTarget(targetName: string): boolean {
    return this.targets.has(targetName);
  }

  /** Opens a comm from the kernel to the front end's `targetName` (sends `comm_open`). */
  openComm(targetName: string, data: Record<string, unknown> = {}, options: SendOptions & { commId?: string } = {}): Comm {
    const commId = options.commId ?? newCommId();
    if (this.open.has(commId)) throw new Error(`a comm with id ${commId} is already open`);
    const comm = this.track(commId, targetName);
    currentCommTransport().open(commId, targetName, data, options);
    return comm;
  }

  /** The open comm with this id, if any. */
  get(commId: string): Comm | undefined {
    return this.open.get(commId);
  }

  /** Open comms as `comm_info_reply` lists them, only those of `targetName` when given. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const comms: Record<string, { target_name: string }> = {};
    for (const comm of this.open.values()) {
      if (targetName === undefined || comm.targetName === targetName) comms[comm.commId] = { target_name: comm.targetName };
    }
    return comms;
  }

  /** The front end opened a comm: hand it to its target's handler. */
  receiveOpen(commId: string, targetName: string, message: CommMessage): OpenOutcome {
    const handler = this.targets.get(targetName);
    if (!handler) return "unknown-target";
    if (this.open.has(commId)) throw new Error(`comm_open for id ${commId}, which is already open`);
    const comm = this.track(commId, targetName);
    try {
      handler(comm, message);
    } catch (error) {
      currentCommTransport().reportError(error, `opening a comm for target '${targetName}'`);
      comm.close();
      return "handler-failed";
    }
    return "opened";
  }

  /** A `comm_msg` from the front end; false when no comm has that id. */
  receiveMessage(commId: string, message: CommMessage): boolean {
    const comm = this.open.get(commId);
    if (!comm) return false;
    try {
      comm.receive(message);
    } catch (error) {
      currentCommTransport().reportError(error, `a message on comm ${commId} (target '${comm.targetName}')`);
    }
    return true;
  }

  /** A `comm_close` from the front end; false when no comm has that id. */
  receiveClose(commId: string, message: CommMessage): boolean {
    const comm = this.open.get(commId);
    if (!comm) return false;
    try {
      comm.closedByFrontEnd(message);
    } catch (error) {
      currentCommTransport().reportError(error, `closing comm ${commId} (target '${comm.targetName}')`);
    }
    return true;
  }

  private track(commId: string, targetName: string): Comm {
    const comm = new Comm(commId, targetName, currentCommTransport, (closed) => this.open.delete(closed.commId));
    this.open.set(commId, comm);
    return comm;
  }
}

// One registry per process, shared by the kernel and the library preloaded into cells.
const managerKey = Symbol.for("tsgrad.comms");
type ManagerHolder = { [managerKey]?: CommManager };

/** The kernel's comm registry: `comms.registerTarget(name, handler)`, `comms.openComm(name, data)`. */
export const comms: CommManager = ((globalThis as ManagerHolder)[managerKey] ??= new CommManager());
