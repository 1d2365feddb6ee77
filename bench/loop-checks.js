// What the kernel's loop checks cost (src/kernel/loop-checks.ts): the same functions defined in a
// cell, where every loop body starts with a check of the interrupt flag, and compiled as plain
// JavaScript in the same process. The tensor workload's time is in the library, whose loops carry
// no checks.
import vm from "node:vm";
import { createEngine } from "../dist/kernel/kernel.js";
import { SharedState } from "../dist/kernel/shared-state.js";
import { fmtStats, printTable, quick, rates, ratio, stats } from "./lib.js";

/** Each workload as source that is both a TypeScript cell and plain JavaScript. */
const workloads = [
  { name: "trivial loop (s += i), 10⁶ iterations", work: 1e6, unit: "M it/s", scale: 1e-6,
    source: "function tight(n) { let s = 0; for (let i = 0; i < n; i++) { s += i; } return s; }", call: (f) => f(1e6) },
  { name: "Float32Array a[i] = a[i]·0.5 + 1, 10⁵ elements", work: 1e5, unit: "M el/s", scale: 1e-6,
    source: "function scale(a) { for (let i = 0; i < a.length; i++) { a[i] = a[i] * 0.5 + 1; } return a[0]; }", call: (f, a) => f(a) },
  { name: "tensor loop: Linear 64→10 forward + backward, batch 32, ×10", work: 10, unit: "steps/s", scale: 1,
    source: "function steps(n) { const x = randn([32, 64]); const l = new nn.Linear(64, 10); for (let i = 0; i < n; i++) { l.forward(x).sum().backward(); } return n; }", call: (f) => f(10) },
];

export async function run() {
  // Untyped parameters are fine for a cell: the engine's converter does not run with noImplicitAny.
  const { engine } = await createEngine(process.cwd(), new SharedState());
  const array = new Float32Array(1e5);
  const rows = [];
  for (const w of workloads) {
    const name = /function (\w+)/.exec(w.source)[1];
    const defined = await engine.execute(`${w.source}\n${name}`, "bench");
    if (defined.status !== "ok" || !defined.hasValue) throw new Error(`cell failed: ${JSON.stringify(defined)}`);
    const inCell = defined.value;
    const plain = vm.runInThisContext(`(${w.source})`);
    const opts = { work: w.work, runs: quick ? 3 : 9, warmup: quick ? 3 : 20 };
    // Alternate the two so that the machine's load falls on both alike.
    const cellRates = [];
    const plainRates = [];
    for (let r = 0; r < (quick ? 1 : 3); r++) {
      cellRates.push(...rates(() => w.call(inCell, array), opts));
      plainRates.push(...rates(() => w.call(plain, array), opts));
    }
    rows.push([
      w.name,
      `${fmtStats(cellRates.map((x) => x * w.scale), 1)} ${w.unit}`,
      `${fmtStats(plainRates.map((x) => x * w.scale), 1)} ${w.unit}`,
      ratio(stats(plainRates).median, stats(cellRates).median),
    ]);
  }
  printTable(
    "Loop checks — the same function defined in a cell (loops checked for interrupts) and as plain JavaScript; median (min–max)",
    ["workload", "in a cell", "plain JavaScript", "cell slower by"],
    rows,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
