// The training step's fused paths (nn.Linear as one node, CrossEntropyLoss as one node) against the
// compositions they replace: the same bits, forward and backward, and PyTorch's node names.
import { afterEach, describe, expect, it } from "vitest";
import { ArgumentError, getBackend, manualSeed, memory, nn, randint, randn, setBackend, tensor, type Tensor } from "../../src/index.js";
import { releaseGraph } from "../../src/tensor/autograd.js";

const initial = getBackend();
afterEach(() => setBackend(initial));

/** Element by element with Object.is: equal bits (−0 ≠ 0, NaN = NaN). */
function expectSameBits(actual: Tensor | null, expected: Tensor | null, what: string): void {
  expect(actual, what).not.toBeNull();
  const a = [...actual!.data];
  const e = [...expected!.data];
  expect(a.length, what).toBe(e.length);
  const first = a.findIndex((v, i) => !Object.is(v, e[i]));
  expect(first, `${what}: element ${first} is ${a[first]}, composition gives ${e[first]}`).toBe(-1);
}

const SHAPES: [number, number, number][] = [[32, 64, 128], [32, 128, 10], [1, 1, 1], [7, 13, 5], [33, 65, 129], [5, 300, 17]];

describe("nn.Linear (fused node on the wasm backend)", () => {
  for (const backend of ["wasm", "js"] as const) {
    for (const [n, i, o] of SHAPES) {
      for (const bias of [true, false]) {
        it(`${backend}: ${n}×${i} → ${o}${bias ? "" : " without bias"} equals x·Wᵀ + b bit for bit, values and gradients`, () => {
          setBackend(backend);
          manualSeed(n * 1000 + i + o);
          const layer = new nn.Linear(i, o, { bias });
          const x = randn([n, i], { requiresGrad: true });
          const g = randn([n, o]);
          const y = layer.forward(x);
          expect(y.gradFn).toBe(backend === "wasm" && bias ? "AddmmBackward0" : bias ? "AddBackward0" : "MmBackward0");
          y.backward(g);
          const grads = [x.grad, layer.weight.grad, layer.bias?.grad ?? null];
          x.grad = null;
          layer.zeroGrad();
          const ref = bias ? x.matmul(layer.weight.T).add(layer.bias!) : x.matmul(layer.weight.T);
          ref.backward(g);
          expectSameBits(y, ref, "output");
          expectSameBits(grads[0]!, x.grad, "input gradient");
          expectSameBits(grads[1]!, layer.weight.grad, "weight gradient");
          if (bias) expectSameBits(grads[2]!, layer.bias!.grad, "bias gradient");
        });
      }
    }
  }

  it("folds a 3-D or 4-D float32 input into the fused node's rows (PyTorch 1.13's node names): the 2-D results reshaped, no transposed weight saved", () => {
    setBackend("wasm");
    manualSeed(7);
    const layer = new nn.Linear(4, 3);
    for (const lead of [[2, 5], [2, 3, 2]]) {
      const x = randn([...lead, 4], { requiresGrad: true });
      const g = randn([...lead, 3]);
      // Only the input is kept (the weight is a parameter): no transposed copy of it. (An activation,
      // not a leaf, since leaves that require grad are not counted.)
      const activation = x.mul(1);
      const before = memory.savedBytes();
      const kept = layer.forward(activation);
      expect(memory.savedBytes() - before).toBe(activation.numel() * 4);
      releaseGraph(kept);
      const y = layer.forward(x);
      expect(y.gradFn).toBe(lead.length === 2 ? "ViewBackward0" : "AddBackward0");
      expect(y.shape).toEqual([...lead, 3]);
      y.backward(g);
      const grads = [x.grad, layer.weight.grad, layer.bias!.grad];
      x.grad = null;
      layer.zeroGrad();
      const flat = layer.forward(x.detach().view(-1, 4).requiresGrad_());
      flat.backward(g.view(-1, 3));
      expectSameBits(y, flat, "output");
      expectSameBits(grads[1]!, layer.weight.grad, "weight gradient");
      expectSameBits(grads[2]!, layer.bias!.grad, "bias gradient");
      layer.zeroGrad();
    }
  });

  it("leaves float64 and the js backend to the composition (same node names as before)", () => {
    setBackend("wasm");
    const l64 = new nn.Linear(4, 3, { dtype: "float64" });
    const y = l64.forward(randn([2, 4], { dtype: "float64" }));
    expect(y.dtype).toBe("float64");
    expect(y.gradFn).toBe("AddBackward0");
    setBackend("js");
    expect(new nn.Linear(4, 3).forward(randn([2, 5, 4], { requiresGrad: true })).gradFn).toBe("AddBackward0");
  });

  it("records no node when nothing requires grad, and saves only what backward needs", () => {
    setBackend("wasm");
    const layer = new nn.Linear(4, 3);
    layer.weight.requiresGrad = false;
    layer.bias!.requiresGrad = false;
    const y = layer.forward(randn([2, 4]));
    expect(y.gradFn).toBeNull();
    expect(y.shape).toEqual([2, 3]);
  });
});

