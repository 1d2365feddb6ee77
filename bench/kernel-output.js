// Printed-output throughput end to end: a cell printing N lines, from execute_request until every
// line has arrived on iopub and the idle status after them, for tsgrad's kernel beside Debian's
// ipykernel (python3-ipykernel under /usr/bin/python3) on the same zeromq client. Both run at once
// and take turns, so a busy machine's load falls on both alike.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startKernel } from "./kernel-latency.js";
import { fmtStats, printTable, PYTHON, quick, ratio, stats } from "./lib.js";

const root = fileURLToPath(new URL("..", import.meta.url));

const kernels = {
  tsgrad: { command: (f) => [join(root, "bin/tsgrad.js"), "kernel", "-f", f], executable: process.execPath, code: (n) => `for (let i = 0; i < ${n}; i++) console.log("L" + i);` },
  ipykernel: { command: (f) => ["-m", "ipykernel_launcher", "-f", f], executable: PYTHON, code: (n) => `for i in range(${n}):\n    print("L" + str(i))` },
};

function hasIpykernel() {
  return spawnSync(PYTHON, ["-c", "import ipykernel"], { stdio: "ignore" }).status === 0;
}

/** Seconds for one cell printing `n` lines; throws if a line is missing or out of order. */
async function printLines(kernel, n) {
  let text = "";
  const t = performance.now();
  const { reply, idle } = kernel.client.send("execute_request", { code: kernels[kernel.name].code(n), silent: false, store_history: true, user_expressions: {}, allow_stdin: false });
  kernel.client.onIopub = (m) => {
    if (m.header.msg_type === "stream" && m.content.name === "stdout") text += m.content.text;
  };
  await Promise.all([reply, idle]);
  const seconds = (performance.now() - t) / 1000;
  kernel.client.onIopub = null;
  const lines = text.split("\n");
  lines.pop();
  if (lines.length !== n || lines.some((line, i) => line !== `L${i}`)) throw new Error(`${kernel.name}: ${lines.length} of ${n} lines arrived in order`);
  return seconds;
}

export async function run() {
  if (!hasIpykernel()) {
    console.log(`kernel-output: skipped (no ipykernel for ${PYTHON}; apt install python3-ipykernel)`);
    return;
  }
  const n = quick ? 50_000 : 200_000;
  const repeats = quick ? 2 : 5;
  const rates = { tsgrad: [], ipykernel: [] };
  const running = [];
  try {
    for (const name of Object.keys(kernels)) running.push(await startKernel(name, kernels[name].command, kernels[name].executable));
    await printLines(running[0], 1000);
    await printLines(running[1], 1000);
    for (let r = 0; r < repeats; r++) {
      for (const kernel of r % 2 === 0 ? running : [...running].reverse()) rates[kernel.name].push(n / (await printLines(kernel, n)));
    }
  } finally {
    for (const kernel of running) kernel.stop();
  }
  printTable(
    `Printed lines per second, end to end over zeromq — a cell printing ${n.toLocaleString("en-US")} lines until all arrived and idle; median (min–max) of ${repeats}`,
    ["", "lines/s"],
    Object.keys(kernels).map((k) => [k, fmtStats(rates[k], 0)]),
  );
  const r = stats(rates.tsgrad).median / stats(rates.ipykernel).median;
  console.log(`tsgrad ÷ ipykernel: ${ratio(stats(rates.tsgrad).median, stats(rates.ipykernel).median)} (higher is better); target (issue #13: ≥ 1×): ${r >= 1 ? "met" : "MISSED"}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
