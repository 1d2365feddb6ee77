// No leak: 100,000 training steps of the digits MLP (--quick: 20,000) and the process memory after
// 20,000 warm-up steps. Prints RSS and JS heap every tenth of the run; RSS should
// stay flat within a few MB.
import { memory } from "../dist/index.js";
import { tsgradStep } from "./train-step.js";
import { printTable, quick } from "./lib.js";

const MiB = 2 ** 20;

export async function run({ steps = quick ? 20_000 : 100_000 } = {}) {
  const step = tsgradStep();
  // During the first ~20k steps V8 raises its heap limits a few times (RSS +20–40 MiB in steps); the
  // measurement starts after that, and the growth during warm-up is printed too.
  const warmup = 20_000;
  const before = process.memoryUsage().rss;
  for (let i = 0; i < warmup; i++) step();
  const afterWarmup = process.memoryUsage().rss;
  const samples = [];
  const t0 = performance.now();
  const every = steps / 10;
  for (let i = 1; i <= steps; i++) {
    step();
    if (i % every === 0) {
      // A full collection first (run.js passes --expose-gc), so the figures are live memory, not garbage.
      globalThis.gc?.();
      const m = process.memoryUsage();
      samples.push({ step: i, rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers, saved: memory.savedBytes() });
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  printTable(
    `No leak — ${steps.toLocaleString("en")} training steps of the digits MLP after ${warmup.toLocaleString("en")} warm-up steps (${(steps / seconds).toFixed(0)} steps/s)`,
    [`step${globalThis.gc ? " (after a full GC)" : ""}`, "RSS MiB", "JS heap MiB", "external + array buffers MiB", "saved for backward (bytes)"],
    samples.map((s) => [s.step.toLocaleString("en"), (s.rss / MiB).toFixed(1), (s.heap / MiB).toFixed(1), (s.external / MiB).toFixed(1), String(s.saved)]),
  );
  const rss = samples.map((s) => s.rss);
  const drift = (rss[rss.length - 1] - rss[0]) / MiB;
  const spread = (Math.max(...rss) - Math.min(...rss)) / MiB;
  console.log(`RSS during warm-up: ${(before / MiB).toFixed(1)} → ${(afterWarmup / MiB).toFixed(1)} MiB`);
  console.log(`RSS from the first to the last sample: ${drift >= 0 ? "+" : ""}${drift.toFixed(1)} MiB (max − min ${spread.toFixed(1)} MiB)`);
  return { drift, spread, steps, warmupGrowth: (afterWarmup - before) / MiB };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
