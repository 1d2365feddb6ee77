// Jupyter kernel latency over zeromq, tsgrad's kernel beside plain tslab's: start-up (spawn until the
// first kernel_info_reply) and a trivial cell's round trip (execute_request "1 + 1"
// until execute_reply and idle on iopub).
import { spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as zmq from "zeromq";
import { fmtStats, printTable, quick, ratio, stats } from "./lib.js";

const root = fileURLToPath(new URL("..", import.meta.url));

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A minimal Jupyter client: signs requests, matches replies and idle statuses to their request. */
class Client {
  constructor(conn) {
    this.key = conn.key;
    this.session = randomUUID();
    this.shell = new zmq.Dealer();
    this.iopub = new zmq.Subscriber();
    this.shell.connect(`tcp://127.0.0.1:${conn.shell_port}`);
    this.iopub.connect(`tcp://127.0.0.1:${conn.iopub_port}`);
    this.iopub.subscribe();
    this.waiters = new Map();
    this.closed = false;
    this.pump(this.shell, (m) => this.settle(m.parent_header.msg_id, "reply", m));
    this.pump(this.iopub, (m) => {
      if (m.header.msg_type === "status" && m.content.execution_state === "idle") this.settle(m.parent_header.msg_id, "idle", m);
    });
  }

  async pump(socket, onMessage) {
    try {
      for await (const frames of socket) {
        const i = frames.findIndex((f) => f.toString() === "<IDS|MSG>");
        const [header, parent_header, , content] = frames.slice(i + 2, i + 6).map((f) => JSON.parse(f.toString()));
        onMessage({ header, parent_header, content });
      }
    } catch (e) {
      if (!this.closed) throw e;
    }
  }

  settle(id, what, m) {
    const w = this.waiters.get(id);
    if (w) w[what](m);
  }

  /** Sends a shell request; returns promises of its reply and of its idle status on iopub. */
  send(msgType, content) {
    const header = { msg_id: randomUUID(), session: this.session, username: "bench", date: new Date().toISOString(), msg_type: msgType, version: "5.3" };
    const parts = [header, {}, {}, content].map((p) => JSON.stringify(p));
    const hmac = createHmac("sha256", this.key);
    for (const p of parts) hmac.update(p);
    const w = {};
    const reply = new Promise((resolve) => (w.reply = resolve));
    const idle = new Promise((resolve) => (w.idle = resolve));
    this.waiters.set(header.msg_id, w);
    Promise.all([reply, idle]).then(() => this.waiters.delete(header.msg_id));
    this.shell.send(["<IDS|MSG>", hmac.digest("hex"), ...parts]);
    return { reply, idle };
  }

  /** Resolves with the reply once both the reply and the idle status have arrived. */
  async request(msgType, content) {
    const { reply, idle } = this.send(msgType, content);
    await idle;
    return reply;
  }

  /**
   * Waits until iopub delivers (a subscriber that joins late misses what was published before it):
   * kernel_info_request again until its idle status arrives, as jupyter_client does.
   */
  async iopubReady() {
    for (let i = 0; i < 100; i++) {
      const { idle } = this.send("kernel_info_request", {});
      if (await Promise.race([idle.then(() => true), new Promise((r) => setTimeout(() => r(false), 200))])) return;
    }
    throw new Error("iopub: no status message after 100 kernel_info requests");
  }

  close() {
    this.closed = true;
    this.shell.close();
    this.iopub.close();
  }
}

/** Starts a kernel, times start-up and `cells` trivial round trips, stops it. */
async function measure(name, command) {
  const dir = mkdtempSync(join(tmpdir(), "tsgrad-bench-"));
  const ports = {};
  for (const p of ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"]) ports[p] = await freePort();
  const conn = { ...ports, ip: "127.0.0.1", transport: "tcp", signature_scheme: "hmac-sha256", key: randomUUID(), kernel_name: name };
  const file = join(dir, "conn.json");
  writeFileSync(file, JSON.stringify(conn));
  const t0 = performance.now();
  const child = spawn(process.execPath, command(file), { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const client = new Client(conn);
  let timer;
  try {
    const startup = await Promise.race([
      client.send("kernel_info_request", {}).reply.then(() => performance.now() - t0),
      new Promise((_, reject) => child.on("exit", (code) => reject(new Error(`${name} exited with ${code}: ${stderr}`)))),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${name}: no kernel_info_reply in 60 s: ${stderr}`)), 60_000))),
    ]);
    await client.iopubReady();
    const trips = [];
    const cells = quick ? 10 : 40;
    for (let i = 0; i < cells + 3; i++) {
      const t = performance.now();
      const reply = await client.request("execute_request", { code: "1 + 1", silent: false, store_history: true, user_expressions: {}, allow_stdin: false });
      if (reply.content.status !== "ok") throw new Error(`${name}: execute_request failed: ${JSON.stringify(reply.content)}`);
      if (i >= 3) trips.push(performance.now() - t);
    }
    return { startup, trips };
  } finally {
    clearTimeout(timer);
    client.close();
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run() {
  const kernels = {
    tsgrad: (f) => [join(root, "bin/tsgrad.js"), "kernel", "-f", f],
    tslab: (f) => [join(root, "node_modules/tslab/bin/tslab"), "kernel", "--config-path", f],
  };
  const results = {};
  const startups = { tsgrad: [], tslab: [] };
  const repeats = quick ? 1 : 3;
  for (let r = 0; r < repeats; r++) {
    for (const [name, command] of Object.entries(kernels)) {
      const m = await measure(name, command);
      startups[name].push(m.startup);
      results[name] = [...(results[name] ?? []), ...m.trips];
    }
  }
  const med = (xs) => stats(xs).median;
  printTable(
    "Kernel latency over zeromq — ms, median (min–max): start-up = spawn until the first kernel_info_reply; round trip = execute_request '1 + 1' until execute_reply + idle",
    ["", "start-up", "trivial cell round trip"],
    Object.keys(kernels).map((k) => [k, fmtStats(startups[k], 0), fmtStats(results[k], 2)]),
  );
  console.log(
    `tsgrad ÷ tslab: start-up ${ratio(med(startups.tsgrad), med(startups.tslab))}, round trip ${ratio(med(results.tsgrad), med(results.tslab))} (lower is better)`,
  );
  return { startup: { tsgrad: med(startups.tsgrad), tslab: med(startups.tslab) }, roundTrip: { tsgrad: med(results.tsgrad), tslab: med(results.tslab) } };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
