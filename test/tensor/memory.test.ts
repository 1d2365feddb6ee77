// The memory meter and the graph being freed: a training loop must not grow.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { manualSeed, memory, noGrad, randint, randn, tensor, zeros } from "../../src/tensor/index.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

async function collect(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("memory meter", () => {
  it("counts exactly what ops save, each storage once and parameters never, and frees it on backward", () => {
    const before = memory.savedBytes();
    const x = tensor([[1, 2, 3]]); // 12 bytes, an input
    const w = zeros([3, 4], { requiresGrad: true }); // 48 bytes, a parameter
    const h = x.matmul(w); // saves x (for dW) and w (for dx, but x needs none): only x's 12 bytes
    expect(memory.savedBytes() - before).toBe(12);
    const r = h.relu(); // saves its output (1x4): 16 bytes
    expect(memory.savedBytes() - before).toBe(28);
    const w2 = zeros([4, 2], { requiresGrad: true });
    const o = r.matmul(w2); // saves r's output again, for dW2: the same storage, nothing added
    expect(memory.savedBytes() - before).toBe(28);
    const s = o.add(1).sum(); // add and sum save nothing
    expect(memory.savedBytes() - before).toBe(28);
    expect(memory.peakSavedBytes()).toBeGreaterThanOrEqual(before + 28);
    s.backward();
    expect(memory.savedBytes()).toBe(before);
  });

  it("a storage saved by two graphs stays counted until both are freed; views of a parameter are never counted", () => {
    const before = memory.savedBytes();
    const w = zeros([4, 4], { requiresGrad: true });
    const x = randn([2, 4]);
    const a = x.matmul(w.reshape(4, 4)).sum(); // the reshaped parameter shares its storage
    const b = x.matmul(w).exp().sum();
    expect(memory.savedBytes() - before).toBe(32 + 32); // x once, exp's output once
    a.backward();
    expect(memory.savedBytes() - before).toBe(64); // b still holds x
    b.backward();
    expect(memory.savedBytes()).toBe(before);
  });

  it("saves nothing under noGrad or for inputs that need no grad", () => {
    const before = memory.savedBytes();
    const x = randn([8, 8], { requiresGrad: true });
    noGrad(() => x.exp().matmul(x).tanh());
    randn(8, 8).exp().tanh();
    expect(memory.savedBytes()).toBe(before);
  });

  it("mul saves only the operand the other side's gradient needs", () => {
    const before = memory.savedBytes();
    const a = zeros([10], { dtype: "float64", requiresGrad: true });
    const b = zeros([10], { dtype: "float64" });
    const y = a.mul(b); // dA = g * b: only b (80 bytes)
    expect(memory.savedBytes() - before).toBe(80);
    y.sum().backward();
    expect(memory.savedBytes()).toBe(before);
  });

  it("resetPeak starts a new peak from the current value", () => {
    const x = randn([100], { requiresGrad: true });
    const y = x.exp().sum();
    expect(memory.peakSavedBytes()).toBeGreaterThanOrEqual(memory.savedBytes());
    y.backward();
    memory.resetPeak();
    expect(memory.peakSavedBytes()).toBe(memory.savedBytes());
  });

  it("releases a graph dropped without backward once it is garbage collected", async () => {
    await collect();
    const before = memory.savedBytes();
    (() => {
      const x = randn([1000], { requiresGrad: true });
      x.exp().tanh().sum();
    })();
    expect(memory.savedBytes()).toBeGreaterThan(before);
    await collect();
    expect(memory.savedBytes()).toBe(before);
  });

  it("counts the tensor storage allocated", () => {
    const before = memory.allocatedBytes();
    zeros([1000], { dtype: "float64" });
    expect(memory.allocatedBytes() - before).toBe(8000);
    const x = zeros([10]);
    const mid = memory.allocatedBytes();
    x.reshape(2, 5).detach(); // views share storage
    expect(memory.allocatedBytes()).toBe(mid);
    x.add(1); // one new float32 result
    expect(memory.allocatedBytes() - mid).toBe(40);
  });
});

describe("a training loop does not grow", () => {
  it("10,000 forward+backward steps of a tiny MLP leave nothing saved and the heap bounded", async () => {
    manualSeed(0);
    const w1 = randn([4, 16], { requiresGrad: true });
    const b1 = zeros([16], { requiresGrad: true });
    const w2 = randn([16, 3], { requiresGrad: true });
    const b2 = zeros([3], { requiresGrad: true });
    const x = randn(8, 4);
    const target = randint(0, 3, [8, 1]);
    const params = [w1, b1, w2, b2];
    const step = (): number => {
      const logits = x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
      const loss = logits.logSoftmax(1).gather(1, target).mean().neg();
      loss.backward();
      noGrad(() => {
        for (const p of params) {
          const d = p.data;
          const g = p.grad!.data;
          for (let i = 0; i < d.length; i++) d[i]! -= 0.05 * g[i]!;
          p.grad = null;
        }
      });
      return loss.item();
    };
    const base = memory.savedBytes();
    const first = step();
    for (let i = 0; i < 1000; i++) step();
    await collect();
    const heapAfterWarmup = process.memoryUsage().heapUsed;
    let last = 0;
    for (let i = 0; i < 9000; i++) {
      last = step();
      if (i % 1000 === 0) expect(memory.savedBytes()).toBe(base);
    }
    await collect();
    const growth = process.memoryUsage().heapUsed - heapAfterWarmup;
    expect(memory.savedBytes()).toBe(base);
    expect(growth).toBeLessThan(8 * 1024 * 1024);
    expect(last).toBeLessThan(first); // it did learn something
  });
});
