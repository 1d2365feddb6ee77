// Output floods over real ZeroMQ with a subscriber that reads slowly or stops reading: nothing is
// lost, the idle status always arrives, and a kernel whose front end stopped reading sheds output
// with a note instead of growing without bound.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import { decode } from "../../src/kernel/wire.js";
import type { WireMessage } from "../../src/kernel/wire.js";
import { channelAddress } from "../../src/notebook/connection-file.js";
import { TestClient } from "./client.js";

/** An iopub subscriber of our own, reading as slowly as `delay` says, keeping what one request caused. */
class SlowSubscriber {
  readonly socket = new zmq.Subscriber({ receiveHighWaterMark: 100 });
  readonly messages: WireMessage[] = [];
  paused = false;
  private received = 0;

  constructor(
    private readonly client: TestClient,
    /** Milliseconds to sleep before reading message `n` (0 for none). */
    private readonly delay: (n: number) => number,
  ) {
    this.socket.connect(channelAddress(client.info, "iopub"));
    this.socket.subscribe();
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        while (this.paused) await sleep(20);
        const pause = this.delay(this.received);
        if (pause > 0) await sleep(pause);
        const frames = await this.socket.receive();
        this.received++;
        this.messages.push(decode(frames, this.client.signer).message);
      }
    } catch {
      // Closed.
    }
  }

  /** Resolves once it has the idle status for `id`; returns that request's messages before it. */
  async until(id: string, timeoutMs: number): Promise<WireMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mine = this.messages.filter((m) => m.parent_header.msg_id === id);
      const last = mine[mine.length - 1];
      if (last?.header.msg_type === "status" && last.content["execution_state"] === "idle") return mine;
      if (Date.now() > deadline) throw new Error(`no idle for ${id} within ${timeoutMs} ms (${mine.length} messages so far)`);
      await sleep(50);
    }
  }

  /** Sends kernel_info until this subscriber sees its status, so its subscription is live. */
  async ready(): Promise<void> {
    for (;;) {
      const id = this.client.send("shell", "kernel_info_request", {});
      await this.client.reply("shell", id);
      await sleep(100);
      if (this.messages.some((m) => m.parent_header.msg_id === id)) return;
    }
  }

  close(): void {
    this.socket.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const stdout = (messages: WireMessage[]): string =>
  messages
    .filter((m) => m.header.msg_type === "stream" && m.content["name"] === "stdout")
    .map((m) => String(m.content["text"]))
    .join("");

/** The kernel process's peak and current resident memory in MB (Linux). */
function residentMb(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { peak: kb("VmHWM") / 1024, now: kb("VmRSS") / 1024 };
}

describe("output floods over ZeroMQ", () => {
  let client: TestClient | undefined;
  let subscriber: SlowSubscriber | undefined;
  afterEach(async () => {
    subscriber?.close();
    await client?.close();
  });

  /** A kernel whose only live iopub subscriber is a SlowSubscriber. */
  async function start(delay: (n: number) => number, env: NodeJS.ProcessEnv = {}): Promise<{ client: TestClient; subscriber: SlowSubscriber }> {
    client = await TestClient.start({ env: { ...process.env, ...env } });
    client.iopub.close();
    subscriber = new SlowSubscriber(client, delay);
    await subscriber.ready();
    return { client, subscriber };
  }

  it("delivers 1,000,000 printed lines complete and in order, then idle, to a slow subscriber", async () => {
    // 5 ms per message: far slower than the kernel prints.
    const { client, subscriber } = await start(() => 5);
    const id = client.sendExecute('for (let i = 0; i < 1000000; i++) console.log("L" + i);');
    expect((await client.reply("shell", id, 120_000)).content["status"]).toBe("ok");
    const messages = await subscriber.until(id, 120_000);
    let expected = "";
    for (let i = 0; i < 1_000_000; i++) expected += `L${i}\n`;
    const text = stdout(messages);
    expect(text.length).toBe(expected.length);
    expect(text === expected).toBe(true);
    // Coalesced: a few hundred messages, not a million.
    expect(messages.filter((m) => m.header.msg_type === "stream").length).toBeLessThan(2000);
    expect(messages.some((m) => String(m.content["text"] ?? "").includes("dropped"))).toBe(false);
  }, 240_000);

  it("delivers 100,000 display() outputs in order, then idle, to a subscriber that stalls and reads slowly", async () => {
    // A 1 s stall early on (the old PUB socket dropped everything past its high-water mark then),
    // and a pause every 5,000 messages after it.
    const { client, subscriber } = await start((n) => (n === 20 ? 1000 : n % 5000 === 0 ? 50 : 0));
    const id = client.sendExecute('for (let i = 0; i < 100000; i++) display("D" + i);');
    expect((await client.reply("shell", id, 120_000)).content["status"]).toBe("ok");
    const messages = await subscriber.until(id, 120_000);
    const shown = messages.filter((m) => m.header.msg_type === "display_data").map((m) => (m.content["data"] as Record<string, string>)["text/plain"]);
    expect(shown.length).toBe(100_000);
    expect(shown.every((text, i) => text === `'D${i}'`)).toBe(true);
  }, 240_000);

  it("keeps stdout, stderr and displays in the order the cell made them", async () => {
    const { client, subscriber } = await start(() => 0);
    const id = client.sendExecute(
      'console.log("a1"); console.log("a2"); console.error("b1"); display("c"); console.log("a3"); console.error("b2"); console.error("b3");',
    );
    const messages = (await subscriber.until(id, 20_000)).filter((m) => ["stream", "display_data"].includes(m.header.msg_type));
    // Consecutive messages of one stream joined: how they were cut depends on timing, not the order.
    const shown: string[] = [];
    for (const m of messages) {
      const item = m.header.msg_type === "stream" ? `${m.content["name"]}:${m.content["text"]}` : "display";
      const last = shown[shown.length - 1];
      if (last?.startsWith(`${m.content["name"]}:`) && item !== "display") shown[shown.length - 1] = last + String(m.content["text"]);
      else shown.push(item);
    }
    expect(shown).toEqual(["stdout:a1\na2\n", "stderr:b1\n", "display", "stdout:a3\n", "stderr:b2\nb3\n"]);
  });

  it("sheds with a note, and stays within bounded memory, when the front end stops reading", async () => {
    const { client, subscriber } = await start(() => 0, { TSGRAD_IOPUB_BUFFER_MB: "2", TSGRAD_IOPUB_STALL_MS: "300" });
    const pid = client.kernel.pid!;
    const before = residentMb(pid).now;
    subscriber.paused = true;
    // 400 MB of printed text and 20,000 displays while nobody reads.
    const id = client.sendExecute(
      'const chunk = "x".repeat(99_999);\nfor (let i = 0; i < 4000; i++) { console.log(chunk); if (i % 200 === 0) for (let j = 0; j < 1000; j++) display("d" + j); }',
    );
    expect((await client.reply("shell", id, 120_000)).content["status"]).toBe("ok");
    const grown = residentMb(pid).peak - before;
    subscriber.paused = false;
    const messages = await subscriber.until(id, 60_000);
    const note = messages.find((m) => m.header.msg_type === "stream" && String(m.content["text"]).includes("dropped"));
    expect(String(note?.content["text"])).toMatch(/\[tsgrad\] [\d,]+ lines \([\d.]+ MB\) of printed output and [\d,]+ displays dropped/);
    // Far below the 400 MB printed: what waits is bounded by the buffer, ZeroMQ's high-water mark and TCP.
    expect(grown).toBeLessThan(150);
    // And the kernel serves on.
    const after = client.sendExecute("1 + 1");
    expect((await client.reply("shell", after)).content["status"]).toBe("ok");
    await subscriber.until(after, 20_000);
  }, 240_000);
});
