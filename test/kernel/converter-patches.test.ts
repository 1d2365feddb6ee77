// The engine's odd corners an adversarial run found: names with two leading underscores, earlier
// cells' variables in shorthand properties and names matching their properties, imports of ".ts"
// files, async Jupyter.display methods, and errors from an earlier cell's timers.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { patchConverter } from "../../src/kernel/converter-patches.js";
import { converterPath } from "../../src/kernel/tslab.js";
import { readFileSync } from "node:fs";
import { resultText, TestClient } from "./client.js";

describe("converter patches", () => {
  it("apply to the installed tslab (a tslab that changed fails here, naming the patch)", () => {
    const patched = patchConverter(readFileSync(converterPath, "utf8"));
    expect(patched).toContain("unescapeLeadingUnderscores");
    expect(() => patchConverter("nothing to patch")).toThrow(/tslab's converter changed: cannot apply the patch to export the cell's locals/);
  });
});

describe("the engine's odd corners, through the kernel", () => {
  let client: TestClient;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "tsgrad-corners-"));
    writeFileSync(path.join(dir, "helper.ts"), "export function twice(x: number): number {\n  return 2 * x;\n}\n");
    client = await TestClient.start({ cwd: dir });
  });
  afterAll(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("compiles identifiers with two leading underscores, in the cell and in later ones", async () => {
    const first = await client.execute("const __x = 1;\nlet __y: number = 2;\n__x + __y");
    expect(first.reply.content["status"]).toBe("ok");
    expect(resultText(first.outputs)).toBe("3");
    expect(resultText((await client.execute("__x + __y + 1")).outputs)).toBe("4");
  });

  it("reads an earlier cell's variables through shorthand properties, and leaves property names that match its properties alone", async () => {
    const ok = async (code: string): Promise<string | undefined> => {
      const run = await client.execute(code);
      expect(run.reply.content["status"], `${code}: ${JSON.stringify(run.reply.content)}`).toBe("ok");
      return resultText(run.outputs);
    };
    await ok("const steps = 3;\nconst opts = { steps: 5, lr: 0.1 };");
    // Each of these failed before the patches ("Cannot access 'exports' before initialization" or "steps is not defined").
    expect(await ok("let doubled = 0;\n{\n  const { steps: n } = opts;\n  doubled = n * 2;\n}\ndoubled")).toBe("10");
    expect(await ok("const config = { steps, lr: opts.lr };\nJSON.stringify(config)")).toBe("'{\"steps\":3,\"lr\":0.1}'");
    expect(await ok("function takeSteps({ steps: s }: typeof opts): number { return s; }\ntakeSteps(opts)")).toBe("5");
    expect(await ok("const { steps: m, ...rest } = opts;\n[m, rest.lr].join()")).toBe("'5,0.1'");
    expect(await ok("class Counter { steps = 1; total(): number { return this.steps + steps; } }\nnew Counter().total()")).toBe("4");
  });

  it('imports a TypeScript file by its ".ts" name', async () => {
    const run = await client.execute('import { twice } from "./helper.ts";\ntwice(21)');
    expect(run.reply.content["status"]).toBe("ok");
    expect(resultText(run.outputs)).toBe("42");
  });

  it("awaits an async Jupyter.display method and shows its bundle", async () => {
    const run = await client.execute(
      '({ async [Symbol.for("Jupyter.display")]() { await new Promise((r) => setTimeout(r, 10)); return { "text/html": "<b>later</b>", "text/plain": "later" }; } })',
    );
    const result = run.outputs.find((m) => m.header.msg_type === "execute_result");
    expect(result?.content["data"]).toEqual({ "text/html": "<b>later</b>", "text/plain": "later" });
  });

  it("labels an error thrown by an earlier cell's timer with the cell it came from", async () => {
    const id = client.sendExecute('setTimeout(() => { throw new Error("late failure"); }, 300);');
    await client.reply("shell", id);
    const next = client.sendExecute("await new Promise((r) => setTimeout(r, 1000));");
    const error = await client.inboxes.iopub.take((m) => m.header.msg_type === "error" && m.content["evalue"] === "late failure", 10_000, "the stray error");
    expect(error.parent_header.msg_id).toBe(next);
    const traceback = error.content["traceback"] as string[];
    expect(traceback[0]).toMatch(/^Uncaught Error in a callback Cell In\[\d+\] started \(a timer, an unawaited promise or an event\), not in the cell running now:$/);
    await client.reply("shell", next);
  });
});
