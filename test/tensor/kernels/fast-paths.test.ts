// The shortcuts of the hot paths against naive references: broadcasting a trailing block (bias rows),
// summing gradients back over leading or trailing dims, the SIMD 2-D transpose, and the folded
// product of a batched input with one matrix.
import { afterEach, describe, expect, it } from "vitest";
import { getBackend, manualSeed, randn, setBackend, type Tensor } from "../../../src/tensor/index.js";
import { blockLayout, sumToShape } from "../../../src/tensor/sum-to-shape.js";
import { gradcheck } from "../gradcheck.js";

const initial = getBackend();
afterEach(() => setBackend(initial));

/** Value of `t` at a multi-index, reading size-1 dims (and missing leading dims) as broadcast. */
function at(t: Tensor, index: readonly number[]): number {
  const off = index.length - t.ndim;
  let flat = 0;
  for (let d = 0; d < t.ndim; d++) flat = flat * t.shape[d]! + (t.shape[d] === 1 ? 0 : index[d + off]!);
  return t.data[flat]!;
}

function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i++) {
    const idx: number[] = [];
    let r = i;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx.unshift(r % shape[d]!);
      r = Math.floor(r / shape[d]!);
    }
    yield idx;
  }
}

describe("blockLayout", () => {
  it("tells trailing blocks, leading blocks and the rest apart", () => {
    expect(blockLayout([32, 128], [128])).toBe("suffix");
    expect(blockLayout([4, 5, 6], [1, 5, 6])).toBe("suffix");
    expect(blockLayout([4, 5, 6], [6])).toBe("suffix");
    expect(blockLayout([32, 10], [32, 1])).toBe("prefix");
    expect(blockLayout([4, 5, 6], [4, 1, 1])).toBe("prefix");
    expect(blockLayout([4, 5, 6], [4, 1, 6])).toBeNull();
    expect(blockLayout([4, 5, 6], [5, 1])).toBeNull();
  });
});

describe("broadcast shortcuts agree with the element-by-element definition", () => {
  const cases: [number[], number[]][] = [
    [[7, 13], [13]], [[3, 4, 5], [4, 5]], [[3, 4, 5], [1, 1, 5]], [[6, 5], [1]], [[6, 5], []], [[2, 3], [2, 1]], [[3, 1, 5], [4, 5]],
  ];
  const ops = [
    ["add", (x: number, y: number) => x + y], ["sub", (x: number, y: number) => x - y],
    ["mul", (x: number, y: number) => x * y], ["div", (x: number, y: number) => x / y],
    ["maximum", (x: number, y: number) => Math.max(x, y)],
  ] as const;
  for (const [sa, sb] of cases) {
    for (const [name, f] of ops) {
      it(`${name} of (${sa}) and (${sb}), both orders`, () => {
        manualSeed(11);
        const a = randn(sa);
        const b = randn(sb);
        for (const [x, y] of [[a, b], [b, a]] as const) {
          const out = x[name](y);
          for (const idx of indices(out.shape)) {
            expect(at(out, idx)).toBeCloseTo(Math.fround(f(at(x, idx), at(y, idx))), 5);
          }
        }
      });
    }
  }

  for (const [small, big] of [[[5], [3, 5]], [[1, 4, 5], [2, 3, 4, 5]], [[3, 1], [3, 7]], [[2, 3, 1, 1], [2, 3, 4, 5]], [[2, 1, 5], [2, 3, 5]]] as const) {
    it(`expand (${small}) → (${big}) copies every element from its broadcast source`, () => {
      manualSeed(43);
      const t = randn([...small]);
      const out = t.expand([...big]);
      expect(out.shape).toEqual(big);
      for (const idx of indices(big)) expect(at(out, idx)).toBe(at(t, idx));
    });
  }

  const sums: [number[], number[]][] = [[[32, 128], [128]], [[4, 5, 6], [1, 5, 6]], [[32, 10], [32, 1]], [[4, 5, 6], [4, 1, 1]], [[4, 5, 6], [4, 1, 6]], [[4, 5], [1]]];
  for (const [big, small] of sums) {
    it(`sumToShape (${big}) → (${small}) adds every element into its broadcast source`, () => {
      manualSeed(13);
      const g = randn(big);
      const r = sumToShape(g, small);
      expect(r.shape).toEqual(small);
      const ref = new Float64Array(r.numel());
      const strides = small.map((_, d) => small.slice(d + 1).reduce((p, q) => p * q, 1));
      for (const idx of indices(big)) {
        const off = idx.length - small.length;
        let flat = 0;
        small.forEach((s, d) => (flat += s === 1 ? 0 : idx[d + off]! * strides[d]!));
        ref[flat]! += at(g, idx);
      }
      ref.forEach((v, i) => expect(r.data[i]).toBeCloseTo(v, 4));
    });
  }
});

describe("2-D transpose", () => {
  for (const [r, c] of [[1, 1], [1, 9], [4, 4], [5, 3], [64, 128], [13, 67]] as const) {
    it(`(${r}x${c}).T is the same under both backends and moves element [i, j] to [j, i]`, () => {
      manualSeed(17);
      const a = randn([r, c]);
      setBackend("wasm");
      const w = a.T;
      setBackend("js");
      const j = a.T;
      expect(w.shape).toEqual([c, r]);
      expect(Array.from(w.data)).toEqual(Array.from(j.data));
      for (let i = 0; i < r; i++) for (let k = 0; k < c; k++) expect(w.data[k * r + i]).toBe(a.data[i * c + k]);
    });
  }
});

describe("a batched input times one matrix (one folded product, and its one-product weight gradient)", () => {
  it("passes gradcheck in float64", () => {
    manualSeed(19);
    const x = randn([3, 5, 4], { dtype: "float64", requiresGrad: true });
    const w = randn([4, 6], { dtype: "float64", requiresGrad: true });
    expect(gradcheck((a, b) => a!.matmul(b!), [x, w]).ok).toBe(true);
  });

  it("gives the per-batch products and the summed weight gradient in float32 under both backends", () => {
    manualSeed(23);
    for (const backend of ["js", "wasm"] as const) {
      setBackend(backend);
      const x = randn([3, 5, 4]);
      const w = randn([6, 4]).requiresGrad_();
      const y = x.matmul(w.T);
      y.sum().backward();
      for (let b = 0; b < 3; b++) {
        const ref = x.index(b).matmul(w.detach().T);
        for (let i = 0; i < ref.numel(); i++) expect(y.data[b * ref.numel() + i]).toBeCloseTo(ref.data[i]!, 5);
      }
      // d(sum y)/dW[o, i] = Σ over every row of x[…, i].
      for (let o = 0; o < 6; o++) {
        for (let i = 0; i < 4; i++) {
          let s = 0;
          for (let r = 0; r < 15; r++) s += x.data[r * 4 + i]!;
          expect(w.grad!.data[o * 4 + i]).toBeCloseTo(s, 4);
        }
      }
    }
  });
});
