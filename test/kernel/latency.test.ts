// Latency beside plain tslab, measured in the same run: start-up (spawn to first kernel_info reply)
// and the round trip of a trivial cell (execute_request to idle). The budget: no more than
// 0.5 s slower at start and 10% per cell. Timing on a shared machine is noisy, so this runs only
// with TSGRAD_BENCH=1 (e.g. `TSGRAD_BENCH=1 npx vitest run test/kernel/latency.test.ts`).
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TestClient } from "./client.js";
import type { StartOptions } from "./client.js";

const tslabBin = path.join(path.dirname(createRequire(import.meta.url).resolve("tslab/package.json")), "bin", "tslab");
const kernels: Record<string, StartOptions> = {
  tsgrad: {},
  tslab: { argv: [process.execPath, tslabBin, "kernel", "--config-path", "{connection_file}"] },
};

async function measure(options: StartOptions, cells: number): Promise<{ startMs: number; cellMs: number }> {
  const started = performance.now();
  const client = await TestClient.start(options);
  const startMs = performance.now() - started;
  try {
    await client.execute("let warm = 1 + 1");
    const times: number[] = [];
    for (let i = 0; i < cells; i++) {
      const t = performance.now();
      await client.execute(`${i} + 1`);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { startMs, cellMs: times[Math.floor(times.length / 2)]! };
  } finally {
    await client.close();
  }
}

describe.skipIf(process.env["TSGRAD_BENCH"] !== "1")("kernel latency beside tslab", () => {
  it("starts within 0.5 s of tslab and runs a trivial cell within 10% of it", async () => {
    const results: Record<string, { startMs: number; cellMs: number }> = {};
    for (const round of [0, 1]) {
      for (const [name, options] of Object.entries(kernels)) {
        const r = await measure(options, 30);
        // Keep each kernel's best round: the least disturbed by other work on the machine.
        const best = results[name];
        results[name] = best ? { startMs: Math.min(best.startMs, r.startMs), cellMs: Math.min(best.cellMs, r.cellMs) } : r;
        void round;
      }
    }
    const { tsgrad, tslab } = results as Record<"tsgrad" | "tslab", { startMs: number; cellMs: number }>;
    console.log(
      `start-up: tsgrad ${tsgrad.startMs.toFixed(0)} ms, tslab ${tslab.startMs.toFixed(0)} ms (+${(tsgrad.startMs - tslab.startMs).toFixed(0)} ms)\n` +
        `trivial cell (median of 30): tsgrad ${tsgrad.cellMs.toFixed(1)} ms, tslab ${tslab.cellMs.toFixed(1)} ms (ratio ${(tsgrad.cellMs / tslab.cellMs).toFixed(2)})`,
    );
    expect(tsgrad.startMs - tslab.startMs).toBeLessThan(500);
    expect(tsgrad.cellMs / tslab.cellMs).toBeLessThan(1.1);
  }, 180_000);
});
