// SGD's fast path against its reference. optim/sgd.ts's sgd() sends float32 parameters of 256 elements
// and more to the fused WebAssembly kernels (f64x2 arithmetic), plain and general (momentum, dampening,
// nesterov, weight decay, maximize), and everything else to the reference loop singleTensorSgd:
// θ ← θ − lr·g computed in double and stored in the parameter's dtype. Both must give the same bits.
import { afterEach, describe, expect, it } from "vitest";
import { getBackend, manualSeed, optim, randn, setBackend, type Tensor } from "../../src/index.js";
import { singleTensorSgd } from "../../src/optim/sgd.js";
import { fusedSgd, fusedSgdApplies } from "../../src/tensor/fused-sgd.js";

const initial = getBackend();
afterEach(() => setBackend(initial));
/** The kernels exist once `npm run build` compiled them (the tests run from src/ and load dist's .wasm). */
const wasmBuilt = ((): boolean => {
  try {
    setBackend("wasm");
    return true;
  } catch {
    return false;
  } finally {
    setBackend(initial);
  }
})();

describe("SGD without momentum", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const n of [1, 3, 4, 5, 7, 8, 129, 256, 1027, 8192]) {
      it(`${dtype}, ${n} elements: θ − lr·g exactly`, () => {
        manualSeed(n);
        const p = randn([n], { dtype, requiresGrad: true });
        const before = [...p.data];
        p.grad = randn([n], { dtype });
        const g = [...p.grad.data];
        new optim.SGD([p], { lr: 0.1 }).step();
        const round = dtype === "float32" ? Math.fround : (v: number) => v;
        expect([...p.data]).toEqual(before.map((t, i) => round(t - 0.1 * g[i]!)));
      });
    }
  }

  it("matches the general loop (maximize on the negated gradient) on the same parameters", () => {
    manualSeed(1);
    const a = randn([37], { requiresGrad: true });
    const b = a.detach().clone().requiresGrad_();
    a.grad = randn([37]);
    b.grad = a.grad.clone();
    new optim.SGD([a], { lr: 0.3 }).step();
    // maximize with a negated gradient takes the general path and the same values.
    b.grad = b.grad.neg();
    new optim.SGD([b], { lr: 0.3, maximize: true }).step();
    expect([...a.data]).toEqual([...b.data]);
  });
});

describe("SGD's WebAssembly kernels give the JS loops' bits", () => {
  const configs: Partial<optim.SGDOptions>[] = [
    { lr: 0.01 },
    { lr: 0.05, momentum: 0.9 },
    { lr: 0.05, momentum: 0.9, dampening: 0.3 },
    { lr: 0.05, momentum: 0.8, nesterov: true },
    { lr: 0.1, weightDecay: 1e-2 },
    { lr: 0.1, maximize: true },
    { lr: 0.07, momentum: 0.5, dampening: 0.1, weightDecay: 3e-3, maximize: true },
    { lr: 0.07, momentum: 0.9, nesterov: true, weightDecay: 1e-4 },
  ];
  /** Parameters after three steps with fresh gradients each time, on one backend. */
  function run(backend: "js" | "wasm", n: number, options: Partial<optim.SGDOptions>, changeMomentum = false): number[][] {
    setBackend(backend);
    manualSeed(n);
    const params = [randn([n], { requiresGrad: true }), randn([3, n], { requiresGrad: true })];
    const opt = new optim.SGD(params, options);
    for (let s = 0; s < 3; s++) {
      for (const p of params) p.grad = randn(p.shape).mul(10 ** (s - 1));
      if (changeMomentum && s === 2) opt.paramGroups[0]!.momentum = 0;
      opt.step();
    }
    const state = params.map((p) => (opt.state.get(p)?.momentumBuffer as Tensor | undefined)?.data ?? []);
    return [...params.map((p) => [...p.data]), ...state.map((b) => [...b])];
  }
  for (const options of configs) {
    for (const n of [256, 257, 1027]) {
      it(`${JSON.stringify(options)}, ${n} elements`, () => {
        expect(wasmBuilt, "the WebAssembly kernels are built (npm run build)").toBe(true);
        const js = run("js", n, options);
        const wasm = run("wasm", n, options);
        expect(wasm.length).toBe(js.length);
        wasm.forEach((values, k) => expect(values, `array ${k}`).toEqual(js[k]));
      });
    }
  }
  it("a momentum set to 0 after the buffer exists updates the buffer as the JS loop does", () => {
    expect(wasmBuilt).toBe(true);
    expect(run("wasm", 300, { lr: 0.05, momentum: 0.9 }, true)).toEqual(run("js", 300, { lr: 0.05, momentum: 0.9 }, true));
  });
});

describe("fusedSgd against singleTensorSgd on the same storages", () => {
  const hyper = [
    { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
    { lr: 0.05, momentum: 0.9, dampening: 0.2, weightDecay: 1e-3, nesterov: false, maximize: true },
    { lr: 0.02, momentum: 0.7, dampening: 0, weightDecay: 0, nesterov: true, maximize: false },
  ];
  for (const [k, h] of hyper.entries()) {
    for (const first of [true, false]) {
      it(`hyper-parameters #${k}, ${first ? "first" : "later"} step, 256..263 elements`, () => {
        setBackend("wasm");
        for (let n = 256; n < 264; n++) {
          manualSeed(n + k);
          const theta = randn([n]).data as Float32Array;
          const grad = randn([n]).mul(3).data as Float32Array;
          const buf = h.momentum === 0 ? null : (randn([n]).data as Float32Array);
          const ref = { theta: theta.slice(), buf: buf?.slice() ?? null };
          expect(fusedSgdApplies(theta, grad, buf)).toBe(true);
          fusedSgd(theta, grad, buf, first, h);
          singleTensorSgd(ref.theta, grad, ref.buf, first, h);
          expect([...theta]).toEqual([...ref.theta]);
          expect(buf === null ? null : [...buf]).toEqual(ref.buf === null ? null : [...ref.buf]);
        }
      });
    }
  }
});
