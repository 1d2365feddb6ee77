// Live displays through the real kernel and Jupyter's own client: a long loop's updates stay at a
// bounded rate and the last message carries the final state. Needs Debian's jupyter-client and a
// built dist/ (npm test's pretest builds it); skips without them unless TSGRAD_REQUIRE_JUPYTER=1.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const python = "/usr/bin/python3";
const root = fileURLToPath(new URL("../../", import.meta.url));
const script = fileURLToPath(new URL("./fixtures/display-messages.py", import.meta.url));
const haveJupyter = existsSync(python) && spawnSync(python, ["-c", "import jupyter_client"]).status === 0;
const built = existsSync(join(root, "dist/cli.js"));
const required = process.env.TSGRAD_REQUIRE_JUPYTER === "1";

interface CellReport {
  counts: Record<string, number>;
  last: Record<string, string>;
  seconds: number;
}

describe.skipIf(!(haveJupyter && built) && !required)("live displays through the kernel", () => {
  const jupyterPath = mkdtempSync(join(tmpdir(), "tsgrad-display-kernel-"));
  afterAll(() => rmSync(jupyterPath, { recursive: true, force: true }));

  function runCells(cells: string[]): CellReport[] {
    if (!haveJupyter || !built) throw new Error(`TSGRAD_REQUIRE_JUPYTER=1 but ${haveJupyter ? "dist/ is not built" : "jupyter_client is missing"}`);
    // A kernelspec of our own in a scratch JUPYTER_PATH: nothing is installed on the machine.
    const dir = join(jupyterPath, "kernels", "tsgrad-display-test");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "kernel.json"), JSON.stringify({ argv: [process.execPath, join(root, "bin/tsgrad.js"), "kernel", "-f", "{connection_file}"], display_name: "tsgrad (display test)", language: "typescript" }));
    const result = spawnSync(python, [script, "tsgrad-display-test"], { input: JSON.stringify(cells), env: { ...process.env, JUPYTER_PATH: jupyterPath }, encoding: "utf8", timeout: 180_000 });
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as CellReport[];
  }

  it("a 10,000-step progress loop, a live accumulation counter and a TrainingLog end in their final states", () => {
    const [bar, counter, curves] = runCells([
      // Enough work per step that the loop lasts about a second.
      `let s = 0;\nfor (const i of progress(Array.from({ length: 10000 }, (_, i) => i), { label: "loop" })) { for (let k = 0; k < 400; k++) s += Math.sqrt(k + i); }`,
      `const model = new nn.Linear(4, 2);\nconst acc = new optim.GradientAccumulator({ optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), steps: 4 });\nconst counter = accumulationCounter.live(acc);\nconst x = randn([8, 4]);\nfor (let i = 0; i < 400; i++) { acc.backward(model.forward(x).pow(2).mean(), 8); counter.update(); }`,
      `const log = new TrainingLog();\nlog.show();\nfor (let step = 0; step < 5000; step++) log.log("standard", { step, loss: 1 / (1 + step) });`,
    ]);
    for (const cell of [bar!, counter!, curves!]) {
      expect(cell.counts["error"] ?? 0, JSON.stringify(cell.last)).toBe(0);
      expect(cell.counts["display_data"]).toBe(1);
      // At most ~10 updates a second (plus the final flush), however many steps the loop takes.
      expect(cell.counts["update_display_data"] ?? 0).toBeLessThanOrEqual(Math.ceil(cell.seconds * 10) + 3);
    }
    expect(Object.values(bar!.last)[0]).toMatch(/^loop: 100%\|█+\| 10000\/10000 /);
    expect(Object.values(counter!.last)[0]).toMatch(/^micro-batch 4\/4 \[████\]  window items 32 · effective batch 32 · optimizer steps 100 · /);
    expect(Object.values(curves!.last)[0]).toContain("standard  step 4999  loss 2.00e-4");
  }, 200_000);
});
