// A kernel launched from its kernelspec and driven over ZeroMQ, as jupyter_client does it.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getHeapStatistics } from "node:v8";
import * as zmq from "zeromq";
import {
  type Channel,
  type ConnectionInfo,
  channelAddress,
  newConnectionInfo,
  writeConnectionFile,
} from "./connection-file.js";
import {
  type ExecuteOptions,
  type KernelClient,
  type KernelProvider,
  KernelStartError,
  sleep,
} from "./kernel-client.js";
import { type KernelSpec, findKernelSpec } from "./find-kernelspec.js";
import {
  type ExecuteReplyContent,
  type JsonObject,
  type JupyterMessage,
  type KernelInfoContent,
  createMessage,
  executeRequestContent,
} from "./messages.js";
import { type WireMessage, Signer, decode, encode } from "../kernel/wire.js";

export interface ZmqKernelOptions {
  cwd: string;
  /** How long the kernel may take to answer kernel_info (default 60 s). */
  startupTimeoutMs?: number;
  /** How long heartbeats may go unanswered before the kernel counts as dead (default 30 s). */
  heartbeatTimeoutMs?: number;
}

const TAIL_BYTES = 8192;

/** Process groups of kernels still running (with their runtime dirs), killed if this process exits first. */
const liveKernelGroups = new Map<number, string>();
let exitHookInstalled = false;
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
function trackKernelProcess(pid: number, runtimeDir: string): void {
  liveKernelGroups.set(pid, runtimeDir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const [group, runtimeDir] of liveKernelGroups) {
      killGroup(group, "SIGKILL");
      rmSync(runtimeDir, { recursive: true, force: true });
    }
  });
  // A signal ends Node without "exit"; where nobody else handles it, exit properly so kernels go too.
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(code));
  }
}

/**
 * Why a kernel died, when V8 says it ran out of heap: the limit and how to raise it. The limit is
 * this process's, which a kernel started with the same Node.js and NODE_OPTIONS shares.
 */
export function outOfMemoryCause(output: string, heapLimitBytes = getHeapStatistics().heap_size_limit): string {
  if (!/JavaScript heap out of memory|Reached heap limit/.test(output)) return "";
  const mb = Math.round(heapLimitBytes / 1024 / 1024);
  return (
    `: it ran out of memory (the JavaScript heap limit, about ${mb} MB with NODE_OPTIONS=${JSON.stringify(process.env["NODE_OPTIONS"] ?? "")}); ` +
    `raise it with NODE_OPTIONS=--max-old-space-size=${mb * 2} (in MB) in the environment that starts the kernel`
  );
}

export class ZmqKernelClient implements KernelClient {
  info: KernelInfoContent = {};
  readonly death: Promise<string>;
  private markDead!: (reason: string) => void;
  private deadReason: string | undefined;
  private closed = false;
  private readonly session = randomUUID();
  private readonly signer: Signer;
  private readonly shell: zmq.Dealer;
  private readonly control: zmq.Dealer;
  private readonly iopub: zmq.Subscriber;
  private readonly sendChains = new Map<zmq.Socket, Promise<void>>();
  private readonly replyWaiters = new Map<string, (message: JupyterMessage) => void>();
  private readonly iopubListeners = new Map<string, (message: JupyterMessage) => void>();
  private outputTail = "";

