// Integer and bool dtypes against PyTorch 1.13 (test/fixtures/torch_dtype_reference.py): result dtypes
// and values of every op on every pair of dtypes (PyTorch's promotion), conversions, printouts, and
// boolean-mask indexing with gradients (also against finite differences in float64).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tensor, type DType, type Tensor } from "../../src/tensor/index.js";
import { formatTensor } from "../../src/tensor/format.js";
import { gradcheck } from "./gradcheck.js";
import { expectClose, type FixtureCase } from "./torch-fixture.js";

type Operand = { kind: "dim" | "zero"; dtype: DType } | { kind: "number"; value: number };
interface Outcome {
  error?: string;
  dtype?: DType;
  shape?: number[];
  data?: number[];
}
interface Fixture {
  cases: FixtureCase[];
  binary: ({ op: string; a: Operand; b: Operand } & Outcome)[];
  unary: ({ op: string; input: DType } & Outcome)[];
  reductions: ({ op: string; input: DType } & Outcome)[];
  conversions: { from: DType; to: DType; input: number[]; data: number[] }[];
  repr: { name: string; dtype: DType; shape: number[]; data: number[]; repr: string }[];
}

// JSON has no NaN or Infinity: the fixture spells them as Python does.
const special: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity };
const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch_dtype_reference.json", import.meta.url), "utf8"), (_, v: unknown) =>
  typeof v === "string" && v in special ? special[v] : v,
) as Fixture;

/** The operands of the fixture: [1, 2, 3] (bool [true, false, true]), a 0-d 2 (bool true), or a number. */
function operand(o: Operand): Tensor | number {
  if (o.kind === "number") return o.value;
  if (o.kind === "zero") return o.dtype === "bool" ? tensor(true) : tensor(2, { dtype: o.dtype });
  return o.dtype === "bool" ? tensor([true, false, true]) : tensor([1, 2, 3], { dtype: o.dtype });
}

const label = (o: Operand): string => (o.kind === "number" ? String(o.value) : `${o.kind === "zero" ? "0-d " : ""}${o.dtype}`);

/** How `run()` differs from PyTorch's outcome (the same error-or-not, dtype, shape, values to 1e-6 relative). */
function outcomeFailures(run: () => Tensor, want: Outcome, what: string): string[] {
  let out: Tensor;
  try {
    out = run();
  } catch (e) {
    return want.error !== undefined ? [] : [`${what} threw ${(e as Error).message}`];
  }
  if (want.error !== undefined) return [`${what} should fail as in PyTorch (${want.error}), gave ${out.dtype} ${String(out.tolist())}`];
  if (out.dtype !== want.dtype || out.shape.join() !== want.shape!.join()) return [`${what}: got ${out.dtype} ${formatTensor(out)}, PyTorch ${want.dtype} [${want.shape!.join()}]`];
  const bad = Array.from(out.data).findIndex((v, i) => {
    const w = want.data![i]!;
    // NaN and ±Infinity (bool / bool, 1 / 0) must match exactly.
    return Number.isFinite(w) ? !(Math.abs(v - w) <= 1e-6 * Math.max(1, Math.abs(w))) : !Object.is(v, w);
  });
  return bad < 0 ? [] : [`${what}: element ${bad} is ${out.data[bad]}, PyTorch ${want.data![bad]}`];
}

type BinaryMethod = "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum" | "eq" | "ne" | "gt" | "ge" | "lt" | "le";

describe("type promotion matches PyTorch", () => {
  it(`${fixture.binary.length} binary op × operand pairs: result dtype, values, or an error`, () => {
    const failures: string[] = [];
    for (const c of fixture.binary) {
      const a = operand(c.a) as Tensor;
      const b = operand(c.b);
      const what = `${label(c.a)}.${c.op}(${label(c.b)})`;
      failures.push(...outcomeFailures(() => a[c.op as BinaryMethod](b as Tensor), c, what));
    }
    expect(failures).toEqual([]);
  });

  it("unary ops: integers go to float32 for exp/log/…, keep their dtype for neg/abs/relu; bool refused where PyTorch refuses", () => {
    const failures: string[] = [];
    for (const c of fixture.unary) {
      const x = operand({ kind: "dim", dtype: c.input }) as Tensor;
      failures.push(...outcomeFailures(() => (x[c.op as "exp"] as () => Tensor).call(x), c, `${c.input}.${c.op}()`));
    }
    expect(failures).toEqual([]);
  });

  it("reductions: sums of integers and bools are int64, means need a float, indices are int64", () => {
    const ops: Record<string, (t: Tensor) => Tensor> = {
      sum: (t) => t.sum(), sum0: (t) => t.reshape(1, -1).sum(0), mean: (t) => t.mean(), max: (t) => t.max(),
      maxIndices: (t) => t.reshape(1, -1).max(1).indices, argmax: (t) => t.argmax(), min: (t) => t.min(),
    };
    expect(Object.keys(ops).sort()).toEqual([...new Set(fixture.reductions.map((c) => c.op))].sort());
    const failures: string[] = [];
    for (const c of fixture.reductions) {
      failures.push(...outcomeFailures(() => ops[c.op]!(operand({ kind: "dim", dtype: c.input }) as Tensor), c, `${c.input} ${c.op}`));
    }
    expect(failures).toEqual([]);
  });
});

