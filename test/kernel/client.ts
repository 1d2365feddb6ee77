// A minimal Jupyter client over real ZeroMQ sockets, for driving the kernel process in tests.
// Connection files and message contents come from the production client's modules (src/notebook);
// what only tests need stays here: every message kept per socket, stdin, and tampered frames.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as zmq from "zeromq";
import { decode, encode, makeHeader, Signer } from "../../src/kernel/wire.js";
import type { ConnectionInfo, WireMessage } from "../../src/kernel/wire.js";
import { channelAddress, newConnectionInfo, writeConnectionFile } from "../../src/notebook/connection-file.js";
import { executeRequestContent } from "../../src/notebook/messages.js";
import type { KernelMessage } from "@jupyterlab/services";
import { assertBuilt, root } from "./jupyter.js";

type Channel = "shell" | "control" | "stdin";

/** Messages arriving on one socket, awaited one by one. */
class Inbox {
  private readonly queue: WireMessage[] = [];
  private waiters: (() => void)[] = [];
  push(message: WireMessage): void {
    this.queue.push(message);
    for (const wake of this.waiters.splice(0)) wake();
  }
  /** The first message (removed) matching `accept`, waiting up to `timeoutMs`. */
  async take(accept: (m: WireMessage) => boolean, timeoutMs: number, what: string): Promise<WireMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.queue.findIndex(accept);
      if (at >= 0) return this.queue.splice(at, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  has(accept: (m: WireMessage) => boolean): boolean {
    return this.queue.some(accept);
  }
}

export interface ExecuteResult {
  reply: WireMessage;
  /** iopub messages for the request, between busy and idle (status messages excluded). */
  outputs: WireMessage[];
}

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The kernel command, `{connection_file}` replaced (default: node bin/tsgrad.js kernel -f …). */
  argv?: string[];
}

export class TestClient {
  readonly session = randomUUID();
  readonly signer: Signer;
  readonly shell = new zmq.Dealer();
  readonly control = new zmq.Dealer();
  readonly stdin = new zmq.Dealer();
  readonly iopub = new zmq.Subscriber();
  readonly inboxes = { shell: new Inbox(), control: new Inbox(), stdin: new Inbox(), iopub: new Inbox() };
  stderr = "";
  private exited: Promise<number | null>;

  private constructor(
    readonly info: ConnectionInfo,
    readonly kernel: ChildProcess,
    private readonly dir: string,
  ) {
    this.signer = new Signer(info.key, info.signature_scheme);
    const identity = Buffer.from(this.session);
    this.shell.routingId = identity.toString();
    this.stdin.routingId = identity.toString();
    this.exited = new Promise((resolve) => kernel.once("exit", (code) => resolve(code)));
    kernel.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
  }

  /** Spawns `node bin/tsgrad.js kernel -f <file>`, connects, and waits until iopub is live. */
  static async start(options: StartOptions = {}): Promise<TestClient> {
    assertBuilt();
    const dir = mkdtempSync(path.join(os.tmpdir(), "tsgrad-kernel-test-"));
    const info = await newConnectionInfo("tsgrad");
    const file = await writeConnectionFile(info, dir);
    const argv = (options.argv ?? [process.execPath, path.join(root, "bin", "tsgrad.js"), "kernel", "-f", "{connection_file}"]).map(
      (arg) => arg.replace("{connection_file}", file),
    );
    const kernel = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd ?? dir,
      // As Jupyter does: the kernel exits by itself if this test process dies without closing it.
      env: { JPY_PARENT_PID: String(process.pid), ...(options.env ?? process.env) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const client = new TestClient(info, kernel, dir);
    await client.connect();
    return client;
  }

  private async connect(): Promise<void> {
    for (const channel of ["shell", "control", "stdin", "iopub"] as const) this[channel].connect(channelAddress(this.info, channel));
    this.iopub.subscribe();
    void this.pump(this.shell, this.inboxes.shell);
    void this.pump(this.control, this.inboxes.control);
    void this.pump(this.stdin, this.inboxes.stdin);
    void this.pump(this.iopub, this.inboxes.iopub);
    // Like jupyter_client's wait_for_ready: ask for kernel_info until iopub carries its status.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const id = this.send("shell", "kernel_info_request", {});
      try {
        await this.inboxes.shell.take((m) => m.parent_header.msg_id === id, 2000, "kernel_info_reply");
        await this.inboxes.iopub.take((m) => m.parent_header.msg_id === id && m.header.msg_type === "status", 500, "status");
        await this.idle(id);
        return;
      } catch (error) {
        if (Date.now() > deadline || this.kernel.exitCode !== null) {
          throw new Error(`kernel did not become ready: ${String(error)}\n${this.stderr}`);
        }
      }
    }
  }

