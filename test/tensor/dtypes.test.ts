// Integer and bool dtypes against PyTorch 1.13 (test/fixtures/torch_dtype_reference.py): result dtypes
// and values of every op on every pair of dtypes (PyTorch's promotion), conversions, printouts, and
// boolean-mask indexing with gradients (also against finite differences in float64).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { arange, DTypeError, multinomial, randint, randn, randperm, RandomGenerator, tensor, zeros, type DType, type Tensor } from "../../src/tensor/index.js";
import * as F from "../../src/nn/functional.js";
import { formatTensor } from "../../src/tensor/format.js";
import { itMatchesFixture, type FixtureCase } from "./torch-fixture.js";

/** A 1-D tensor named by its dtype, a 0-d tensor ("0-d int64"), or a JS number. */
type Operand = DType | `0-d ${DType}` | number;
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
  misc: ({ name: string } & Outcome)[];
}

// JSON has no NaN or Infinity: the fixture spells them as Python does.
const special: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity };
const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch_dtype_reference.json", import.meta.url), "utf8"), (_, v: unknown) =>
  typeof v === "string" && v in special ? special[v] : v,
) as Fixture;

/** The operands of the fixture: [1, 2, 3] (bool [true, false, true]), a 0-d 2 (bool true), or a number. */
function operand(o: Operand): Tensor | number {
  if (typeof o === "number") return o;
  if (o.startsWith("0-d ")) {
    const dtype = o.slice(4) as DType;
    return dtype === "bool" ? tensor(true) : tensor(2, { dtype });
  }
  return o === "bool" ? tensor([true, false, true]) : tensor([1, 2, 3], { dtype: o as DType });
}

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
      const what = `${c.a}.${c.op}(${c.b})`;
      failures.push(...outcomeFailures(() => a[c.op as BinaryMethod](b as Tensor), c, what));
    }
    expect(failures).toEqual([]);
  });

  it("unary ops: integers go to float32 for exp/log/…, keep their dtype for neg/abs/relu; bool refused where PyTorch refuses", () => {
    const failures: string[] = [];
    for (const c of fixture.unary) {
      const x = operand(c.input) as Tensor;
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
      failures.push(...outcomeFailures(() => ops[c.op]!(operand(c.input) as Tensor), c, `${c.input} ${c.op}`));
    }
    expect(failures).toEqual([]);
  });
});

