// Training steps per second of two small CNNs (forward + CrossEntropyLoss + backward + SGD with
// momentum): tsgrad against PyTorch CPU (bench/torch_cnn_step.py under Debian's /usr/bin/python3, one
// and two threads) and TensorFlow.js (wasm and cpu backends), same model, batch and optimizer, with the
// time of each phase of a step. The machine is shared, so tsgrad and PyTorch are measured in turns
// (several rounds), and each rate is given per wall-clock second and per second of the process's CPU time.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { manualSeed, nn, optim, randint, randn, setBackend } from "../dist/index.js";
import { PYTHON, fmtStats, hasTorch, loadTfjs, printTable, quick, ratio, stats } from "./lib.js";

/** The two models: the digits CNN of the lessons and a wider one on MNIST-sized images. */
export const MODELS = {
  digits: { c1: 16, c2: 32, batch: 64, size: 8, title: "digits CNN, 8×8, batch 64: Conv2d(1,16,3,p1) → ReLU → MaxPool2d(2) → Conv2d(16,32,3,p1) → ReLU → MaxPool2d(2) → Flatten → Linear(128,10)" },
  wide: { c1: 32, c2: 64, batch: 32, size: 28, title: "wide CNN, 28×28, batch 32: Conv2d(1,32,3,p1) → ReLU → MaxPool2d(2) → Conv2d(32,64,3,p1) → ReLU → MaxPool2d(2) → Flatten → Linear(3136,10)" },
};

const PHASES = ["zeroGrad", "forward", "loss", "backward", "step"];

/** A tsgrad training step over a fixed batch, timing its phases into `phases` (ms, summed). */
export function tsgradStep(m, phases) {
  manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, m.c1, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(m.c1, m.c2, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(m.c2 * (m.size / 4) ** 2, 10),
  );
  const lossFn = new nn.CrossEntropyLoss();
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = randn([m.batch, 1, m.size, m.size]);
  const y = randint(0, 10, [m.batch]);
  return () => {
    const t0 = performance.now();
    opt.zeroGrad();
    const t1 = performance.now();
    const out = model.forward(x);
    const t2 = performance.now();
    const loss = lossFn.forward(out, y);
    const t3 = performance.now();
    loss.backward();
    const t4 = performance.now();
    opt.step();
    const t5 = performance.now();
    phases[0] += t1 - t0;
    phases[1] += t2 - t1;
    phases[2] += t3 - t2;
    phases[3] += t4 - t3;
    phases[4] += t5 - t4;
  };
}

/** The same model in TensorFlow.js (NHWC, the layout its kernels use), minimized with momentum SGD. */
export function tfjsStep(tf, m) {
  const flat = m.c2 * (m.size / 4) ** 2;
  const u = (shape, fanIn) => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
  const w1 = u([3, 3, 1, m.c1], 9);
  const b1 = u([m.c1], 9);
  const w2 = u([3, 3, m.c1, m.c2], 9 * m.c1);
  const b2 = u([m.c2], 9 * m.c1);
  const w3 = u([flat, 10], flat);
  const b3 = u([10], flat);
  const x = tf.randomNormal([m.batch, m.size, m.size, 1]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: m.batch }, (_, i) => i % 10), "int32"), 10);
  const opt = tf.train.momentum(0.01, 0.9);
  const forward = () => {
    let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, w1, 1, "same"), b1)), 2, 2, "valid");
    h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, w2, 1, "same"), b2)), 2, 2, "valid");
    return tf.add(tf.matMul(tf.reshape(h, [m.batch, flat]), w3), b3);
  };
  return () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, forward()), true, [w1, b1, w2, b2, w3, b3]);
    loss.dataSync();
    loss.dispose();
  };
}

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel (a conv2d's weight gradient). This one
 * runs its Conv3DBackpropFilterV2 kernel on the same data seen as one-deep volumes, so the whole step
 * stays in the wasm backend; registered only when the backend lacks its own.
 */
export function addWasmConv2DBackpropFilter(tf) {
  if (tf.getKernel("Conv2DBackpropFilter", "wasm") !== undefined) return;
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs }) => {
      const { x, dy } = inputs;
      const { strides, pad, filterShape } = attrs;
      const [sh, sw] = typeof strides === "number" ? [strides, strides] : strides;
      const e = tf.engine();
      const x5 = e.runKernel("Reshape", { x }, { shape: [x.shape[0], 1, ...x.shape.slice(1)] });
      const dy5 = e.runKernel("Reshape", { x: dy }, { shape: [dy.shape[0], 1, ...dy.shape.slice(1)] });
      const dw5 = e.runKernel("Conv3DBackpropFilterV2", { x: x5, dy: dy5 }, { strides: [1, sh, sw], pad, filterShape: [1, ...filterShape] });
      // The reshapes share their input's data; the caller's tidy scope disposes them.
      return e.runKernel("Reshape", { x: dw5 }, { shape: filterShape });
    },
  });
}

