// The ports in docs/pytorch-ports.md run: their TypeScript blocks, in order, are one program that is
// type-checked against the shipped declarations and executed; what it prints is checked.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { typeErrors } from "../support/type-errors.js";

const root = join(import.meta.dirname, "..", "..");
const doc = readFileSync(join(root, "docs", "pytorch-ports.md"), "utf8");
const program = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).join("\n");
const dir = join(root, "test-artifacts", "ports");

let output: string | undefined;
/** What the whole program prints (run once, by the first test that asks). */
function programOutput(): string {
  if (output === undefined) {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "ports.mjs");
    writeFileSync(file, ts.transpileModule(program, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    output = execFileSync("node", [file], { encoding: "utf8", cwd: root });
  }
  return output;
}

describe("docs/pytorch-ports.md", () => {
  it("pairs every TypeScript block with the PyTorch block it ports", () => {
    const python = [...doc.matchAll(/```python\n/g)].length;
    expect(python).toBe([...doc.matchAll(/```ts\n/g)].length);
    expect(python).toBeGreaterThanOrEqual(3);
  });

  it("type-checks against the shipped declarations", () => {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "ports.ts");
    writeFileSync(file, program);
    expect(typeErrors([file])).toEqual([]);
  });

  it("the quickstart trains on the digits as the tutorial does on FashionMNIST", () => {
    const all = programOutput();
    const out = all.slice(0, all.indexOf("Done!") + "Done!".length);
    expect(out).toContain("Shape of X [N, C, H, W]: 64,1,8,8\nShape of y: 64 int64\n");
    expect(out).toMatch(/^NeuralNetwork\(\n {2}\(flatten\): Flatten\(/m);
    expect(out.match(/^Epoch \d\n-{31}$/gm)).toHaveLength(5);
    expect(out).toMatch(/^loss: +\d\.\d{6} {2}\[ +64\/ +\d+\]$/m);
    const accuracies = [...out.matchAll(/Accuracy: ([\d.]+)%/g)].map((m) => Number(m[1]));
    expect(accuracies).toHaveLength(5);
    // The network learns: the last epoch's test accuracy is well above chance (10 %).
    expect(accuracies[4]).toBeGreaterThan(85);
    expect(out.trimEnd().endsWith("Done!")).toBe(true);
  });

  it("the makemore-style model learns names: counts, a one-layer network, then an MLP with an Embedding", () => {
    const out = programOutput();
    const part = out.slice(out.indexOf("Done!") + "Done!".length);
    // The vocabulary: 26 letters and ".".
    expect(part).toMatch(/\[\s*'aaren',[\s\S]*\] 8403\n/);
    const counts = Number(/^counts: average negative log-likelihood (\d\.\d{4})$/m.exec(part)?.[1]);
    // Add-one smoothed bigram counts: about 2.42 nats per character (a uniform guess is ln 27 ≈ 3.30).
    expect(counts).toBeGreaterThan(2.3);
    expect(counts).toBeLessThan(2.55);
    const network = Number(/^network: loss (\d\.\d{4})$/m.exec(part)?.[1]);
    // 20 gradient steps bring the network most of the way down to the counts' likelihood.
    expect(network).toBeGreaterThan(counts);
    expect(network).toBeLessThan(2.8);
    // Contexts of three characters as int64 indices, as torch.tensor makes them from Python ints.
    expect(part).toMatch(/^\[ \d+, 3 \] \[ \d+ \] int64$/m);
    expect(part).toMatch(/^6097 parameters$/m);
    const [, train, dev] = /^train (\d\.\d{4}) {2}dev (\d\.\d{4})$/m.exec(part) ?? [];
    // Three characters of context beat one: the MLP ends below the bigram counts on held-out names.
    expect(Number(dev)).toBeLessThan(counts);
    expect(Math.abs(Number(train) - Number(dev))).toBeLessThan(0.15);
    const samples = part.trimEnd().split("\n").slice(-10);
    expect(samples).toHaveLength(10);
    for (const name of samples) expect(name).toMatch(/^[a-z]*\.$/);
  });
});

