// Peak memory of one optimizer step over 256 samples: one batch of 256 against 8 accumulated
// micro-batches of 32. The model is an MLP applied at every position of a [N, 64, 256] input (as a
// transformer's feed-forward block), so the saved activations (N·64·256 floats per tensor) dominate
// the parameters (4 layers of 256×256). Each configuration runs in its own process (clean RSS).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { memory, manualSeed, nn, optim, randn } from "../dist/index.js";
import { printTable, quick } from "./lib.js";

const POSITIONS = 64;
const WIDTH = 256;
const LAYERS = 4;
const SAMPLES = 256;
const MiB = 2 ** 20;

/** Child: `steps` optimizer steps of `micro` micro-batches; prints peaks as JSON. */
function child(micro, steps) {
  manualSeed(0);
  const layers = [];
  for (let i = 0; i < LAYERS; i++) layers.push(new nn.Linear(WIDTH, WIDTH), new nn.ReLU());
  const model = new nn.Sequential(...layers, new nn.Linear(WIDTH, 8));
  const lossFn = new nn.MSELoss();
  const opt = new optim.SGD(model.parameters(), { lr: 1e-3 });
  const size = SAMPLES / micro;
  const xs = [];
  const ys = [];
  for (let i = 0; i < micro; i++) {
    xs.push(randn([size, POSITIONS, WIDTH]));
    ys.push(randn([size, POSITIONS, 8]));
  }
  const step = (sample) => {
    opt.zeroGrad();
    for (let i = 0; i < micro; i++) {
      const loss = lossFn.forward(model.forward(xs[i]), ys[i]).div(micro);
      sample();
      loss.backward();
    }
    opt.step();
  };
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  memory.resetPeak();
  let peakRss = base;
  for (let s = 0; s < steps; s++) step(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)));
  console.log(JSON.stringify({ baseRss: base, peakRss, peakSaved: memory.peakSavedBytes() }));
}

export async function run() {
  const self = fileURLToPath(import.meta.url);
  const results = {};
  for (const micro of [1, 8]) {
    const r = spawnSync(process.execPath, ["--expose-gc", self, "--child", String(micro), quick ? "2" : "4"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`accumulation-memory child failed: ${r.stderr}`);
    results[micro] = JSON.parse(r.stdout.trim().split("\n").pop());
  }
  const one = results[1];
  const acc = results[8];
  const row = (label, r) => [
    label, (r.peakSaved / MiB).toFixed(1), (r.peakRss / MiB).toFixed(0), ((r.peakRss - r.baseRss) / MiB).toFixed(0),
  ];
  printTable(
    `Accumulation memory — MLP ${LAYERS}×Linear(${WIDTH},${WIDTH})+ReLU at each of ${POSITIONS} positions, ${SAMPLES} samples per optimizer step (MiB)`,
    ["", "peak saved activations", "peak RSS", "peak RSS − RSS before the first step"],
    [row("1 × 256", one), row("8 × 32 accumulated", acc)],
  );
  const savedRatio = acc.peakSaved / one.peakSaved;
  const rssRatio = (acc.peakRss - acc.baseRss) / (one.peakRss - one.baseRss);
  console.log(`saved activations 8×32 ÷ 1×256 = ${savedRatio.toFixed(3)} (expected ≈ 1/8 = 0.125); RSS growth ratio = ${rssRatio.toFixed(2)}`);
  return { savedRatio, rssRatio, one, acc };
}

const i = process.argv.indexOf("--child");
if (i >= 0) child(Number(process.argv[i + 1]), Number(process.argv[i + 2]));
else if (import.meta.url === `file://${process.argv[1]}`) await run();