/**
 * Runs `fn` for at least `ms` and `min` times: V8 first runs WebAssembly in its baseline compiler and
 * swaps in optimized code compiled on a background thread, which a busy machine may delay by seconds.
 */
function warmUp(fn, ms, min) {
  const t0 = performance.now();
  for (let i = 0; i < min || performance.now() - t0 < ms; i++) fn();
}

/** Seconds a run may take before it stops short of its steps (as in torch_cnn_step.py). */
const RUN_SECONDS = 2;

/** Runs `fn` up to `reps` times (at least twice, at most RUN_SECONDS) per run; returns wall-clock and CPU-time rates per run and the steps run. */
function measure(fn, runs, reps) {
  const wall = [];
  const cpu = [];
  let count = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let done = 0;
    while (done < reps && (done < 2 || performance.now() - t0 < RUN_SECONDS * 1000)) {
      fn();
      done++;
    }
    const c = process.cpuUsage(c0);
    wall.push(done / ((performance.now() - t0) / 1000));
    cpu.push(done / ((c.user + c.system) / 1e6));
    count += done;
  }
  return { wall, cpu, count };
}

function torchRun(model, threads, steps, runs) {
  const script = fileURLToPath(new URL("./torch_cnn_step.py", import.meta.url));
  const r = spawnSync(PYTHON, [script, model, String(steps), String(runs), String(threads), String(RUN_SECONDS)], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`cnn-step: ${script} failed: ${r.stderr}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

const concat = (parts, key) => parts.flatMap((p) => p[key]);
const us = (ms, n) => ((ms / n) * 1000).toFixed(0);

/** Measures one model; returns the medians (steps/s, wall clock) for the summary. */
async function runModel(name, tf, torchAvailable) {
  const m = MODELS[name];
  const steps = name === "digits" ? (quick ? 100 : 300) : quick ? 10 : 40;
  const rounds = quick ? 1 : 3;
  const runs = quick ? 2 : 3;
  const phases = PHASES.map(() => 0);
  setBackend("wasm");
  const step = tsgradStep(m, phases);
  // A few hundred digits steps before V8's optimized code for the module is in (measured: ~400 on a busy machine).
  warmUp(step, quick ? 2000 : 4000, name === "digits" ? (quick ? 200 : 400) : 10);
  phases.fill(0);
  // Turns: tsgrad, PyTorch 1 thread, PyTorch 2 threads, so that load from other jobs falls on each alike.
  const ours = [];
  const torch1 = [];
  const torch2 = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(measure(step, runs, steps));
    if (torchAvailable) {
      torch1.push(torchRun(name, 1, steps, runs));
      torch2.push(torchRun(name, 2, steps, runs));
    }
  }
  setBackend("js");
  const jsSteps = Math.max(2, Math.ceil(steps / 8));
  const jsStep = tsgradStep(m, PHASES.map(() => 0));
  warmUp(jsStep, 0, 2);
  const js = measure(jsStep, runs, jsSteps);
  setBackend("wasm");
  const peers = {};
  for (const backend of ["wasm", "cpu"]) {
    await tf.setBackend(backend);
    const f = tfjsStep(tf, m);
    warmUp(f, backend === "wasm" ? 1500 : 0, 3);
    peers[backend] = measure(f, runs, Math.max(2, Math.ceil(steps / (backend === "cpu" ? 40 : 4))));
  }
  const t1 = torch1.filter(Boolean);
  const t2 = torch2.filter(Boolean);
  const oursWall = concat(ours, "wall");
  const med = (xs) => stats(xs).median;
  const base = med(oursWall);
  const row = (label, wall, cpu) => [label, fmtStats(wall, 0), fmtStats(cpu, 0), ratio(med(wall), base)];
  const rows = [
    row("tsgrad (wasm kernels)", oursWall, concat(ours, "cpu")),
    row("tsgrad (js fallback)", js.wall, js.cpu),
    row("tfjs wasm (1 thread)¹", peers.wasm.wall, peers.wasm.cpu),
    row("tfjs cpu", peers.cpu.wall, peers.cpu.cpu),
  ];
  if (t1.length > 0) rows.push(row(`PyTorch ${t1[0].torch} CPU, 1 thread`, concat(t1, "stepsPerSecond"), concat(t1, "cpuStepsPerSecond")));
  if (t2.length > 0) rows.push(row(`PyTorch ${t2[0].torch} CPU, 2 threads`, concat(t2, "stepsPerSecond"), concat(t2, "cpuStepsPerSecond")));
  if (!torchAvailable) rows.push(["PyTorch (not installed: /usr/bin/python3 -c 'import torch' failed)", "-", "-", "-"]);
  printTable(
    `Training step, ${m.title}, CrossEntropyLoss, SGD momentum 0.9 — steps/s, median (min–max); last column: peer ÷ tsgrad (wall clock)`,
    ["", "steps/s", "per CPU-second", "÷ tsgrad"],
    rows,
  );
  console.log("¹ the weight gradient through tfjs-backend-wasm's Conv3DBackpropFilterV2 kernel (it has no 2-D one)");
  const phaseRows = [["tsgrad", ...phases.map((p) => us(p, ours.reduce((s, o) => s + o.count, 0)))]];
  const torchPhases = (parts, label) => {
    if (parts.length === 0) return;
    const mean = PHASES.map((_, i) => parts.reduce((s, p) => s + p.phasesUs[i], 0) / parts.length);
    phaseRows.push([label, ...mean.map((v) => v.toFixed(0))]);
  };
  torchPhases(t1, "PyTorch, 1 thread");
  torchPhases(t2, "PyTorch, 2 threads");
  printTable(`Phases of a step (${name}), mean µs (wall clock)`, ["", ...PHASES], phaseRows);
  const summary = {
    tsgrad: base,
    tsgradCpu: med(concat(ours, "cpu")),
    tfjsWasm: med(peers.wasm.wall),
    tfjsCpu: med(peers.cpu.wall),
    torch1: t1.length ? med(concat(t1, "stepsPerSecond")) : null,
    torch2: t2.length ? med(concat(t2, "stepsPerSecond")) : null,
    torch1Cpu: t1.length ? med(concat(t1, "cpuStepsPerSecond")) : null,
  };
  const vsTorch = summary.torch1
    ? `tsgrad ÷ PyTorch = ${ratio(summary.tsgrad, summary.torch1)} (1 thread), ${ratio(summary.tsgrad, summary.torch2)} (2 threads) (target ≥ 1×); per CPU-second ÷ PyTorch 1 thread = ${ratio(summary.tsgradCpu, summary.torch1Cpu)}`
    : "PyTorch not measured";
  console.log(`${name}: ${vsTorch}; tsgrad ÷ tfjs wasm = ${ratio(summary.tsgrad, summary.tfjsWasm)} (target ≥ 3×), ÷ tfjs cpu = ${ratio(summary.tsgrad, summary.tfjsCpu)}`);
  return summary;
}

export async function run() {
  const tf = await loadTfjs();
  addWasmConv2DBackpropFilter(tf);
  const torchAvailable = hasTorch();
  const out = {};
  for (const name of Object.keys(MODELS)) out[name] = await runModel(name, tf, torchAvailable);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
