// Code the kernel cannot stop or survive: it says so on iopub (and in the runner) instead of
// hanging silently or dying without a word.
import { afterEach, describe, expect, it } from "vitest";
import { outOfMemoryCause } from "../../src/notebook/zmq-kernel.js";
import { TestClient } from "./client.js";

describe("runaway code", () => {
  let client: TestClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  for (const [what, code] of [
    ["an endless promise chain", 'console.log("spinning");\nconst spin = (): Promise<void> => Promise.resolve().then(spin);\nspin();\nawait new Promise(() => {});'],
    ["a loop built by new Function after an await", 'console.log("spinning");\nawait null;\nnew Function("for (;;) {}")();'],
  ] as const) {
    it(`says an interrupt cannot stop ${what}, and restarts cleanly`, async () => {
      client = await TestClient.start();
      const id = client.sendExecute(code);
      await client.inboxes.iopub.take((m) => m.parent_header.msg_id === id && m.header.msg_type === "stream", 10_000, "the cell's first output");
      await new Promise((resolve) => setTimeout(resolve, 200));
      await client.reply("control", client.send("control", "interrupt_request", {}));
      const note = await client.inboxes.iopub.take(
        (m) => m.parent_header.msg_id === id && m.header.msg_type === "stream" && String(m.content["text"]).includes("did not stop"),
        20_000,
        "the kernel's note",
      );
      expect(String(note.content["text"])).toMatch(/Restart the kernel/);
      // The restart Jupyter does: shutdown_request on control; the process ends though the cell never yields.
      client.send("control", "shutdown_request", { restart: true });
      await client.waitForExit(10_000);
    }, 60_000);
  }

  it("warns on iopub, with the heap limit and how to raise it, before running out of memory", async () => {
    client = await TestClient.start({ env: { ...process.env, NODE_OPTIONS: "--max-old-space-size=700" } });
    const id = client.sendExecute("const hog: number[][] = [];\nfor (;;) hog.push(new Array(1e6).fill(1.5));");
    const note = await client.inboxes.iopub.take(
      (m) => m.parent_header.msg_id === id && m.header.msg_type === "stream" && String(m.content["text"]).includes("memory limit"),
      60_000,
      "the memory warning",
    );
    expect(String(note.content["text"])).toMatch(/of the \d+ MB JavaScript heap limit.*--max-old-space-size=\d+/s);
    // V8 then ends the process; the runner names the cause.
    await client.waitForExit(60_000);
    expect(client.stderr).toMatch(/heap out of memory|Reached heap limit/);
    expect(outOfMemoryCause(client.stderr, 734 * 1024 * 1024)).toMatch(/ran out of memory \(the JavaScript heap limit, about 734 MB.*--max-old-space-size=1468/);
  }, 120_000);
});