describe("conversions match PyTorch", () => {
  it("every dtype to every dtype: truncation toward zero, nonzero is true", () => {
    for (const c of fixture.conversions) {
      const x = tensor(c.input, { dtype: c.from });
      const y = x.to(c.to);
      expect(y.dtype).toBe(c.to);
      expect(Array.from(y.data), `${c.from} → ${c.to}`).toEqual(c.data);
    }
  });

  it(".long(), .int(), .bool(), .float(), .double() are .to(dtype); a copy only when the dtype changes", () => {
    const x = tensor([-1.5, 0, 2.5]);
    expect([x.long().dtype, x.int().dtype, x.bool().dtype, x.double().dtype]).toEqual(["int64", "int32", "bool", "float64"]);
    expect(x.long().tolist()).toEqual([-1, 0, 2]);
    expect(x.bool().tolist()).toEqual([1, 0, 1]);
    const i = x.long();
    expect(i.long()).toBe(i);
    expect(i.float().tolist()).toEqual([-1, 0, 2]);
  });
});

describe("integer and bool tensors print as in PyTorch", () => {
  for (const c of fixture.repr) {
    it(c.name, () => {
      const t = tensor(c.data, { dtype: c.dtype, shape: c.shape });
      const torchRepr = c.repr.replace(/size=\(([^)]*)\)/, (_, dims: string) => `size=[${dims}]`);
      expect(formatTensor(t)).toBe(torchRepr);
    });
  }
});

// The expressions of torch_dtype_reference.py, line by line.
const EXPRESSIONS: Record<string, (...inputs: Tensor[]) => Tensor> = {
  mask_rows: (x) => {
    const m = tensor([true, false, true, true]);
    return x!.get(m).pow(2).sum().add(x!.get(x!.gt(0)).sum().mul(3));
  },
  mask_dims: (x) => {
    const m = tensor([[true, false, true], [false, false, true]]);
    return x!.get(m).tanh().sum()
      .add(x!.get(":", tensor([true, false, true])).pow(2).sum())
      .add(x!.get("...", tensor([false, true, true, false, true])).exp().sum());
  },
  mask_put: (x, v) => {
    const y = x!.mul(1);
    y.set(y.lt(0), 0.25);
    y.set(tensor([true, false, true]), v!.mul(2));
    const cols = tensor([true, false, false, true]);
    y.set(":", cols, y.get(":", cols).add(1));
    return y.mul(x!).sum();
  },
  integer_mix: (x) => {
    const i = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "int64" });
    const m = x!.gt(0);
    return x!.mul(i).sum()
      .add(x!.div(i).sum())
      .add(x!.add(m).pow(2).sum())
      .add(x!.mul(m).sum())
      .add(x!.gather(1, tensor([[1, 2, 0], [0, 1, 2]], { dtype: "int64" })).sum());
  },
};

function leavesOf(c: FixtureCase): Tensor[] {
  return Object.values(c.inputs).map((v) => tensor(v.data, { dtype: c.dtype, shape: v.shape, requiresGrad: v.requiresGrad === true }));
}

describe("boolean masks and integer operands with gradients match PyTorch and finite differences", () => {
  it("covers every expression of the fixture", () => {
    expect([...new Set(fixture.cases.map((c) => c.name))].sort()).toEqual(Object.keys(EXPRESSIONS).sort());
  });

  for (const c of fixture.cases) {
    it(`${c.name} (${c.dtype}) against PyTorch`, () => {
      const tol = c.dtype === "float64" ? 1e-10 : 1e-5;
      const leaves = leavesOf(c);
      const out = EXPRESSIONS[c.name]!(...leaves);
      expect(out.dtype).toBe(c.dtype);
      expectClose(out.data, c.output.data, tol, "output");
      out.backward();
      Object.keys(c.inputs).forEach((k, i) => {
        const g = c.grads[k];
        if (g !== undefined) expectClose(leaves[i]!.grad!.data, g.data, tol, `grad of ${k}`);
      });
    });
    if (c.dtype === "float64") {
      it(`${c.name} gradients against finite differences`, () => {
        const r = gradcheck(EXPRESSIONS[c.name]!, leavesOf(c));
        expect(r.ok, r.where).toBe(true);
      });
    }
  }
});
