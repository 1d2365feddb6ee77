// Jupyter comms over real ZeroMQ: comm_info, comm_open / comm_msg / comm_close both ways with
// binary buffers, unknown targets and ids, malformed messages and failing handlers (a log line or
// an error output, never a dead kernel), and comm messages served while a cell awaits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resultText, streamText, TestClient } from "./client.js";
import type { WireMessage } from "../../src/kernel/wire.js";

describe("Jupyter comms over ZeroMQ", () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start();
  });
  afterAll(async () => {
    await client?.close();
  });

  /** The iopub message of `type` sent under request `parent`. */
  const published = (parent: string, type: string, timeoutMs = 10_000): Promise<WireMessage> =>
    client.inboxes.iopub.take((m) => m.parent_header.msg_id === parent && m.header.msg_type === type, timeoutMs, `${type} under ${parent}`);

  /** Sends a comm message from the "front end" and waits until the kernel is idle after it. */
  async function commRequest(type: "comm_open" | "comm_msg" | "comm_close", content: object, buffers: Uint8Array[] = []): Promise<WireMessage[]> {
    const id = client.send("shell", type, content, undefined, { buffers });
    return client.idle(id);
  }

  const bytes = (message: WireMessage): number[][] => message.buffers.map((b) => [...b]);

  it("answers comm_info with no comms before any is open", async () => {
    const reply = await client.request("shell", "comm_info_request", {});
    expect(reply.header.msg_type).toBe("comm_info_reply");
    expect(reply.content).toEqual({ status: "ok", comms: {} });
  });

  it("closes a comm opened to a target nobody registered, and stays alive", async () => {
    const outputs = await commRequest("comm_open", { comm_id: "nobody-1", target_name: "no.such.target", data: {} });
    expect(outputs.map((m) => [m.header.msg_type, m.content])).toEqual([["comm_close", { comm_id: "nobody-1", data: {} }]]);
    // The kernel's log reaches this process on its own pipe, maybe after the iopub message.
    await expect.poll(() => client.stderr, { timeout: 5000 }).toContain("no comm target 'no.such.target' is registered");
    expect(resultText((await client.execute("1 + 1")).outputs)).toBe("2");
  });

  it("hands a front end's comm_open, comm_msg and comm_close to a target a cell registered, buffers included", async () => {
    const setup = await client.execute(`
      const seen: string[] = [];
      comms.registerTarget("test.echo", (comm, open) => {
        seen.push("open " + JSON.stringify(open.data) + " " + open.buffers.map((b) => b.length).join(","));
        comm.send({ opened: open.data }, { buffers: open.buffers });
        comm.onMsg((m) => {
          seen.push("msg " + JSON.stringify(m.data));
          comm.send({ echo: m.data, sizes: m.buffers.map((b) => b.length) }, { buffers: m.buffers.map((b) => b.map((x) => x + 1)) });
        });
        comm.onClose((m) => console.log("closed with", JSON.stringify(m.data)));
      });`);
    expect(setup.reply.content["status"]).toBe("ok");

    const openId = client.send("shell", "comm_open", { comm_id: "echo-1", target_name: "test.echo", data: { hello: 1 } }, undefined, { buffers: [new Uint8Array([9, 8, 7])] });
    const opened = await published(openId, "comm_msg");
    expect(opened.content).toEqual({ comm_id: "echo-1", data: { opened: { hello: 1 } } });
    expect(bytes(opened)).toEqual([[9, 8, 7]]);
    await client.idle(openId);

    const info = await client.request("shell", "comm_info_request", {});
    expect(info.content).toEqual({ status: "ok", comms: { "echo-1": { target_name: "test.echo" } } });

    const msgId = client.send("shell", "comm_msg", { comm_id: "echo-1", data: { step: 2 } }, undefined, { buffers: [new Uint8Array([1, 2]), new Uint8Array([250])] });
    const echoed = await published(msgId, "comm_msg");
    expect(echoed.content).toEqual({ comm_id: "echo-1", data: { echo: { step: 2 }, sizes: [2, 1] } });
    expect(bytes(echoed)).toEqual([[2, 3], [251]]);
    await client.idle(msgId);

    // What a comm handler prints goes out under the comm message (front ends show it with the widget).
    const closing = await commRequest("comm_close", { comm_id: "echo-1", data: { reason: "done" } });
    expect(streamText(closing, "stdout")).toBe('closed with {"reason":"done"}\n');
    expect((await client.request("shell", "comm_info_request", {})).content).toEqual({ status: "ok", comms: {} });
    expect(resultText((await client.execute("seen")).outputs)).toBe(`[ 'open {"hello":1} 3', 'msg {"step":2}' ]`);
  });

  it("opens comms from a cell, with data, metadata and buffers, lists them by target, and closes them", async () => {
    const { reply, outputs } = await client.execute(`
      const mine = comms.openComm("test.kernel-side", { x: 1 }, { buffers: [new Uint8Array([1, 2, 3])], metadata: { version: "1.0" } });
      const other = comms.openComm("test.other", {});
      const got: unknown[] = [];
      mine.onMsg((m) => got.push(m.data, m.buffers.map((b) => [...b])));
      mine.commId`);
    expect(reply.content["status"]).toBe("ok");
    const opens = outputs.filter((m) => m.header.msg_type === "comm_open");
    expect(opens).toHaveLength(2);
    const commId = JSON.parse(resultText(outputs)!.replace(/'/g, '"')) as string;
    expect(opens[0]!.content).toEqual({ comm_id: commId, target_name: "test.kernel-side", data: { x: 1 } });
    expect(opens[0]!.metadata).toEqual({ version: "1.0" });
    expect(bytes(opens[0]!)).toEqual([[1, 2, 3]]);

    const all = (await client.request("shell", "comm_info_request", {})).content["comms"] as Record<string, unknown>;
    expect(Object.keys(all)).toHaveLength(2);
    const filtered = await client.request("shell", "comm_info_request", { target_name: "test.kernel-side" });
    expect(filtered.content).toEqual({ status: "ok", comms: { [commId]: { target_name: "test.kernel-side" } } });
    const none = await client.request("shell", "comm_info_request", { target_name: "test.nothing" });
    expect(none.content).toEqual({ status: "ok", comms: {} });

    await commRequest("comm_msg", { comm_id: commId, data: { from: "front end" } }, [new Uint8Array([5])]);
    expect(resultText((await client.execute("JSON.stringify(got)")).outputs)).toBe(`'[{"from":"front end"},[[5]]]'`);

    const closed = await client.execute(`mine.close({ bye: true }); other.close(); mine.closed`);
    const closes = closed.outputs.filter((m) => m.header.msg_type === "comm_close").map((m) => m.content);
    expect(closes).toEqual([{ comm_id: commId, data: { bye: true } }, expect.objectContaining({ data: {} })]);
    expect(resultText(closed.outputs)).toBe("true");
    // A closed comm refuses to send, with an error naming it.
    const late = await client.execute(`mine.send({})`);
    expect(late.reply.content).toMatchObject({ status: "error", ename: "CommClosedError" });
    expect(String(late.reply.content["evalue"])).toContain("test.kernel-side");
  });

  it("logs malformed and misdirected comm messages and keeps serving", async () => {
    const before = client.stderr.length;
    expect(await commRequest("comm_msg", { comm_id: "no-such-comm", data: {} })).toEqual([]);
    expect(await commRequest("comm_close", { comm_id: "no-such-comm", data: {} })).toEqual([]);
    expect(await commRequest("comm_msg", { data: { x: 1 } })).toEqual([]);
    expect(await commRequest("comm_msg", { comm_id: 42, data: {} })).toEqual([]);
    await client.execute(`comms.registerTarget("test.quiet", (comm) => comm.onMsg(() => {}));`);
    await commRequest("comm_open", { comm_id: "quiet-1", target_name: "test.quiet", data: {} });
    expect(await commRequest("comm_msg", { comm_id: "quiet-1", data: "not an object" })).toEqual([]);
    expect(await commRequest("comm_open", { comm_id: "quiet-1", target_name: "test.quiet", data: {} })).toEqual([]);
    const open = await commRequest("comm_open", { comm_id: "no-target" });
    expect(open.map((m) => m.header.msg_type)).toEqual(["comm_close"]);
    await expect.poll(() => client.stderr.slice(before), { timeout: 5000 }).toContain("comm_open no-target without a target_name");
    const log = client.stderr.slice(before);
    expect(log).toContain("comm_msg for unknown comm no-such-comm");
    expect(log).toContain("comm_close for unknown comm no-such-comm");
    expect(log).toContain("comm_msg without a comm_id");
    expect(log).toContain("comm_msg for comm quiet-1: data must be an object");
    expect(log).toContain("comm_open for quiet-1, which is already open");
    expect(log).toContain("comm_open no-target without a target_name");
    expect(resultText((await client.execute("6 * 7")).outputs)).toBe("42");
  });

  it("shows a comm handler's exception as an error output under the comm message, and keeps the comm", async () => {
    await client.execute(`
      let calls = 0;
      comms.registerTarget("test.throws", (comm) => comm.onMsg(() => { calls++; throw new RangeError("handler broke"); }));`);
    await commRequest("comm_open", { comm_id: "throws-1", target_name: "test.throws", data: {} });
    const first = await commRequest("comm_msg", { comm_id: "throws-1", data: {} });
    const error = first.find((m) => m.header.msg_type === "error");
    expect(error?.content).toMatchObject({ ename: "RangeError", evalue: "handler broke" });
    await commRequest("comm_msg", { comm_id: "throws-1", data: {} });
    expect(resultText((await client.execute("calls")).outputs)).toBe("2");
    // A target whose open handler throws: the error is shown and the comm closed.
    await client.execute(`comms.registerTarget("test.bad-open", () => { throw new Error("cannot open"); });`);
    const open = await commRequest("comm_open", { comm_id: "bad-open-1", target_name: "test.bad-open", data: {} });
    expect(open.map((m) => m.header.msg_type)).toEqual(["error", "comm_close"]);
  });

  it("rejects a bad target registration with an error naming the argument", async () => {
    const { reply } = await client.execute(`comms.registerTarget("", () => {})`);
    expect(reply.content).toMatchObject({ status: "error", ename: "TypeError" });
    expect(String(reply.content["evalue"])).toContain("targetName must be a non-empty string");
  });

  it("serves comm messages while a cell awaits, and execute requests still wait their turn", async () => {
    await client.execute(`
      let stop = false;
      comms.registerTarget("test.stop", (comm) => comm.onMsg((m) => { stop = m.data.stop === true; }));`);
    await commRequest("comm_open", { comm_id: "stop-1", target_name: "test.stop", data: {} });
    const loop = client.sendExecute(`
      let steps = 0;
      console.log("started");
      while (!stop && steps < 2000) { steps++; await new Promise((r) => setTimeout(r, 5)); }
      steps`);
    await published(loop, "stream");
    const next = client.sendExecute(`"after the loop: " + steps`);
    const commId = client.send("shell", "comm_msg", { comm_id: "stop-1", data: { stop: true } });
    // The comm message is served while the loop still runs; the next cell only after the loop's reply.
    await client.idle(commId);
    // After the comm message's idle, the running cell says busy again (JupyterLab shows the latest status).
    const busyOfLoop = (): Promise<WireMessage> =>
      client.inboxes.iopub.take((m) => m.parent_header.msg_id === loop && m.header.msg_type === "status" && m.content["execution_state"] === "busy", 5000, "busy of the loop");
    await busyOfLoop();
    await busyOfLoop();
    const loopReply = await client.reply("shell", loop);
    const steps = Number(resultText(await client.idle(loop)));
    expect(loopReply.content["status"]).toBe("ok");
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(2000);
    const nextOutputs = await client.idle(next);
    expect(resultText(nextOutputs)).toBe(`'after the loop: ${steps}'`);
  });

  it("delivers comm messages sent during a synchronous cell when the cell ends, before the next cell", async () => {
    await client.execute(`let received = 0; comms.registerTarget("test.count", (comm) => comm.onMsg(() => { received++; }));`);
    await commRequest("comm_open", { comm_id: "count-1", target_name: "test.count", data: {} });
    const busy = client.sendExecute(`const t0 = Date.now(); console.log("spinning"); while (Date.now() - t0 < 700) {} received`);
    await published(busy, "stream");
    const msg = client.send("shell", "comm_msg", { comm_id: "count-1", data: {} });
    const after = client.sendExecute("received");
    expect(resultText(await client.idle(busy))).toBe("0");
    await client.idle(msg);
    expect(resultText(await client.idle(after))).toBe("1");
  });
});
