// `npm run bench [-- --quick] [names…]`: runs every benchmark, each in its own process, and prints
// their tables. Names: matmul, train-step, cnn-step, accumulation-memory, leak, kernel-latency, loop-checks, display-render, kernel-output.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { machine } from "./lib.js";

const ALL = ["matmul", "train-step", "cnn-step", "accumulation-memory", "leak", "kernel-latency", "loop-checks", "display-render", "kernel-output"];
const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith("--"));
const flags = args.filter((a) => a.startsWith("--"));
const unknown = names.filter((n) => !ALL.includes(n));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(", ")} (choose from ${ALL.join(", ")})`);
  process.exit(2);
}

/** TensorFlow.js's advice to install tfjs-node, printed when its backends load. */
const BANNER = /^(=+|Hi, looks like you are running TensorFlow\.js in Node\.js.*)$/;

function runOne(name) {
  return new Promise((resolve) => {
    const script = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
    const child = spawn(process.execPath, ["--expose-gc", script, ...flags], { stdio: ["ignore", "pipe", "pipe"] });
    const forward = (stream, out) => {
      let rest = "";
      stream.on("data", (d) => {
        const lines = (rest + d).split("\n");
        rest = lines.pop();
        for (const l of lines) if (!BANNER.test(l.trim()) || l.trim() === "") out.write(`${l}\n`);
      });
      stream.on("end", () => rest && out.write(rest));
    };
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

console.log(`tsgrad benchmarks — ${await machine()}${flags.includes("--quick") ? " — quick mode" : ""}`);
const started = performance.now();
let failed = 0;
for (const name of names.length > 0 ? names : ALL) {
  const code = await runOne(name);
  if (code !== 0) {
    console.error(`bench: ${name} exited with code ${code}`);
    failed++;
  }
}
console.log(`\nall benchmarks: ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(failed > 0 ? 1 : 0);
