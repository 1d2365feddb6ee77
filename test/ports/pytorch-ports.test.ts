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
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "ports.mjs");
    writeFileSync(file, ts.transpileModule(program, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    const out = execFileSync("node", [file], { encoding: "utf8", cwd: root });
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
});