describe("nn.CrossEntropyLoss (one node for class indices)", () => {
  const cases: [number, number][] = [[32, 10], [1, 1], [1, 5], [7, 3], [64, 100], [256, 10]];
  for (const dtype of ["float32", "float64"] as const) {
    for (const [n, c] of cases) {
      for (const reduction of ["mean", "sum"] as const) {
        it(`${dtype} ${n}×${c} ${reduction}: loss and gradient equal logSoftmax·onehot's bit for bit, also under a later div`, () => {
          manualSeed(n * 7 + c);
          const ce = new nn.CrossEntropyLoss({ reduction });
          for (const [scale, div] of [[1, 1], [30, 8], [0.01, 3]] as const) {
            const x = randn([n, c], { dtype }).mul(scale).detach().requiresGrad_();
            const y = randint(0, c, [n]);
            const loss = ce.forward(x, y);
            expect(loss.gradFn).toBe("NllLossBackward0");
            (div === 1 ? loss : loss.div(div)).backward();
            const grad = x.grad;
            x.grad = null;
            const onehot = tensor(
              Array.from({ length: n }, (_, i) => Array.from({ length: c }, (_, k) => (k === y.data[i] ? 1 : 0))),
              { dtype },
            );
            const losses = x.logSoftmax(1).mul(onehot).sum(1).neg();
            const ref = reduction === "mean" ? losses.mean() : losses.sum();
            (div === 1 ? ref : ref.div(div)).backward();
            expectSameBits(loss, ref, "loss");
            expectSameBits(grad, x.grad, "gradient");
          }
        });
      }
    }
  }

  it("keeps the general path for weights, label smoothing, ignored targets and reduction none", () => {
    const x = randn([4, 3], { requiresGrad: true });
    const y = tensor([0, 2, 1, 2]);
    expect(new nn.CrossEntropyLoss({ weight: tensor([1, 2, 3]) }).forward(x, y).gradFn).not.toBe("NllLossBackward0");
    expect(new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(x, y).gradFn).not.toBe("NllLossBackward0");
    expect(new nn.CrossEntropyLoss({ reduction: "none" }).forward(x, y).shape).toEqual([4]);
    const ignored = new nn.CrossEntropyLoss({ ignoreIndex: 2 }).forward(x, y);
    expect(ignored.gradFn).not.toBe("NllLossBackward0");
    // Only samples 0 and 2 count: the mean of their two losses.
    const logp = x.logSoftmax(1);
    expect(ignored.item()).toBeCloseTo(-(logp.data[0]! + logp.data[7]!) / 2, 6);
  });

  it("still reports bad targets", () => {
    const ce = new nn.CrossEntropyLoss();
    const x = randn([2, 3], { requiresGrad: true });
    expect(() => ce.forward(x, tensor([0, 3]))).toThrow(ArgumentError);
    expect(() => ce.forward(x, tensor([0, 1.5]))).toThrow(/not a class index/);
    expect(() => ce.forward(x, tensor([0, 1, 2]))).toThrow(/batch size/);
  });

  it("is single-use like the composition: a second backward fails unless the graph is retained", () => {
    const x = randn([3, 4], { requiresGrad: true });
    const loss = new nn.CrossEntropyLoss().forward(x, tensor([1, 0, 3]));
    loss.backward(undefined, { retainGraph: true });
    const once = [...x.grad!.data];
    loss.backward();
    expect([...x.grad!.data]).toEqual(once.map((v) => Math.fround(v + v)));
    expect(() => loss.backward()).toThrow(/backward through the graph a second time/);
  });
});
