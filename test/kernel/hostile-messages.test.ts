// Messages no well-behaved client sends: frames without an envelope, validly signed messages with
// null parts, replays, code sent on the control channel, a pathological history search. After each,
// every channel must still serve.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import { globMatches } from "../../src/kernel/glob.js";
import { channelAddress } from "../../src/notebook/connection-file.js";
import { resultText, TestClient } from "./client.js";

/** Frames of a message with the given JSON parts, signed as a real client would. */
function signedFrames(client: TestClient, parts: [string, string, string, string]): Buffer[] {
  const buffers = parts.map((part) => Buffer.from(part));
  return [Buffer.from("<IDS|MSG>"), Buffer.from(client.signer.sign(buffers)), ...buffers];
}

function header(client: TestClient, msgType: string): string {
  return JSON.stringify({ msg_id: crypto.randomUUID(), msg_type: msgType, session: client.session, username: "test", date: new Date().toISOString(), version: "5.3" });
}

describe("hostile messages", () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start();
  });
  afterAll(async () => {
    await client?.close();
  });

  async function heartbeatAnswers(): Promise<boolean> {
    const hb = new zmq.Request({ receiveTimeout: 5000, linger: 0 });
    hb.connect(channelAddress(client.info, "hb"));
    try {
      await hb.send("ping");
      const [pong] = await hb.receive();
      return pong!.toString() === "ping";
    } catch {
      return false;
    } finally {
      hb.close();
    }
  }

  /** Shell, control and stdin each still answer. */
  async function everyChannelServes(): Promise<void> {
    expect((await client.request("shell", "kernel_info_request", {})).header.msg_type).toBe("kernel_info_reply");
    expect((await client.request("control", "kernel_info_request", {})).header.msg_type).toBe("kernel_info_reply");
    const id = client.sendExecute('prompt("name? ")', { allow_stdin: true });
    await client.inboxes.stdin.take((m) => m.parent_header.msg_id === id, 10_000, "input_request");
    client.send("stdin", "input_reply", { value: "Ada" });
    expect((await client.reply("shell", id)).content["status"]).toBe("ok");
    expect(resultText(await client.idle(id))).toBe("'Ada'");
    expect(await heartbeatAnswers()).toBe(true);
  }

  it("keeps the heartbeat beating after a message without an envelope", async () => {
    const dealer = new zmq.Dealer({ linger: 0 });
    dealer.connect(channelAddress(client.info, "hb"));
    await dealer.send("ping");
    await dealer.send(["two", "frames"]);
    // A ROUTER-based heartbeat echoes even these back to their sender.
    const [echo] = await dealer.receive();
    expect(echo!.toString()).toBe("ping");
    dealer.close();
    expect(await heartbeatAnswers()).toBe(true);
  });

  it("keeps every channel serving after envelope-less and garbage frames on each socket", async () => {
    for (const channel of ["shell", "control", "stdin"] as const) {
      const dealer = new zmq.Dealer({ linger: 0 });
      dealer.connect(channelAddress(client.info, channel));
      await dealer.send("ping");
      await dealer.send(["<IDS|MSG>", "sig", "{", "not json", "", ""]);
      await dealer.send(["<IDS|MSG>"]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      dealer.close();
    }
    await everyChannelServes();
  });

  it("drops validly signed messages with null header or content on shell, control and stdin, and serves on", async () => {
    for (const channel of ["shell", "control", "stdin"] as const) {
      await client[channel].send(signedFrames(client, ["null", "{}", "{}", "{}"]));
      await client[channel].send(signedFrames(client, [header(client, channel === "stdin" ? "input_reply" : "kernel_info_request"), "null", "null", "null"]));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.stderr).toMatch(/the header is not an object/);
    expect(client.stderr).toMatch(/the content of (kernel_info_request|input_reply) is not an object/);
    // Nothing was answered with a null parent.
    expect(client.inboxes.iopub.has((m) => m.parent_header === null)).toBe(false);
    await everyChannelServes();
  });

  it("ignores an input_reply with null content while a prompt() waits: the real answer still reaches it", async () => {
    const id = client.sendExecute('prompt("first? ")', { allow_stdin: true });
    await client.inboxes.stdin.take((m) => m.parent_header.msg_id === id, 10_000, "input_request");
    await client.stdin.send(signedFrames(client, [header(client, "input_reply"), "{}", "{}", "null"]));
    client.send("stdin", "input_reply", { value: "second" });
    expect((await client.reply("shell", id)).content["status"]).toBe("ok");
    expect(resultText(await client.idle(id))).toBe("'second'");
  });

  it("runs a replayed execute_request once", async () => {
    await client.execute("globalThis.replays = 0;");
    let frames: Buffer[] = [];
    const id = client.send("shell", "execute_request", { code: "globalThis.replays++", silent: false }, (f) => (frames = f));
    await client.shell.send(frames);
    await client.shell.send(frames);
    await client.shell.send(frames);
    await client.reply("shell", id);
    await client.idle(id);
    expect(resultText((await client.execute("globalThis.replays")).outputs)).toBe("1");
    expect(client.stderr).toMatch(/duplicate signature/);
  });

  it("refuses execute_request on the control channel with an error reply, running nothing", async () => {
    const reply = await client.request("control", "execute_request", { code: "globalThis.ranOnControl = true", silent: false });
    expect(reply.content).toMatchObject({ status: "error", ename: "ChannelError" });
    expect(String(reply.content["evalue"])).toMatch(/shell channel/);
    expect(resultText((await client.execute("typeof globalThis.ranOnControl")).outputs)).toBe("'undefined'");
  });

  it("answers a history search with 16 stars at once (the old glob regex backtracked for minutes)", async () => {
    await client.execute("const abcdefghijklmnopq = 1;");
    const reply = await client.request("shell", "history_request", { hist_access_type: "search", pattern: "****************Z", output: false, raw: true });
    expect(reply.content["history"]).toEqual([]);
    const found = await client.request("shell", "history_request", { hist_access_type: "search", pattern: "*abc*q*", output: false, raw: true });
    expect((found.content["history"] as unknown[]).length).toBeGreaterThan(0);
  });
});

describe("globMatches", () => {
  it("matches * and ? as IPython's history search does", () => {
    expect(globMatches("*", "")).toBe(true);
    expect(globMatches("a*c", "abbbc")).toBe(true);
    expect(globMatches("a*c", "abbbd")).toBe(false);
    expect(globMatches("a?c", "abc")).toBe(true);
    expect(globMatches("a?c", "ac")).toBe(false);
    expect(globMatches("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab")).toBe(true);
    expect(globMatches("*.ts", "x.ts\n")).toBe(false);
    expect(globMatches("line*", "line 1\nline 2")).toBe(true);
  });

  it("takes steps in proportion to pattern × text, never backtracking exponentially", () => {
    const text = "a".repeat(2000);
    expect(globMatches("*".repeat(1000) + "b", text)).toBe(false);
    expect(globMatches("*a".repeat(500) + "*b", text)).toBe(false);
  });
});
