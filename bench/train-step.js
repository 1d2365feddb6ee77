// Training steps per second of the notebooks' digits MLP (64→128→10, batch 32, forward + backward +
// SGD step): tsgrad against PyTorch CPU (Debian's python3-torch, two threads and one, bench/torch_step.py)
// and TensorFlow.js (cpu and wasm backends), same model, batch and optimizer.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { manualSeed, nn, optim, randint, randn, setBackend } from "../dist/index.js";
import { PYTHON, fmtStats, hasTorch, loadTfjs, printTable, quick, rates, ratio, stats } from "./lib.js";

/** One tsgrad training step function over a fixed batch. */
export function tsgradStep() {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(64, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const lossFn = new nn.CrossEntropyLoss();
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const x = randn([32, 64]);
  const y = randint(0, 10, [32]);
  return () => {
    opt.zeroGrad();
    lossFn.forward(model.forward(x), y).backward();
    opt.step();
  };
}

function tfjsStep(tf) {
  const w1 = tf.variable(tf.randomUniform([64, 128], -0.125, 0.125));
  const b1 = tf.variable(tf.zeros([128]));
  const w2 = tf.variable(tf.randomUniform([128, 10], -0.088, 0.088));
  const b2 = tf.variable(tf.zeros([10]));
  const x = tf.randomNormal([32, 64]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 10), "int32"), 10);
  const opt = tf.train.sgd(0.01);
  return () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2)), true, [w1, b1, w2, b2]);
    loss.dataSync();
    loss.dispose();
  };
}

function torchRates(threads) {
  if (!hasTorch()) return null;
  const script = fileURLToPath(new URL("./torch_step.py", import.meta.url));
  const r = spawnSync(PYTHON, [script, quick ? "500" : "2000", quick ? "3" : "7", String(threads)], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`train-step: ${script} failed: ${r.stderr}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

export async function run() {
  const opts = { runs: quick ? 3 : 7, minMs: quick ? 150 : 500, warmup: 1000 };
  setBackend("wasm");
  const ours = rates(tsgradStep(), opts);
  setBackend("js");
  const oursJs = rates(tsgradStep(), opts);
  setBackend("wasm");
  const tf = await loadTfjs();
  const peers = {};
  for (const backend of ["cpu", "wasm"]) {
    await tf.setBackend(backend);
    peers[backend] = rates(tfjsStep(tf), { ...opts, warmup: 50 });
  }
  const torch = torchRates(2);
  // One thread as well: on a shared 2-core machine two OpenMP threads swing with the other load.
  const torch1 = torch ? torchRates(1) : null;
  const m = (xs) => stats(xs).median;
  const rows = [
    ["tsgrad (wasm kernels)", fmtStats(ours, 0), "1.00×"],
    ["tsgrad (js fallback)", fmtStats(oursJs, 0), ratio(m(oursJs), m(ours))],
    ["tfjs cpu", fmtStats(peers.cpu, 0), ratio(m(peers.cpu), m(ours))],
    ["tfjs wasm (1 thread)", fmtStats(peers.wasm, 0), ratio(m(peers.wasm), m(ours))],
    torch
      ? [`PyTorch ${torch.torch} CPU, ${torch.threads} threads`, fmtStats(torch.stepsPerSecond, 0), ratio(m(torch.stepsPerSecond), m(ours))]
      : ["PyTorch (not installed: /usr/bin/python3 -c 'import torch' failed)", "-", "-"],
  ];
  if (torch1) rows.push([`PyTorch ${torch1.torch} CPU, 1 thread`, fmtStats(torch1.stepsPerSecond, 0), ratio(m(torch1.stepsPerSecond), m(ours))]);
  printTable("Training step, digits MLP 64→128→10, batch 32, SGD — steps/s, median (min–max); last column: peer ÷ tsgrad", ["", "steps/s", "÷ tsgrad"], rows);
  const summary = { tsgrad: m(ours), tsgradJs: m(oursJs), tfjsCpu: m(peers.cpu), tfjsWasm: m(peers.wasm), torch: torch ? m(torch.stepsPerSecond) : null, torch1: torch1 ? m(torch1.stepsPerSecond) : null };
  console.log(
    `tsgrad ÷ tfjs cpu = ${ratio(summary.tsgrad, summary.tfjsCpu)} (target ≥ 3×); ` +
      (summary.torch
        ? `tsgrad ÷ PyTorch (2 threads) = ${ratio(summary.tsgrad, summary.torch)} (target ≥ 1×); ÷ PyTorch (1 thread) = ${ratio(summary.tsgrad, summary.torch1)}`
        : "PyTorch not measured"),
  );
  return summary;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