  private constructor(
    private readonly spec: KernelSpec,
    private readonly connection: ConnectionInfo,
    private readonly child: ChildProcess,
    private readonly runtimeDir: string,
    private readonly heartbeatTimeoutMs: number,
  ) {
    this.death = new Promise((resolve) => {
      this.markDead = (reason) => {
        if (this.deadReason !== undefined || this.closed) return;
        this.deadReason = reason;
        resolve(reason);
      };
    });
    this.signer = new Signer(connection.key, connection.signature_scheme);
    this.shell = new zmq.Dealer({ routingId: this.session, linger: 0 });
    this.control = new zmq.Dealer({ routingId: `${this.session}-control`, linger: 0 });
    this.iopub = new zmq.Subscriber({ linger: 0 });
    this.shell.connect(channelAddress(connection, "shell"));
    this.control.connect(channelAddress(connection, "control"));
    this.iopub.connect(channelAddress(connection, "iopub"));
    this.iopub.subscribe();
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on("data", (chunk: Buffer) => {
        this.outputTail = (this.outputTail + chunk.toString()).slice(-TAIL_BYTES);
      });
    }
    child.once("exit", (code, signal) => {
      liveKernelGroups.delete(child.pid ?? -1);
      this.markDead(`kernel process exited (${signal ? `signal ${signal}` : `exit code ${code}`})${outOfMemoryCause(this.outputTail)}${this.tail()}`);
    });
    child.once("error", (error) => this.markDead(`kernel process failed: ${error.message}`));
    void this.receiveLoop(this.shell, "shell");
    void this.receiveLoop(this.control, "control");
    void this.receiveLoop(this.iopub, "iopub");
    void this.heartbeatLoop();
  }

  get name(): string {
    return this.spec.name;
  }

  /** Writes a connection file, starts the kernel's process and waits until it answers kernel_info. */
  static async launch(spec: KernelSpec, options: ZmqKernelOptions): Promise<ZmqKernelClient> {
    const runtimeDir = await mkdtemp(join(tmpdir(), "tsgrad-kernel-"));
    const connection = await newConnectionInfo(spec.name);
    const connectionFile = await writeConnectionFile(connection, runtimeDir);
    const argv = spec.argv.map((arg) =>
      arg.replaceAll("{connection_file}", connectionFile).replaceAll("{resource_dir}", spec.resourceDir),
    );
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      // Widget comm ids derived from a count, not random: a notebook run twice saves the same file.
      env: { ...process.env, TSGRAD_COMM_IDS: "sequential", ...spec.env },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, as jupyter_client: a terminal's Ctrl-C must not reach it, SIGINT to the group interrupts.
      detached: true,
    });
    if (child.pid !== undefined) trackKernelProcess(child.pid, runtimeDir);
    const client = new ZmqKernelClient(spec, connection, child, runtimeDir, options.heartbeatTimeoutMs ?? 30_000);
    try {
      await client.waitForReady(options.startupTimeoutMs ?? 60_000);
    } catch (error) {
      await client.shutdown();
      throw error;
    }
    return client;
  }

  private tail(): string {
    const text = this.outputTail.trim();
    return text ? `; its last output:\n${text}` : "";
  }

  private send(socket: zmq.Socket & zmq.Writable, message: JupyterMessage): Promise<void> {
    const frames = encode([], message as unknown as WireMessage, this.signer);
    // zeromq allows one send in flight per socket, so sends are chained.
    const previous = this.sendChains.get(socket) ?? Promise.resolve();
    const next = previous.then(() => socket.send(frames)).catch(() => undefined);
    this.sendChains.set(socket, next);
    return next;
  }

  private async receiveLoop(socket: zmq.Socket & zmq.Readable, channel: Channel): Promise<void> {
    try {
      for await (const frames of socket) {
        let message: JupyterMessage;
        try {
          message = decode(frames, this.signer).message as unknown as JupyterMessage;
        } catch (error) {
          process.emitWarning(`tsgrad: dropped a ${channel} message: ${(error as Error).message}`);
          continue;
        }
        message.channel = channel;
        const parent = message.parent_header.msg_id ?? "";
        if (channel === "iopub") this.iopubListeners.get(parent)?.(message);
        else this.replyWaiters.get(parent)?.(message);
      }
    } catch {
      // socket closed
    }
  }

  private async heartbeatLoop(): Promise<void> {
    const open = () => {
      const socket = new zmq.Request({ linger: 0, receiveTimeout: 1000, sendTimeout: 1000 });
      socket.connect(channelAddress(this.connection, "hb"));
      return socket;
    };
    let socket = open();
    let lastBeat = Date.now();
    while (!this.closed && this.deadReason === undefined) {
      try {
        await socket.send("ping");
        await socket.receive();
        lastBeat = Date.now();
        await sleep(1000);
      } catch {
        // A REQ socket that missed its reply cannot send again: start a new one.
        socket.close();
        socket = open();
        if (Date.now() - lastBeat > this.heartbeatTimeoutMs) {
          this.markDead(`kernel stopped answering heartbeats for ${Math.round((Date.now() - lastBeat) / 1000)} s${this.tail()}`);
        }
      }
    }
    socket.close();
  }

  /** Sends a request and resolves with its reply (or never, if none comes: race it). */
  private request(channel: "shell" | "control", msgType: string, content: JsonObject): Promise<JupyterMessage> {
    const message = createMessage(msgType, content, this.session);
    const id = message.header.msg_id;
    return new Promise((resolve) => {
      this.replyWaiters.set(id, (reply) => {
        this.replyWaiters.delete(id);
        resolve(reply);
      });
      void this.send(channel === "shell" ? this.shell : this.control, message);
    });
  }

  /** kernel_info until both the reply and its iopub status arrive, so iopub is known to be subscribed. */
  private async waitForReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let replies = 0;
    while (Date.now() < deadline) {
      const message = createMessage("kernel_info_request", {}, this.session);
      const id = message.header.msg_id;
      let iopubSeen = false;
      this.iopubListeners.set(id, () => (iopubSeen = true));
      const reply = new Promise<JupyterMessage>((resolve) => this.replyWaiters.set(id, resolve));
      void this.send(this.shell, message);
      const outcome = await Promise.race([reply, sleep(Math.min(1000, Math.max(0, deadline - Date.now()))), this.death]);
      if (typeof outcome === "object") {
        replies += 1;
        this.info = outcome.content as KernelInfoContent;
        if (!iopubSeen) await Promise.race([sleep(250), this.death]);
      }
      this.iopubListeners.delete(id);
      this.replyWaiters.delete(id);
      if (this.deadReason !== undefined) {
        throw new KernelStartError(`kernel '${this.spec.name}' died while starting: ${this.deadReason}`);
      }
      // A kernel that never publishes status for kernel_info is accepted after a few replies.
      if (iopubSeen || replies >= 5) return;
    }
    throw new KernelStartError(
      `kernel '${this.spec.name}' did not answer kernel_info within ${Math.round(timeoutMs / 1000)} s (${this.spec.argv.join(" ")})${this.tail()}`,
    );
  }

  execute(
    code: string,
    options: ExecuteOptions,
    onIopub: (message: JupyterMessage) => void,
  ): Promise<JupyterMessage<ExecuteReplyContent>> {
    const message = createMessage("execute_request", executeRequestContent(code, options), this.session);
    const id = message.header.msg_id;
    return new Promise((resolve) => {
      let reply: JupyterMessage<ExecuteReplyContent> | undefined;
      let idle = false;
      const finish = () => {
        if (!reply || !idle) return;
        this.iopubListeners.delete(id);
        this.replyWaiters.delete(id);
        resolve(reply);
      };
      this.iopubListeners.set(id, (iopubMessage) => {
        onIopub(iopubMessage);
        if (iopubMessage.header.msg_type === "status" && iopubMessage.content.execution_state === "idle") {
          idle = true;
          finish();
        }
      });
      this.replyWaiters.set(id, (replyMessage) => {
        reply = replyMessage as JupyterMessage<ExecuteReplyContent>;
        finish();
      });
      void this.send(this.shell, message);
    });
  }

  async interrupt(): Promise<void> {
    if (this.deadReason !== undefined || this.closed) return;
    if (this.spec.interrupt_mode === "signal") {
      if (this.child.pid !== undefined) killGroup(this.child.pid, "SIGINT");
      return;
    }
    await Promise.race([this.request("control", "interrupt_request", {}), sleep(5000), this.death]);
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    const pid = this.child.pid;
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once("exit", () => resolve());
    });
    if (this.deadReason === undefined) {
      await Promise.race([this.request("control", "shutdown_request", { restart: false }), sleep(3000), this.death]);
      if ((await Promise.race([exited, sleep(3000)])) === "timeout" && pid !== undefined) killGroup(pid, "SIGTERM");
      if ((await Promise.race([exited, sleep(2000)])) === "timeout" && pid !== undefined) killGroup(pid, "SIGKILL");
    } else if (pid !== undefined) {
      // The main process is gone; make sure nothing it started lingers.
      killGroup(pid, "SIGKILL");
    }
    this.closed = true;
    if (pid !== undefined) liveKernelGroups.delete(pid);
    this.replyWaiters.clear();
    this.iopubListeners.clear();
    this.shell.close();
    this.control.close();
    this.iopub.close();
    await rm(this.runtimeDir, { recursive: true, force: true });
  }
}

/** Starts kernels as local processes from their kernelspecs. */
export class ZmqKernelProvider implements KernelProvider {
  readonly description = "zeromq";

  constructor(private readonly options: Omit<ZmqKernelOptions, "cwd"> = {}) {}

  start(kernelName: string, cwd: string): Promise<KernelClient> {
    return ZmqKernelClient.launch(findKernelSpec(kernelName), { ...this.options, cwd });
  }
}
