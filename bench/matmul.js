// Matmul float32 GFLOP/s: tsgrad (WebAssembly SIMD kernel, one thread, and the plain-JS fallback)
// against TensorFlow.js's wasm (XNNPACK SIMD, one thread) and cpu backends, in the same process.
import { noGrad, randn, setBackend, manualSeed } from "../dist/index.js";
import { fmtStats, loadTfjs, printTable, quick, rates, ratio, stats } from "./lib.js";

const sizes = quick ? [64, 256] : [64, 128, 256, 512, 1024];

export async function run() {
  const tf = await loadTfjs();
  manualSeed(0);
  const rows = [];
  const summary = [];
  for (const n of sizes) {
    const flops = 2 * n * n * n;
    const slow = n >= 512 ? { runs: 3, minMs: 1, warmup: 1 } : {};
    const a = randn([n, n]);
    const b = randn([n, n]);
    const ours = {};
    for (const backend of ["wasm", "js"]) {
      setBackend(backend);
      ours[backend] = noGrad(() => rates(() => a.matmul(b), { work: flops / 1e9, ...(backend === "js" ? slow : {}) }));
    }
    // x·Wᵀ (the Linear layer's product; the transpose is a SIMD copy, the product the same kernel).
    setBackend("wasm");
    const bt = noGrad(() => rates(() => a.matmul(b.T), { work: flops / 1e9 }));
    const peers = {};
    for (const backend of ["wasm", "cpu"]) {
      await tf.setBackend(backend);
      const ta = tf.tensor2d(a.data, [n, n]);
      const tb = tf.tensor2d(b.data, [n, n]);
      peers[backend] = rates(() => {
        const c = tf.matMul(ta, tb);
        c.dataSync();
        c.dispose();
      }, { work: flops / 1e9, ...(backend === "cpu" ? slow : {}) });
      ta.dispose();
      tb.dispose();
    }
    const m = (xs) => stats(xs).median;
    // The per-call copies into and out of the module's memory: X and Y in, C out, as wasmGemm does.
    const staging = new Float32Array(3 * n * n);
    const cOut = new Float32Array(n * n);
    const copiesPerSecond = stats(rates(() => {
      staging.set(a.data, 0);
      staging.set(b.data, n * n);
      cOut.set(staging.subarray(2 * n * n));
    })).median;
    const copyShare = (m(ours.wasm) * 1e9) / flops / copiesPerSecond;
    rows.push([
      `${n}×${n}·${n}×${n}`, fmtStats(ours.wasm), fmtStats(bt), fmtStats(ours.js), fmtStats(peers.wasm), fmtStats(peers.cpu, 2),
      `${(100 * copyShare).toFixed(1)} %`, ratio(m(ours.wasm), m(peers.wasm)), ratio(m(ours.wasm), m(peers.cpu)),
    ]);
    summary.push({ n, ours: m(ours.wasm), oursT: m(bt), js: m(ours.js), tfWasm: m(peers.wasm), tfCpu: m(peers.cpu) });
  }
  setBackend("wasm");
  printTable(
    "Matmul float32, GFLOP/s, median (min–max) — tsgrad wasm = WebAssembly SIMD kernel, one thread; tfjs wasm = XNNPACK SIMD, one thread",
    ["size", "tsgrad wasm", "tsgrad a·bᵀ", "tsgrad js", "tfjs wasm", "tfjs cpu", "copies in/out", "vs tfjs wasm", "vs tfjs cpu"],
    rows,
  );
  return summary;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
