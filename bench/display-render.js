// How long the displays take to render large inputs, against the budget of a live display (it
// redraws at most 10 times a second, so a frame must fit well inside 100 ms). Best of several runs:
// a live chart redraws again and again, so the first run's JIT warm-up is not what a user waits on.
import { formatTensorLike } from "../dist/display/tensor-format.js";
import { tensorBundle } from "../dist/display/tensor-view.js";
import { lossCurveBundle, TrainingLog } from "../dist/display/training-log.js";
import { toMimeBundle } from "../dist/display/mime-bundle.js";
import { randn } from "../dist/index.js";
import { printTable, quick, stats } from "./lib.js";

function times(fn, runs) {
  const out = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export async function run() {
  const runs = quick ? 3 : 9;
  const log = new TrainingLog();
  for (let step = 0; step < 200_000; step++) {
    log.log("standard", { step, loss: 1 / (step + 1) });
    log.log("accumulated", { step, loss: 1.1 / (step + 1), accuracy: step / 200_000 });
  }
  const big = randn([1000, 1000], { requiresGrad: true });
  big.grad = randn([1000, 1000]);
  const plain = { shape: [1000, 1000], dtype: "float32", data: big.data, requiresGrad: true };
  const cases = [
    ["loss curve of 2 × 200,000 logged steps (SVG)", 60, () => lossCurveBundle(log)],
    ["1e6-element tensor with its grad (HTML card + text)", 250, () => tensorBundle(big)],
    ["1e6-element tensor through toMimeBundle", 250, () => toMimeBundle(big)],
    ["1e6-element tensor printed (text/plain)", 50, () => formatTensorLike(plain)],
  ];
  const rows = cases.map(([name, budget, fn]) => {
    const t = stats(times(fn, runs));
    return [name, `${t.min.toFixed(1)} ms`, `${t.median.toFixed(1)} ms`, `${budget} ms`, `${(budget / t.min).toFixed(1)}×`];
  });
  printTable("Display rendering — best and median of runs, against the budget", ["what", "best", "median", "budget", "headroom"], rows);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
  process.exit(0);
}
