// The WebAssembly SIMD kernel against the plain-TS reference: the raw kernel on random shapes (odd sizes,
// every transposed layout, K and M past the block sizes), and matmul/conv2d through both backends.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  ArgumentError, conv2d, getBackend, manualSeed, randn, setBackend, tensor, type Backend, type Tensor,
} from "../../../src/tensor/index.js";
import { gemm } from "../../../src/tensor/gemm.js";
import { sumToShape } from "../../../src/tensor/sum-to-shape.js";
import { wasmGemm, wasmGemmAvailable, wasmGemmLoadError, wasmKeptBytes } from "../../../src/tensor/kernels/wasm.js";

/** Deterministic uniform(-1, 1) floats. */
function randomF32(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** float32 sums of `inner` products of numbers in [-1, 1] stay this close to the double sums. */
const tolerance = (inner: number): number => 3e-6 * Math.max(1, inner);

const initial = getBackend();
afterEach(() => setBackend(initial));

describe("the WebAssembly kernel", () => {
  it("is built and loads (npm run build compiles src/tensor/kernels/simd.as)", () => {
    expect(wasmGemmLoadError()).toBe("");
    expect(wasmGemmAvailable()).toBe(true);
  });

  const shapes: [number, number, number][] = [
    [1, 1, 1], [2, 0, 3], [1, 7, 1], [3, 5, 7], [4, 8, 8], [5, 9, 17], [13, 1, 31], [32, 64, 128], [97, 33, 9],
    [100, 300, 19], [7, 513, 6], [130, 257, 70],
  ];
  for (const [rows, inner, cols] of shapes) {
    for (const [tx, ty] of [[false, false], [true, false], [false, true]] as const) {
      it(`matches the JS gemm for (${rows}x${inner})·(${inner}x${cols}), transX=${tx}, transY=${ty}`, () => {
        const X = randomF32(rows * inner, rows * 31 + inner);
        const Y = randomF32(inner * cols, cols * 17 + 3);
        const ref = new Float64Array(rows * cols);
        gemm(X, 0, Y, 0, ref, 0, rows, inner, cols, tx, ty);
        const C = new Float32Array(rows * cols).fill(Number.NaN);
        wasmGemm(X, Y, C, [{ xo: 0, yo: 0, co: 0 }], rows, inner, cols, tx, ty, false);
        expect(maxAbsDiff(C, ref)).toBeLessThanOrEqual(tolerance(inner));
      });
    }
  }

  it("adds into C when accumulating, and runs a batch at element offsets (a repeated operand too)", () => {
    const [rows, inner, cols] = [6, 10, 11];
    const X = randomF32(3 * rows * inner, 1);
    const Y = randomF32(inner * cols, 2);
    const C0 = randomF32(3 * rows * cols, 3);
    const C = C0.slice();
    const batches = [0, 1, 2].map((b) => ({ xo: b * rows * inner, yo: 0, co: b * rows * cols }));
    wasmGemm(X, Y, C, batches, rows, inner, cols, false, false, true);
    const ref = Float64Array.from(C0);
    for (const b of batches) gemm(X, b.xo, Y, 0, ref, b.co, rows, inner, cols, false, false);
    expect(maxAbsDiff(C, ref)).toBeLessThanOrEqual(tolerance(inner));
  });
});

/** Runs `fn` under each backend and returns both results. */
function onBoth<T>(fn: () => T): Record<Backend, T> {
  setBackend("js");
  const js = fn();
  setBackend("wasm");
  const wasm = fn();
  return { js, wasm };
}

function expectClose(a: Tensor, b: Tensor, tol: number): void {
  expect(a.shape).toEqual(b.shape);
  expect(a.dtype).toBe(b.dtype);
  expect(maxAbsDiff(a.data, b.data)).toBeLessThanOrEqual(tol);
}

/** Forward value and input gradients of `f` on fresh copies of `inputs` (grad of sum of out·weights). */
function valueAndGrads(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): Tensor[] {
  const xs = inputs.map((t) => t.detach().clone().requiresGrad_());
  const out = f(...xs);
  const w = tensor(Float32Array.from(randomF32(out.numel(), 99)), { shape: [...out.shape], dtype: out.dtype });
  out.mul(w).sum().backward();
  return [out.detach(), ...xs.map((x) => x.grad!)];
}

describe("matmul and conv2d through both backends", () => {
  const cases: [string, number[], number[], ((a: Tensor, b: Tensor) => Tensor)?][] = [
    ["2-D odd sizes", [7, 13], [13, 5]],
    ["an MLP layer x·Wᵀ (transposed operand)", [32, 64], [128, 64], (a, b) => a.matmul(b.T)],
    ["Aᵀ·B", [9, 6], [9, 11], (a, b) => a.T.matmul(b)],
    ["matrix·vector", [5, 9], [9]],
    ["vector·matrix", [9], [9, 4]],
    ["batched with broadcasting", [2, 1, 5, 7], [3, 7, 4]],
    ["batched against a matrix", [4, 6, 33], [33, 10]],
  ];
  for (const [label, sa, sb, op] of cases) {
    it(`${label}: values and gradients agree`, () => {
      manualSeed(7);
      const a = randn(sa);
      const b = randn(sb);
      const f = op ?? ((x: Tensor, y: Tensor) => x.matmul(y));
      const r = onBoth(() => valueAndGrads(f, [a, b]));
      const inner = Math.max(...sa, ...sb);
      for (let i = 0; i < r.js.length; i++) expectClose(r.wasm[i]!, r.js[i]!, 4 * tolerance(inner));
    });
  }

  it("conv2d (stride, padding, bias): values and gradients agree", () => {
    manualSeed(3);
    const x = randn([2, 3, 9, 8]);
    const w = randn([5, 3, 3, 2]);
    const bias = randn([5]);
    const f = (xi: Tensor, wi: Tensor, bi: Tensor): Tensor => conv2d(xi, wi, bi, { stride: [2, 1], padding: 1 });
    const r = onBoth(() => valueAndGrads(f, [x, w, bias]));
    for (let i = 0; i < r.js.length; i++) expectClose(r.wasm[i]!, r.js[i]!, 1e-3);
  });

  it("float64 products stay on the JS loops (identical results under both backends)", () => {
    manualSeed(5);
    const a = randn([6, 7], { dtype: "float64" });
    const b = randn([7, 3], { dtype: "float64" });
    const r = onBoth(() => a.matmul(b));
    expect(r.wasm.dtype).toBe("float64");
    expect(Array.from(r.wasm.data)).toEqual(Array.from(r.js.data));
  });
});

describe("choosing the backend", () => {
  it("defaults to wasm (unless TSGRAD_BACKEND=js), and setBackend switches and validates", () => {
    expect(initial).toBe(process.env.TSGRAD_BACKEND === "js" ? "js" : "wasm");
    setBackend("js");
    expect(getBackend()).toBe("js");
    expect(() => setBackend("gpu" as Backend)).toThrow(ArgumentError);
    expect(() => setBackend("gpu" as Backend)).toThrow(/setBackend: backend must be "js" or "wasm", got "gpu"/);
    expect(getBackend()).toBe("js");
  });

  it("TSGRAD_BACKEND=js forces the JS loops in a fresh process", () => {
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    const code = 'import("./dist/index.js").then((m) => console.log(m.getBackend()))';
    const run = (env: Record<string, string>): string =>
      execFileSync(process.execPath, ["-e", code], { cwd: root, env: { ...process.env, ...env }, encoding: "utf8" }).trim();
    expect(run({ TSGRAD_BACKEND: "js" })).toBe("js");
    expect(run({ TSGRAD_BACKEND: "" })).toBe("wasm");
  });
});

describe("elementwise SIMD kernels (relu, bias rows) give the JS loops' exact results", () => {
  // Bit patterns tell -0 from 0; a NaN's sign bit is not specified by either path.
  const bitsOf = (t: Tensor): (number | string)[] =>
    Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.numel()), (b, i) => (Number.isNaN(t.data[i]) ? "NaN" : b));

  for (const n of [255, 256, 1027, 4096]) {
    it(`relu and its gradient over ${n} elements (NaN, ±0 and ±∞ included)`, () => {
      manualSeed(n);
      const x = randn([n]);
      x.data.set([Number.NaN, -0, 0, Infinity, -Infinity], 0);
      const r = onBoth(() => {
        const xi = x.detach().clone().requiresGrad_();
        const y = xi.relu();
        y.backward(tensor(randomF32(n, 5), { shape: [n] }));
        return [y.detach(), xi.grad!];
      });
      expect(bitsOf(r.wasm[0]!)).toEqual(bitsOf(r.js[0]!));
      expect(bitsOf(r.wasm[1]!)).toEqual(bitsOf(r.js[1]!));
      expect(Number.isNaN(r.wasm[0]!.data[0]!)).toBe(true);
      expect(Array.from(r.wasm[0]!.data.subarray(1, 5))).toEqual([0, 0, Infinity, 0]);
    });
  }

  for (const [big, small] of [[[32, 128], [128]], [[5, 7, 9], [7, 9]], [[64, 10], [1, 10]], [[300, 1], [1]]] as const) {
    it(`the bias-gradient sum (${big}) → (${small})`, () => {
      manualSeed(47);
      const g = randn([...big]);
      const r = onBoth(() => sumToShape(g, [...small]));
      expect(r.wasm.shape).toEqual([...small]);
      expect(bitsOf(r.wasm)).toEqual(bitsOf(r.js));
    });
  }

  for (const [sa, sb] of [[[300], [300]], [[37, 11], [11]], [[5, 64, 7], [64, 7]], [[3, 129], [1, 129]], [[20, 30], [20, 30]]] as const) {
    for (const op of ["add", "sub", "mul", "div"] as const) {
      it(`${op} of (${sa}) and (${sb})`, () => {
        manualSeed(41);
        const a = randn([...sa]);
        const b = randn([...sb]);
        const r = onBoth(() => a[op](b));
        expect(bitsOf(r.wasm)).toEqual(bitsOf(r.js));
      });
    }
  }
});

describe("the module's memory", () => {
  it("keeps at most 64 MiB: a product whose operands need more runs in an instance of its own", () => {
    const n = 8_500_000;
    const X = new Float32Array(n).fill(0.5);
    const Y = new Float32Array(n).fill(2);
    const C = new Float32Array(1);
    wasmGemm(X, Y, C, [{ xo: 0, yo: 0, co: 0 }], 1, n, 1, false, false, false);
    expect(C[0]).toBeCloseTo(n, -2);
    expect(wasmKeptBytes()).toBeLessThanOrEqual(64 * 2 ** 20 + 2 ** 16);
  });
});
