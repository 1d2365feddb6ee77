// Where comm messages go. The kernel installs a transport that publishes them on iopub; outside a
// kernel, comms still work in memory (so widgets can be built and tested in a plain script).
import type { SendOptions } from "./comm.js";

export interface CommTransport {
  open(commId: string, targetName: string, data: Record<string, unknown>, options: SendOptions): void;
  send(commId: string, data: Record<string, unknown>, options: SendOptions): void;
  close(commId: string, data: Record<string, unknown>, options: SendOptions): void;
  /** The `msg_id` of the request being served now (an Output widget captures output sent under it). */
  parentMsgId(): string;
  /** Sends any output held back (e.g. coalesced streams) before an Output widget stops capturing. */
  flushOutput(): void;
  /** A handler (user code) failed: shown in the front end and logged, nothing else ends. */
  reportError(error: unknown, context: string): void;
  /** A message the front end sent was malformed or aimed at nothing: the kernel's log only. */
  log(message: string): void;
}

/** Outside a kernel: nothing is sent; errors are printed. */
const detached: CommTransport = {
  open() {},
  send() {},
  close() {},
  parentMsgId: () => "",
  flushOutput() {},
  reportError(error, context) {
    console.error(`${context}: ${error instanceof Error ? error.message : String(error)}`);
  },
  log(message) {
    console.error(message);
  },
};

// On globalThis, like the display sink, so the kernel and the preloaded library share one.
const transportKey = Symbol.for("tsgrad.commTransport");
type TransportHolder = { [transportKey]?: CommTransport };

export function setCommTransport(transport: CommTransport | null): void {
  const holder = globalThis as TransportHolder;
  if (transport) holder[transportKey] = transport;
  else delete holder[transportKey];
}

export function currentCommTransport(): CommTransport {
  return (globalThis as TransportHolder)[transportKey] ?? detached;
}
