// The kernel process driven over real ZeroMQ sockets, one message type at a time.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resultText, streamText, TestClient } from "./client.js";
import type { WireMessage } from "../../src/kernel/wire.js";

const tsVersion = (createRequire(createRequire(import.meta.url).resolve("tslab/dist/converter.js"))("@tslab/typescript-for-tslab") as { version: string }).version;

const types = (outputs: WireMessage[]): string[] => outputs.map((m) => m.header.msg_type);

describe("the tsgrad kernel over ZeroMQ", () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start();
  });
  afterAll(async () => {
    await client?.close();
  });

  /** Resolves once the cell has printed its first line, i.e. it is running, not being type-checked. */
  const running = (id: string): Promise<unknown> =>
    client.inboxes.iopub.take((m) => m.parent_header.msg_id === id && m.header.msg_type === "stream", 10_000, "the cell's first output");

  it("answers kernel_info with real TypeScript and Node versions, between busy and idle", async () => {
    const id = client.send("shell", "kernel_info_request", {});
    const reply = await client.reply("shell", id);
    expect(reply.header.msg_type).toBe("kernel_info_reply");
    expect(reply.content).toMatchObject({
      status: "ok",
      protocol_version: "5.3",
      implementation: "tsgrad",
      language_info: { name: "typescript", version: tsVersion, file_extension: ".ts" },
    });
    expect(String(reply.content["banner"])).toContain(process.version);
    const busy = await client.inboxes.iopub.take((m) => m.parent_header.msg_id === id, 1000, "busy");
    expect(busy.content["execution_state"]).toBe("busy");
    await client.idle(id);
  });

  it("answers kernel_info on control too", async () => {
    const reply = await client.request("control", "kernel_info_request", {});
    expect(reply.header.msg_type).toBe("kernel_info_reply");
  });

  it("publishes execute_input and an execute_result MIME bundle, counting executions", async () => {
    const first = await client.execute("const answer: number = 6 * 7;\nanswer");
    const second = await client.execute("answer + 1");
    expect(first.reply.content["status"]).toBe("ok");
    const count = Number(first.reply.content["execution_count"]);
    expect(second.reply.content["execution_count"]).toBe(count + 1);
    expect(types(first.outputs)).toEqual(["execute_input", "execute_result"]);
    expect(first.outputs[0]!.content).toMatchObject({ code: "const answer: number = 6 * 7;\nanswer", execution_count: count });
    expect(first.outputs[1]!.content).toMatchObject({ execution_count: count, data: { "text/plain": "42" } });
    expect(resultText(second.outputs)).toBe("43");
  });

  it("renders a value through its own Jupyter.display bundle", async () => {
    const { outputs } = await client.execute(
      '({ [Symbol.for("Jupyter.display")]() { return { "text/html": "<i>mine</i>", "text/plain": "mine" }; } })',
    );
    const result = outputs.find((m) => m.header.msg_type === "execute_result");
    expect(result?.content["data"]).toEqual({ "text/html": "<i>mine</i>", "text/plain": "mine" });
    // An empty bundle shows nothing, as a display handle returned by display(x) should.
    const quiet = await client.execute('({ [Symbol.for("Jupyter.display")]() { return {}; } })');
    expect(quiet.reply.content["status"]).toBe("ok");
    expect(types(quiet.outputs)).toEqual(["execute_input"]);
  });

  it("has the library preloaded and importable as 'tsgrad', sharing one instance", async () => {
    const preloaded = await client.execute("const t = tensor([1, 2, 3]);\nt.shape");
    expect(preloaded.reply.content["status"]).toBe("ok");
    expect(resultText(preloaded.outputs)).toBe("[ 3 ]");
    const imported = await client.execute('import { tensor as tensor2, Tensor as T2 } from "tsgrad";\n[tensor2 === tensor, t instanceof T2]');
    expect(resultText(imported.outputs)).toBe("[ true, true ]");
    const typed = await client.execute("const n: nn.Linear = new nn.Linear(2, 1);\nn.parameters().length");
    expect(typed.reply.content["status"]).toBe("ok");
    expect(resultText(typed.outputs)).toBe("2");
  });

  it("turns console output into stream messages", async () => {
    const { outputs } = await client.execute('console.log("out", 1);\nconsole.error("err");\nprocess.stdout.write("raw")');
    expect(streamText(outputs, "stdout")).toBe("out 1\nraw");
    expect(streamText(outputs, "stderr")).toBe("err\n");
  });

  it("reports a thrown error with line numbers of the cell, not of the transpiled code, and keeps state", async () => {
    const code = [
      "const before = 'kept';",
      "",
      "interface P { x: number }",
      "function check(p: P): void {",
      "  if (p.x > 0) {",
      "    throw new RangeError(`bad x ${p.x}`);",
      "  }",
      "}",
      "check({ x: 2 });",
    ].join("\n");
    const { reply, outputs } = await client.execute(code);
    expect(reply.content).toMatchObject({ status: "error", ename: "RangeError", evalue: "bad x 2" });
    expect(types(outputs)).toEqual(["execute_input", "error"]);
    const error = outputs[1]!.content;
    expect(error).toMatchObject({ ename: "RangeError", evalue: "bad x 2" });
    const traceback = (error["traceback"] as string[]).join("\n");
    const label = `Cell In[${reply.content["execution_count"]}]`;
    expect(traceback).toContain(`at check (${label}:6:`);
    expect(traceback).toContain(`at ${label}:9:`);
    expect(traceback).not.toMatch(/tsgrad-cell|dist\/kernel|node:vm/);
    // The same cell run again is compiled once, but its traceback names the new run.
    const again = await client.execute(code);
    const againLabel = `Cell In[${again.reply.content["execution_count"]}]`;
    expect(againLabel).not.toBe(label);
    expect((again.reply.content["traceback"] as string[]).join("\n")).toContain(`at check (${againLabel}:6:`);
    const after = await client.execute("before");
    expect(resultText(after.outputs)).toBe("'kept'");
  });

  it("reports a type error as an error message at the cell's line and column", async () => {
    const { reply, outputs } = await client.execute('let ok = 1;\nconst wrong: number = "text";');
    expect(reply.content["status"]).toBe("error");
    const error = outputs.find((m) => m.header.msg_type === "error")!.content;
    expect(error["ename"]).toBe("TSError");
    expect(String(error["evalue"])).toContain("Type 'string' is not assignable to type 'number'");
    expect((error["traceback"] as string[])[0]).toMatch(/^Cell In\[\d+\]:2:7 - error TS2322/);
  });

  it("awaits at top level and reports a rejected promise as an error", async () => {
    const awaited = await client.execute("const v = await new Promise<number>((r) => setTimeout(() => r(5), 5));\nv * 2");
    expect(resultText(awaited.outputs)).toBe("10");
    const rejected = await client.execute('await Promise.reject(new TypeError("no luck"))');
    expect(rejected.reply.content).toMatchObject({ status: "error", ename: "TypeError", evalue: "no luck" });
    const lastValue = await client.execute('Promise.reject(new Error("as value"))');
    expect(lastValue.reply.content).toMatchObject({ status: "error", evalue: "as value" });
  });

  it("sends display_data, update_display_data with the display id, and clear_output through the sink", async () => {
    const { outputs } = await client.execute(
      [
        "const sink = currentDisplaySink();",
        'sink.display({ data: { "text/plain": "v1" }, metadata: {}, displayId: "d-1", update: false });',
        'sink.display({ data: { "text/plain": "v2" }, metadata: {}, displayId: "d-1", update: true });',
        "sink.clearOutput(true);",
      ].join("\n"),
    );
    expect(types(outputs)).toEqual(["execute_input", "display_data", "update_display_data", "clear_output"]);
    expect(outputs[1]!.content).toEqual({ data: { "text/plain": "v1" }, metadata: {}, transient: { display_id: "d-1" } });
    expect(outputs[2]!.content).toMatchObject({ data: { "text/plain": "v2" }, transient: { display_id: "d-1" } });
    expect(outputs[3]!.content).toEqual({ wait: true });
  });

  it("updates a display in place from a loop and flushes its final state before the cell ends", async () => {
    const { outputs } = await client.execute(
      ['const handle = display("step 0", { displayId: "loop" });', "for (let i = 1; i <= 50; i++) handle.update(`step ${i}`);"].join("\n"),
    );
    const shown = outputs.filter((m) => m.header.msg_type === "display_data");
    const updates = outputs.filter((m) => m.header.msg_type === "update_display_data");
    expect(shown.map((m) => m.content["data"])).toEqual([{ "text/plain": "'step 0'" }]);
    expect(shown[0]!.content["transient"]).toEqual({ display_id: "loop" });
    // Throttled: far fewer messages than updates, and the last one carries the final value.
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThan(50);
    expect(updates.at(-1)!.content).toMatchObject({ data: { "text/plain": "'step 50'" }, transient: { display_id: "loop" } });
    expect(types(outputs).includes("execute_result")).toBe(false);
  });

  it("completes, inspects (plain text and markdown) and judges completeness with tslab's converter", async () => {
    const code = "const myLongName = tensor([1]);\nmyLong";
    const complete = await client.request("shell", "complete_request", { code, cursor_pos: code.length });
    expect(complete.content).toMatchObject({ status: "ok", cursor_start: code.length - 6, cursor_end: code.length });
    expect(complete.content["matches"]).toContain("myLongName");
    const library = await client.request("shell", "complete_request", { code: "zer", cursor_pos: 3 });
    expect(library.content["matches"]).toEqual(expect.arrayContaining(["zeros", "zerosLike"]));
    const members = await client.request("shell", "complete_request", { code: "tensor([1]).", cursor_pos: 12 });
    expect(members.content["matches"]).toEqual(expect.arrayContaining(["backward", "grad", "shape"]));

    const inspect = await client.request("shell", "inspect_request", { code: "zeros", cursor_pos: 2, detail_level: 0 });
    expect(inspect.content["found"]).toBe(true);
    const data = inspect.content["data"] as Record<string, string>;
    // (The return type prints under whatever name a cell gave Tensor, e.g. T2 above.)
    expect(data["text/plain"]).toMatch(/^function zeros\(.*\): \w+/);
    expect(data["text/markdown"]).toMatch(/^```typescript\n/);
    const nothing = await client.request("shell", "inspect_request", { code: "   ", cursor_pos: 1, detail_level: 0 });
    expect(nothing.content).toMatchObject({ status: "ok", found: false });

    const incomplete = await client.request("shell", "is_complete_request", { code: "for (let i = 0; i < 3; i++) {" });
    expect(incomplete.content).toEqual({ status: "incomplete", indent: "  " });
    const complete2 = await client.request("shell", "is_complete_request", { code: "1 + 1" });
    expect(complete2.content).toEqual({ status: "complete" });
  });

  it("pages documentation for `name?` without running anything", async () => {
    const { reply, outputs } = await client.execute("nn.Linear?");
    expect(reply.content["status"]).toBe("ok");
    const [page] = reply.content["payload"] as { source: string; data: Record<string, string>; start: number }[];
    expect(page).toMatchObject({ source: "page", start: 0 });
    expect(page!.data["text/plain"]).toContain("Linear");
    expect(page!.data["text/markdown"]).toMatch(/^```typescript/);
    expect(types(outputs)).toEqual(["execute_input"]);
    const unknown = await client.execute("?noSuchThing");
    expect(unknown.reply.content).toMatchObject({ status: "error", ename: "NameError" });
  });

  it("answers history with this session's cells, and comm_info with a comm_info_reply", async () => {
    await client.execute("'history marker'");
    const tail = await client.request("shell", "history_request", { output: true, raw: true, hist_access_type: "tail", n: 1 });
    expect(tail.header.msg_type).toBe("history_reply");
    const [entry] = tail.content["history"] as [number, number, [string, string]][];
    expect(entry![2]).toEqual(["'history marker'", "'history marker'"]);
    const search = await client.request("shell", "history_request", { output: false, raw: true, hist_access_type: "search", pattern: "*marker*" });
    expect((search.content["history"] as unknown[][]).map((h) => h[2])).toEqual(["'history marker'"]);

    const comms = await client.request("shell", "comm_info_request", {});
    expect(comms.header.msg_type).toBe("comm_info_reply");
    expect(comms.content).toEqual({ status: "ok", comms: {} });
    // No comm targets: a comm_open is answered by closing that comm, as ipykernel does.
    const open = client.send("shell", "comm_open", { comm_id: "c-1", target_name: "jupyter.widget", data: {} });
    const [closed] = await client.idle(open);
    expect(closed!.header.msg_type).toBe("comm_close");
    expect(closed!.content).toEqual({ comm_id: "c-1", data: {} });
  });

  it("drops messages with a bad or missing signature without running them", async () => {
    const sig = 2; // frames: [<IDS|MSG>, signature, header, parent, metadata, content]
    const bad = client.send("shell", "execute_request", { code: "globalThis.tampered = 1", silent: false }, (frames) => {
      frames[sig - 1] = Buffer.from("0".repeat(64));
      return frames;
    });
    const missing = client.send("shell", "execute_request", { code: "globalThis.tampered = 2", silent: false }, (frames) => {
      frames[sig - 1] = Buffer.from("");
      return frames;
    });
    const check = await client.execute("typeof (globalThis as any).tampered");
    expect(resultText(check.outputs)).toBe("'undefined'");
    expect(client.inboxes.shell.has((m) => m.parent_header.msg_id === bad || m.parent_header.msg_id === missing)).toBe(false);
    expect(client.stderr).toMatch(/dropped a message on shell: bad signature/);
    expect(client.stderr).toMatch(/dropped a message on shell: missing signature/);
  });

  it("stops an infinite synchronous loop on interrupt_request and keeps state", async () => {
    await client.execute("let survivor = 'still here';");
    const id = client.sendExecute('console.log("looping");\nwhile (true) {}');
    await running(id);
    const interrupt = await client.request("control", "interrupt_request", {});
    expect(interrupt.header.msg_type).toBe("interrupt_reply");
    expect(interrupt.content).toEqual({ status: "ok" });
    const reply = await client.reply("shell", id, 10_000);
    expect(reply.content).toMatchObject({ status: "error", ename: "Interrupted" });
    await client.idle(id);
    expect(resultText((await client.execute("survivor")).outputs)).toBe("'still here'");
  });

  it("stops an endless loop that runs after an await, in a function an earlier cell defined", async () => {
    await client.execute("let keptPastTheLoop = 'here';\nfunction spin(): void { let k = 0; for (;;) { k++; } }");
    for (const code of [
      'await new Promise((r) => setTimeout(r, 10));\nconsole.log("spinning");\nwhile (true) {}',
      'await null;\nconsole.log("spinning");\nspin();',
      'await null;\nconsole.log("spinning");\nlet n = 0;\nfor (;;) { if (++n % 1e6 === 0) console.log(n); }',
    ]) {
      const id = client.sendExecute(code);
      await running(id);
      await client.request("control", "interrupt_request", {});
      expect((await client.reply("shell", id)).content).toMatchObject({ status: "error", ename: "Interrupted" });
      await client.idle(id);
    }
    // Timers, promises and state all work afterwards.
    const after = await client.execute("await new Promise((r) => setTimeout(r, 10));\nkeptPastTheLoop + '!'");
    expect(resultText(after.outputs)).toBe("'here!'");
  });

  it("stops loops in functions the JIT has optimized (their check reads the flag each time)", async () => {
    await client.execute(
      "function hotSum(n: number): number { let s = 0; for (let i = 0; i < n; i++) { s += i; } return s; }\n" +
        "function hotScale(a: Float32Array, n: number): number { for (let r = 0; r < n; r++) { for (let i = 0; i < a.length; i++) { a[i] = a[i] * 0.5 + 1; } } return a[0]!; }\n" +
        "for (let j = 0; j < 3000; j++) hotSum(1e5);\nconst hotArray = new Float32Array(1000);\nfor (let j = 0; j < 3000; j++) hotScale(hotArray, 10);",
    );
    for (const call of ["hotSum(1e15)", "hotScale(hotArray, 1e12)"]) {
      const id = client.sendExecute(`await null;\nconsole.log("go");\n${call}`);
      await running(id);
      await client.request("control", "interrupt_request", {});
      expect((await client.reply("shell", id)).content).toMatchObject({ status: "error", ename: "Interrupted" });
      await client.idle(id);
    }
  });

  it("stops the awaited work too, not only the cell: an async loop that yields ends at its next check", async () => {
    const id = client.sendExecute(
      'let ticks = 0;\nasync function train(): Promise<void> { for (;;) { ticks++; await new Promise((r) => setTimeout(r, 5)); } }\nconsole.log("training");\nawait train();',
    );
    await running(id);
    await client.request("control", "interrupt_request", {});
    expect((await client.reply("shell", id)).content).toMatchObject({ status: "error", ename: "Interrupted" });
    await client.idle(id);
    const ticks = async (): Promise<string | undefined> => {
      await new Promise((r) => setTimeout(r, 150));
      return resultText((await client.execute("ticks")).outputs);
    };
    const first = await ticks();
    expect(await ticks()).toBe(first);
  });

  it("stops an endless loop in a cell's timer after the cell ended, reporting it, and lives on", async () => {
    const id = client.sendExecute('setTimeout(() => { console.log("timer spinning"); for (;;) {} }, 50);');
    expect((await client.reply("shell", id)).content["status"]).toBe("ok");
    await running(id);
    await client.request("control", "interrupt_request", {});
    const error = await client.inboxes.iopub.take((m) => m.header.msg_type === "error" && m.parent_header.msg_id === id, 10_000, "the timer's error");
    expect(error.content).toMatchObject({ ename: "Interrupted" });
    expect(resultText((await client.execute("'alive'")).outputs)).toBe("'alive'");
  });

  it("stops an awaiting cell on interrupt_request, and a synchronous loop on SIGINT", async () => {
    const waiting = client.sendExecute('console.log("waiting");\nawait new Promise(() => {})');
    await running(waiting);
    await client.request("control", "interrupt_request", {});
    expect((await client.reply("shell", waiting)).content).toMatchObject({ status: "error", ename: "Interrupted" });
    await client.idle(waiting);

    const looping = client.sendExecute('console.log("looping");\nfor (;;) {}');
    await running(looping);
    client.kernel.kill("SIGINT");
    expect((await client.reply("shell", looping)).content).toMatchObject({ status: "error", ename: "Interrupted" });
    await client.idle(looping);
    expect(resultText((await client.execute("1 + 1")).outputs)).toBe("2");
  });

  it("survives interrupts that land as a cell ends or while it awaits, and each hits only its own cell", async () => {
    await client.execute("let keptThroughInterrupts = 42;");
    for (let i = 0; i < 40; i++) {
      for (const code of [`console.log("ending"); ${i}`, 'console.log("waiting");\nawait new Promise(() => {})']) {
        const id = client.sendExecute(code);
        await running(id);
        await client.request("control", "interrupt_request", {});
        const status = (await client.reply("shell", id)).content["status"];
        // The first cell may finish before the interrupt reaches it; the second never does.
        expect(code.includes("await") ? ["error"] : ["ok", "error"]).toContain(status);
        await client.idle(id);
      }
    }
    expect(client.kernel.exitCode).toBeNull();
    expect(resultText((await client.execute("keptThroughInterrupts")).outputs)).toBe("42");
  });

  it("aborts queued executions after an error when stop_on_error, and runs them when not", async () => {
    const failing = client.sendExecute('throw new Error("first fails")');
    const queued = client.sendExecute("globalThis.ranAfter = true");
    expect((await client.reply("shell", failing)).content["status"]).toBe("error");
    expect((await client.reply("shell", queued)).content["status"]).toBe("aborted");
    await client.idle(queued);

    // A request sent once the client has the failure's reply is not aborted, however soon it follows.
    for (let i = 0; i < 5; i++) {
      const failed = client.sendExecute(`throw new Error("fail ${i}")`);
      await client.reply("shell", failed);
      const next = client.sendExecute(`${i} * 2`);
      expect((await client.reply("shell", next)).content["status"]).toBe("ok");
      await client.idle(next);
    }

    const failing2 = client.sendExecute('throw new Error("fails again")', { stop_on_error: false });
    const queued2 = client.sendExecute("(globalThis as any).ranAfter = 'yes'; (globalThis as any).ranAfter");
    expect((await client.reply("shell", failing2)).content["status"]).toBe("error");
    expect((await client.reply("shell", queued2)).content["status"]).toBe("ok");
    expect(resultText(await client.idle(queued2))).toBe("'yes'");
  });

  it("after a failure with stop_on_error, still serves the waiting requests that are not executions, in order", async () => {
    const failing = client.sendExecute('console.log("started");\nawait new Promise((r) => setTimeout(r, 300));\nthrow new Error("fails late")');
    await running(failing);
    const info = client.send("shell", "kernel_info_request", {});
    const queued = client.sendExecute("(globalThis as any).ranAfterLateFailure = true");
    const complete = client.send("shell", "is_complete_request", { code: "let x = (" });
    expect((await client.reply("shell", failing)).content["status"]).toBe("error");
    const replies = [await client.reply("shell", info), await client.reply("shell", queued), await client.reply("shell", complete)];
    expect(replies.map((m) => [m.header.msg_type, m.content["status"]])).toEqual([
      ["kernel_info_reply", "ok"],
      ["execute_reply", "aborted"],
      ["is_complete_reply", "incomplete"],
    ]);
    for (const id of [info, queued, complete]) await client.idle(id);
    expect(resultText((await client.execute("typeof (globalThis as any).ranAfterLateFailure")).outputs)).toBe("'undefined'");
  });

  it("turns process.exit() in a cell into an error and stays alive", async () => {
    const { reply } = await client.execute("process.exit(3)");
    expect(reply.content).toMatchObject({ status: "error", ename: "ProcessExit" });
    expect(String(reply.content["evalue"])).toContain("process.exit(3)");
    expect(client.kernel.exitCode).toBeNull();
    expect(resultText((await client.execute("'alive'")).outputs)).toBe("'alive'");
  });

  it("asks the front end for input on stdin for prompt(), and refuses when stdin is not allowed", async () => {
    const id = client.sendExecute('const name = prompt("Your name: ");\n`hello ${name}`', { allow_stdin: true });
    const request = await client.inboxes.stdin.take(() => true, 10_000, "input_request");
    expect(request.header.msg_type).toBe("input_request");
    expect(request.parent_header.msg_id).toBe(id);
    expect(request.content).toEqual({ prompt: "Your name: ", password: false });
    client.send("stdin", "input_reply", { value: "Ada" });
    expect((await client.reply("shell", id)).content["status"]).toBe("ok");
    expect(resultText(await client.idle(id))).toBe("'hello Ada'");

    const refused = await client.execute('prompt("x")', { allow_stdin: false });
    expect(refused.reply.content).toMatchObject({ status: "error", ename: "StdinNotAvailableError" });
  });

  it("stops a cell waiting in prompt() on interrupt_request, and the next prompt() works", async () => {
    await client.execute("let beforePrompt = 'kept';");
    const id = client.sendExecute('const answer = prompt("Waiting: ");\nanswer', { allow_stdin: true });
    await client.inboxes.stdin.take((m) => m.parent_header.msg_id === id, 10_000, "input_request");
    await client.request("control", "interrupt_request", {});
    expect((await client.reply("shell", id)).content).toMatchObject({ status: "error", ename: "Interrupted" });
    await client.idle(id);

    const again = client.sendExecute('prompt("Again: ") + "!"', { allow_stdin: true });
    await client.inboxes.stdin.take((m) => m.parent_header.msg_id === again, 10_000, "input_request");
    client.send("stdin", "input_reply", { value: "yes" });
    expect((await client.reply("shell", again)).content["status"]).toBe("ok");
    expect(resultText(await client.idle(again))).toBe("'yes!'");
    expect(resultText((await client.execute("beforePrompt")).outputs)).toBe("'kept'");
  });

  it("reports errors thrown later by a cell's timers without dying", async () => {
    const { reply } = await client.execute('setTimeout(() => { throw new RangeError("late") }, 300);');
    expect(reply.content["status"]).toBe("ok");
    const late = await client.inboxes.iopub.take((m) => m.header.msg_type === "error" && m.content["evalue"] === "late", 5000, "late error");
    expect(late.content["ename"]).toBe("RangeError");
    expect((late.content["traceback"] as string[]).join("\n")).toMatch(/Cell In\[\d+\]:1:/);
    expect(resultText((await client.execute("'still alive'")).outputs)).toBe("'still alive'");
  });

  it("echoes heartbeats", async () => {
    const { Request } = await import("zeromq");
    const hb = new Request();
    hb.connect(`tcp://127.0.0.1:${client.info.hb_port}`);
    await hb.send("ping");
    const [pong] = await hb.receive();
    expect(pong!.toString()).toBe("ping");
    hb.close();
  });

  it("shuts down on shutdown_request with restart, replying first", async () => {
    const id = client.send("control", "shutdown_request", { restart: true });
    const reply = await client.reply("control", id);
    expect(reply.content).toEqual({ status: "ok", restart: true });
    expect(await client.waitForExit()).toBe(0);
  });
});

describe("the kernel's lifetime", () => {
  it("exits when the process that started it (JPY_PARENT_PID) is gone", async () => {
    const { spawn } = await import("node:child_process");
    // A parent that is already dead: a finished child's pid.
    const parent = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => parent.once("exit", resolve));
    const client = await TestClient.start({ env: { ...process.env, JPY_PARENT_PID: String(parent.pid) } });
    try {
      expect(await client.waitForExit(15_000)).toBe(0);
    } finally {
      await client.close();
    }
  }, 30_000);

  it("exits with an error when its ports are taken, instead of hanging", async () => {
    const first = await TestClient.start();
    const { spawn } = await import("node:child_process");
    const second = spawn(first.kernel.spawnargs[0]!, first.kernel.spawnargs.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    second.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        second.once("exit", resolve);
        setTimeout(() => reject(new Error("the second kernel is still running")), 15_000).unref();
      });
      expect(code).toBe(1);
      expect(stderr).toMatch(/could not bind|address already in use/i);
    } finally {
      second.kill("SIGKILL");
      await first.close();
    }
  }, 30_000);
});
