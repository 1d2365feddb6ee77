// Shared helpers of the benchmarks: timing (median of several runs, min–max), tables, peers.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire, register } from "node:module";
import { dirname } from "node:path";

/** True when `--quick` was passed (fewer runs and steps, for a smoke check). */
export const quick = process.argv.includes("--quick");

/**
 * Runs `fn` in `runs` timed batches after a warm-up, each batch long enough to time (≥ minMs), and
 * returns the rate per batch: `work` units (FLOPs, steps…) per second.
 */
export function rates(fn, { work = 1, runs = quick ? 3 : 7, minMs = quick ? 40 : 150, warmup = 3 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= minMs / 4 || reps > 1e6) {
      reps = Math.max(1, Math.ceil((reps * minMs) / Math.max(dt, 1e-3)));
      break;
    }
    reps *= 4;
  }
  const out = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    out.push((reps * work) / ((performance.now() - t0) / 1000));
  }
  return out;
}

/** { median, min, max } of a list of numbers. */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}

/** "12.3 (11.9–12.8)" with `digits` decimals. */
export function fmtStats(xs, digits = 1) {
  const { median, min, max } = stats(xs);
  return `${median.toFixed(digits)} (${min.toFixed(digits)}–${max.toFixed(digits)})`;
}

/** Prints rows (arrays of cells) as an aligned text table under a header row. */
export function printTable(title, header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(`\n${title}`);
  console.log(line(all[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of all.slice(1)) console.log(line(r));
}

/** `a / b` as "1.23×". */
export const ratio = (a, b) => `${(a / b).toFixed(2)}×`;

/** TensorFlow.js with its cpu and wasm (SIMD, one thread) backends, the .wasm files read from node_modules. */
export async function loadTfjs() {
  const tf = await import("@tensorflow/tfjs-core");
  // The node bundle of tfjs-core has no gradients (the @tensorflow/tfjs union package adds them): register
  // them from tfjs-core's own ESM files, which share the bundle's global engine and registries.
  register("./tfjs-resolve-hook.js", import.meta.url);
  await import("@tensorflow/tfjs-core/dist/register_all_gradients.js");
  await import("@tensorflow/tfjs-backend-cpu");
  const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"))}/`);
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  return tf;
}

/** Debian's Python with torch, when installed. */
export const PYTHON = "/usr/bin/python3";

export function hasTorch() {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
}

/** A short description of this machine for the tables. */
export async function machine() {
  const os = await import("node:os");
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? "?"} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)}`;
}
