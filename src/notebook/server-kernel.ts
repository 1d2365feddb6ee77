// Kernels run by a Jupyter server (JupyterHub, Binder, `jupyter server`), reached the way JupyterLab
// does: @jupyterlab/services over REST for sessions and a WebSocket for the kernel's channels.
import { randomUUID } from "node:crypto";
import { basename, isAbsolute, join, relative } from "node:path";
import { KernelManager, type KernelMessage, ServerConnection, SessionManager, type Session } from "@jupyterlab/services";
import WebSocket from "ws";
import { type ExecuteOptions, type KernelClient, type KernelProvider, KernelStartError, sleep } from "./kernel-client.js";
import { type ExecuteReplyContent, type JupyterMessage, type KernelInfoContent, executeRequestContent } from "./messages.js";

/** A kernel of a session on the server; the session (and its kernel) ends on shutdown. */
class ServerKernelClient implements KernelClient {
  readonly death: Promise<string>;
  private markDead!: (reason: string) => void;
  private closed = false;
  private diedAt: number | undefined;

  constructor(
    readonly name: string,
    readonly info: KernelInfoContent,
    private readonly session: Session.ISessionConnection,
    private readonly managers: { dispose(): void }[],
  ) {
    this.death = new Promise((resolve) => {
      let dead = false;
      this.markDead = (reason) => {
        if (dead || this.closed) return;
        dead = true;
        this.diedAt = Date.now();
        resolve(reason);
      };
    });
    const kernel = session.kernel!;
    // We never ask for restarts, so a restart means the kernel died and the server replaced it.
    kernel.statusChanged.connect((_, status) => {
      if (status === "dead" || status === "autorestarting" || status === "restarting") {
        this.markDead(`the server reports the kernel ${status === "dead" ? "dead" : `died (status '${status}')`}`);
      }
    });
    kernel.connectionStatusChanged.connect((_, status) => {
      if (status === "disconnected") this.markDead("lost the connection to the Jupyter server");
    });
  }

  execute(code: string, options: ExecuteOptions, onIopub: (message: JupyterMessage) => void): Promise<JupyterMessage<ExecuteReplyContent>> {
    const future = this.session.kernel!.requestExecute(executeRequestContent(code, options));
    // The kernel-wide signal, not future.onIOPub: services routes update_display_data to the future
    // that first showed the display (often already done), while we want every message this cell caused.
    const id = future.msg.header.msg_id;
    const kernel = this.session.kernel!;
    const listener = (_: unknown, message: KernelMessage.IIOPubMessage) => {
      if (message.parent_header && (message.parent_header as { msg_id?: string }).msg_id === id) {
        onIopub(message as unknown as JupyterMessage);
      }
    };
    kernel.iopubMessage.connect(listener);
    // A future rejected because the kernel went away resolves nothing: `death` reports it.
    return future.done.then(
      (reply) => {
        kernel.iopubMessage.disconnect(listener);
        return reply as unknown as JupyterMessage<ExecuteReplyContent>;
      },
      () => new Promise<never>(() => undefined),
    );
  }

  async interrupt(): Promise<void> {
    await Promise.race([this.session.kernel?.interrupt().catch(() => undefined), sleep(5000)]);
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const kernel = this.session.kernel;
    // After a death the server restarts the kernel and the connection re-opens. Deleting the kernel
    // mid-restart fails on jupyter_server 1.x, and disposing the connection mid-reconnect leaves a
    // rejected promise unhandled: wait for the connection, and retry the deletion.
    if (kernel && this.diedAt !== undefined) {
      if (kernel.connectionStatus === "connecting") {
        await Promise.race([
          new Promise<void>((resolve) => kernel.connectionStatusChanged.connect((_, status) => status !== "connecting" && resolve())),
          sleep(10_000),
        ]);
      }
    }
    // Some servers fail to delete a session whose kernel is still restarting: try again a little later.
    const giveUp = Date.now() + 20_000;
    while (Date.now() < giveUp) {
      if ((await Promise.race([this.session.shutdown().then(() => true, () => false), sleep(5000)])) === true) break;
      await sleep(500);
    }
    this.session.dispose();
    for (const manager of this.managers) manager.dispose();
  }
}

/** @jupyterlab/services logs each WebSocket it opens and each kernel status with console.debug, which Node prints to stdout. */
function quietWebSocketLog(): void {
  const debug = console.debug;
  if ((debug as { quiet?: boolean }).quiet) return;
  const quiet = (...args: unknown[]) => {
    if (typeof args[0] === "string" && /^(Starting WebSocket|Kernel): /.test(args[0])) return;
    debug.apply(console, args);
  };
  console.debug = Object.assign(quiet, { quiet: true });
}

/** Starts kernels as sessions of a Jupyter server at `baseUrl`, authenticated by `token`. */
export class ServerKernelProvider implements KernelProvider {
  readonly description: string;
  private readonly settings: ServerConnection.ISettings;

  constructor(baseUrl: string, token: string) {
    const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
    this.description = base;
    quietWebSocketLog();
    this.settings = ServerConnection.makeSettings({
      baseUrl: base,
      wsUrl: base.replace(/^http/, "ws"),
      token,
      appendToken: true,
      fetch: globalThis.fetch,
      Request: globalThis.Request,
      Headers: globalThis.Headers,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
  }

  /** Kernels start in the server's directory for `cwd` when it lies under the server root (assumed to be ours). */
  private sessionPath(cwd: string): string {
    const inside = relative(process.cwd(), cwd);
    const dir = inside.startsWith("..") || isAbsolute(inside) ? "" : inside;
    return join(dir, `tsgrad-${randomUUID()}.ipynb`).split("\\").join("/");
  }

  async start(kernelName: string, cwd: string): Promise<KernelClient> {
    const kernelManager = new KernelManager({ serverSettings: this.settings });
    const sessionManager = new SessionManager({ kernelManager, serverSettings: this.settings });
    const managers = [sessionManager, kernelManager];
    try {
      const path = this.sessionPath(cwd);
      const session = await sessionManager.startNew({ path, name: basename(path), type: "notebook", kernel: { name: kernelName } });
      const kernel = session.kernel;
      if (!kernel) throw new KernelStartError(`the server at ${this.description} started no kernel for session ${path}`);
      const reply = await Promise.race([kernel.info, sleep(60_000)]);
      if (reply === "timeout") throw new KernelStartError(`kernel '${kernelName}' on ${this.description} did not answer kernel_info in 60 s`);
      return new ServerKernelClient(kernelName, reply as unknown as KernelInfoContent, session, managers);
    } catch (error) {
      for (const manager of managers) manager.dispose();
      if (error instanceof KernelStartError) throw error;
      throw new KernelStartError(`could not start kernel '${kernelName}' on ${this.description}: ${(error as Error).message}`);
    }
  }
}