describe("mask logic, nonzero, integer arange, clamp and matmul match PyTorch", () => {
  const a = tensor([true, false, true, false]);
  const b = tensor([1, 1, 0, NaN]);
  const m = tensor([[1, 0, 3], [0, 0, 2]], { dtype: "int64" });
  const exprs: Record<string, () => Tensor> = {
    logical_not: () => a.logicalNot(), logical_not_float: () => b.logicalNot(),
    logical_and: () => a.logicalAnd(b.bool()), logical_or: () => a.logicalOr(b),
    logical_xor: () => a.logicalXor(b), any: () => m.any(), all: () => m.all(),
    any_dim: () => m.any(1), all_dim_keepdim: () => m.all(0, true), all_empty: () => zeros(0).all(),
    nonzero: () => m.nonzero(), nonzero_1d: () => b.nonzero(), arange_int: () => arange(2, 11, 3),
    arange_float: () => arange(0, 1, 0.25), clamp_int: () => m.clamp(1, 2), clamp_int_float: () => m.clamp(0.5),
    mask_sum: () => m.gt(0).sum(), mask_sum_dim: () => m.gt(0).sum(1), int_div: () => m.div(2),
    int_matmul: () => m.matmul(m.T), bool_add: () => a.add(a), bool_mul_int: () => a.mul(3),
    int_mask_get: () => m.get(m.gt(0)), int_rows_get: () => m.get(tensor([true, false])),
  };
  it("covers every expression of the fixture", () => {
    expect(Object.keys(exprs).sort()).toEqual(fixture.misc.map((c) => c.name).sort());
  });
  for (const c of fixture.misc) {
    it(c.name, () => expect(outcomeFailures(exprs[c.name]!, c, c.name)).toEqual([]));
  }
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
    expect([x.type(), i.type(), x.type("int32").type(), x.bool().type()]).toEqual(["torch.FloatTensor", "torch.LongTensor", "torch.IntTensor", "torch.BoolTensor"]);
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

describe("boolean masks and integer operands with gradients match PyTorch and finite differences", () => {
  itMatchesFixture(fixture.cases, EXPRESSIONS);
});

describe("integer and bool tensors in the API", () => {
  it("indices and samples are int64, as in PyTorch", () => {
    const x = tensor([[1, 5, 2], [7, 0, 3]]);
    const g = new RandomGenerator(1);
    const results = [x.argmax(), x.argmax(1), x.max(1).indices, x.min(0).indices, randint(5, [3]), randint(0, 5, [3], { generator: g }),
      randperm(4), multinomial(tensor([1, 2, 3]), 2), arange(3), arange(1, 7, 2), x.nonzero()];
    expect(results.map((t) => t.dtype)).toEqual(new Array(results.length).fill("int64"));
    expect([arange(0, 1, 0.5).dtype, arange(3, { dtype: "float32" }).dtype, randint(5, [2], { dtype: "float64" }).dtype]).toEqual(["float32", "float32", "float64"]);
    expect(x.nonzero().tolist()).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 2]]);
  });

  it("tensor() infers bool from booleans; numbers stay float32 unless dtype says (JS has no 1 vs 1.0)", () => {
    expect(tensor([[true], [false]]).dtype).toBe("bool");
    expect(tensor([1, 2]).dtype).toBe("float32");
    expect(tensor([1.9, -1.9], { dtype: "int64" }).tolist()).toEqual([1, -1]);
    expect(tensor(new Int32Array([4, 5])).dtype).toBe("int32");
  });

  it("only float tensors can require grad (PyTorch's error, naming the dtype)", () => {
    expect(() => tensor([1, 2], { dtype: "int64", requiresGrad: true })).toThrow(/requiresGrad: only Tensors of floating point dtype can require gradients \(this one is int64/);
    expect(() => tensor([true]).requiresGrad_()).toThrow(DTypeError);
    const w = randn([3], { requiresGrad: true });
    // A float → int conversion, an index or a comparison never carries a gradient.
    expect([w.long().requiresGrad, w.argmax().requiresGrad, w.gt(0).requiresGrad, w.gt(0).gradFn]).toEqual([false, false, false, null]);
  });

  it("logical ops, any and all read nonzero as true and give bool", () => {
    const a = tensor([true, false, true, false]);
    const b = tensor([1, 1, 0, 0]);
    expect([a.logicalNot(), a.logicalAnd(b), a.logicalOr(b), a.logicalXor(b)].map((t) => [t.dtype, t.tolist()])).toEqual([
      ["bool", [0, 1, 0, 1]], ["bool", [1, 0, 0, 0]], ["bool", [1, 1, 1, 0]], ["bool", [0, 1, 1, 0]],
    ]);
    expect([a.any().item(), a.all().item(), tensor([[1, 0], [1, 1]]).all(1).tolist(), zeros(0).all().item()]).toEqual([1, 0, [0, 1], 1]);
    expect(() => a.logicalAnd(1 as never)).toThrow(/logicalAnd: other must be a Tensor/);
  });

  it("in-place results must fit the tensor's dtype; values written into integers are truncated", () => {
    const i = tensor([1, 2, 3], { dtype: "int64" });
    expect(() => i.add_(0.5)).toThrow(/add_: result type float32 can't be cast to the desired output type int64/);
    expect(i.add_(2).tolist()).toEqual([3, 4, 5]);
    expect(i.fill_(2.9).tolist()).toEqual([2, 2, 2]);
    expect(i.copy_(tensor([1.9, -2.9, 3])).tolist()).toEqual([1, -2, 3]);
    i.set(tensor([true, false, true]), 7.5);
    expect(i.tolist()).toEqual([7, -2, 7]);
    expect(() => i.set(0, tensor([1.5]))).toThrow(/set: index put requires the value's dtype to fit the tensor's: got int64 for the destination and float32/);
    expect(i.get([false, true, true]).tolist()).toEqual(i.get(tensor([false, true, true])).tolist());
    expect(() => i.set(tensor([true, false]), 1)).toThrow(/set: the shape of the mask \(2\) at index 0 does not match the shape of the indexed tensor \(3\) at index 0/);
  });

  it("means, softmax and matmul of integers are refused as in PyTorch, naming the dtype", () => {
    const i = tensor([[1, 2], [3, 4]], { dtype: "int64" });
    expect(() => i.mean()).toThrow(/mean: could not infer output dtype: input dtype must be a floating point dtype, got int64/);
    expect(() => i.softmax(1)).toThrow(/softmax: .* got int64/);
    expect(() => i.matmul(randn(2, 2))).toThrow(/matmul: expected both operands to have the same integer or float dtype, got int64 and float32/);
    expect(i.matmul(i).tolist()).toEqual([[7, 10], [15, 22]]);
    expect(i.matmul(i).dtype).toBe("int64");
    expect(i.float().mean().item()).toBe(2.5);
  });

  it("crossEntropy and nllLoss take int64 class indices (and give what float indices gave)", () => {
    const logits = randn([4, 3], { requiresGrad: true });
    const y = tensor([0, 2, 1, 2], { dtype: "int64" });
    const a = F.crossEntropy(logits, y);
    const b = F.crossEntropy(logits, y.float());
    expect(a.item()).toBe(b.item());
    const logits4 = randn([2, 3, 2, 2]);
    expect(F.crossEntropy(logits4, randint(3, [2, 2, 2])).shape).toEqual([]);
    // An int64 target of the input's shape is not read as probabilities.
    expect(() => F.crossEntropy(logits, zeros([4, 3], { dtype: "int64" }))).toThrow(/class indices/);
    // The accuracy idiom of the tutorials: (pred.argmax(1) == y).float().mean().
    expect(logits.argmax(1).eq(y).float().mean().dtype).toBe("float32");
  });

  it("int64 is exact up to 2^53 (stored as float64)", () => {
    expect(tensor(new BigInt64Array([-3n, 2n ** 53n])).tolist()).toEqual([-3, 2 ** 53]);
    expect(tensor(new BigInt64Array([5n])).dtype).toBe("int64");
    expect(() => tensor(new BigInt64Array([1n, 2n ** 60n]))).toThrow(/tensor: data\[1\] is 1152921504606846976, beyond ±2\^53/);
    const big = tensor([2 ** 53 - 1], { dtype: "int64" });
    expect(big.add(0).item()).toBe(2 ** 53 - 1);
    expect(big.sub(2 ** 52).item()).toBe(2 ** 52 - 1);
  });
});
