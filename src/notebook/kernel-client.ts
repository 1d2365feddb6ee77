// What the runner needs from a kernel, whichever transport carries it (ZeroMQ or a Jupyter server).
import type { ExecuteReplyContent, JupyterMessage, KernelInfoContent } from "./messages.js";

export interface ExecuteOptions {
  /** Ask the kernel to abort queued requests after an error (nbclient: unless errors are allowed). */
  stopOnError: boolean;
  storeHistory?: boolean;
}

export interface KernelClient {
  /** The kernelspec name the kernel was started from. */
  readonly name: string;
  /** The `kernel_info_reply` content received at startup. */
  readonly info: KernelInfoContent;
  /** Resolves with a reason once the kernel is gone (process exit, heartbeat loss, server says dead); never rejects. */
  readonly death: Promise<string>;
  /**
   * Sends `execute_request`; `onIopub` gets every iopub message the request caused. Resolves once both
   * the `execute_reply` and the `idle` status have arrived; never rejects (race it against `death`).
   */
  execute(
    code: string,
    options: ExecuteOptions,
    onIopub: (message: JupyterMessage) => void,
  ): Promise<JupyterMessage<ExecuteReplyContent>>;
  /** Interrupts the running cell as the kernelspec says (SIGINT or `interrupt_request`). */
  interrupt(): Promise<void>;
  /** Asks the kernel to stop, then makes sure it does; safe to call twice. */
  shutdown(): Promise<void>;
}

/** Starts kernels by kernelspec name, with `cwd` as their working directory. */
export interface KernelProvider {
  /** Where kernels run, for messages: "zeromq" or the server's URL. */
  readonly description: string;
  start(kernelName: string, cwd: string): Promise<KernelClient>;
}

export class KernelStartError extends Error {
  override name = "KernelStartError";
}

/** Resolves after `ms` milliseconds, to race against; the timer alone never keeps the process alive. */
export function sleep(ms: number): Promise<"timeout"> {
  return new Promise((resolve) => setTimeout(() => resolve("timeout"), ms).unref());
}