  private async pump(socket: zmq.Dealer | zmq.Subscriber, inbox: Inbox): Promise<void> {
    try {
      for await (const frames of socket) inbox.push(decode(frames, this.signer).message);
    } catch {
      // Socket closed.
    }
  }

  /** Sends a request (optionally with frames tampered by `tamper`); returns its msg_id. */
  send(
    channel: Channel,
    msgType: KernelMessage.MessageType,
    content: object,
    tamper?: (frames: Buffer[]) => Buffer[],
    extra: { buffers?: Uint8Array[]; metadata?: Record<string, unknown> } = {},
  ): string {
    const header = { ...makeHeader(msgType, this.session), username: "test" };
    const message: WireMessage = { header, parent_header: {}, metadata: extra.metadata ?? {}, content: content as Record<string, unknown>, buffers: extra.buffers ?? [] };
    let frames = encode([], message, this.signer);
    if (tamper) frames = tamper(frames);
    void this[channel].send(frames);
    return header.msg_id;
  }

  reply(channel: Channel, msgId: string, timeoutMs = 20_000): Promise<WireMessage> {
    return this.inboxes[channel].take((m) => m.parent_header.msg_id === msgId, timeoutMs, `reply to ${msgId} on ${channel}`);
  }

  /** Waits for the request's idle status; returns its iopub messages before it (status excluded). */
  async idle(msgId: string, timeoutMs = 20_000): Promise<WireMessage[]> {
    const mine = (m: WireMessage): boolean => m.parent_header.msg_id === msgId;
    await this.inboxes.iopub.take(
      (m) => mine(m) && m.header.msg_type === "status" && m.content["execution_state"] === "idle",
      timeoutMs,
      `idle for ${msgId}`,
    );
    const outputs: WireMessage[] = [];
    while (this.inboxes.iopub.has(mine)) {
      const m = await this.inboxes.iopub.take(mine, 0, "output");
      if (m.header.msg_type !== "status") outputs.push(m);
    }
    return outputs;
  }

  async request(channel: Channel, msgType: KernelMessage.MessageType, content: object): Promise<WireMessage> {
    const id = this.send(channel, msgType, content);
    const reply = await this.reply(channel, id);
    await this.idle(id);
    return reply;
  }

  async execute(code: string, options: Record<string, unknown> = {}, timeoutMs = 20_000): Promise<ExecuteResult> {
    const id = this.sendExecute(code, options);
    const reply = await this.reply("shell", id, timeoutMs);
    const outputs = await this.idle(id, timeoutMs);
    return { reply, outputs };
  }

  sendExecute(code: string, options: Record<string, unknown> = {}): string {
    return this.send("shell", "execute_request", { ...executeRequestContent(code, { stopOnError: true }), ...options });
  }

  /** Resolves to the kernel's exit code once it has exited. */
  waitForExit(timeoutMs = 10_000): Promise<number | null> {
    return Promise.race([
      this.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("kernel did not exit")), timeoutMs).unref()),
    ]);
  }

  /** Asks the kernel to shut down (killing it if it does not), and closes the sockets. */
  async close(): Promise<void> {
    if (this.kernel.exitCode === null && this.kernel.signalCode === null) {
      this.send("control", "shutdown_request", { restart: false });
      await this.waitForExit(5000).catch(() => this.kernel.kill("SIGKILL"));
    }
    for (const socket of [this.shell, this.control, this.stdin, this.iopub]) socket.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The text/plain of an execute_result among outputs. */
export function resultText(outputs: WireMessage[]): string | undefined {
  const result = outputs.find((m) => m.header.msg_type === "execute_result");
  return result ? String((result.content["data"] as Record<string, unknown>)["text/plain"]) : undefined;
}

export function streamText(outputs: WireMessage[], name: "stdout" | "stderr"): string {
  return outputs
    .filter((m) => m.header.msg_type === "stream" && m.content["name"] === name)
    .map((m) => String(m.content["text"]))
    .join("");
}
