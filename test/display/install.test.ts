// The display protocol on tsgrad's own classes (installed by importing the library).
import { afterEach, describe, expect, it } from "vitest";
import * as tsgrad from "../../src/index.js";
import { setDisplaySink } from "../../src/display/display-sink.js";
import { setDisplayClock } from "../../src/display/output.js";
import { FakeClock, parseXml, RecordingSink } from "./helpers.js";

const { tensor, nn, optim, data, isDisplayable, toMimeBundle, display, gradHistogram } = tsgrad;

afterEach(() => {
  setDisplaySink(null);
  setDisplayClock(null);
});

describe("installed displays", () => {
  it("a Tensor shows its own printout and an HTML card with its grad after backward", () => {
    const w = tensor([[1, -2], [3, 4]], { requiresGrad: true });
    w.name = "w";
    expect(isDisplayable(w)).toBe(true);
    const before = toMimeBundle(w);
    expect(before["text/plain"]).toBe(w.toString());
    expect(before["text/html"]).toContain("grad is null");
    const y = w.mul(w).sum();
    expect(toMimeBundle(y)["text/html"]).toContain("gradFn=SumBackward0");
    y.backward();
    const after = toMimeBundle(w)["text/html"] as string;
    parseXml(after);
    expect(after).toContain('class="tsgrad-grad"');
    expect(after).toContain(">-4.<"); // d(w²)/dw = 2w
  });

  it("a real 1e6-element Tensor with its grad renders summarised (timed in bench/display-render.js)", () => {
    const big = tsgrad.randn([1000, 1000], { requiresGrad: true });
    big.grad = tsgrad.randn([1000, 1000]);
    const bundle = toMimeBundle(big);
    expect(bundle["text/plain"]).toContain("...");
    expect((bundle["text/html"] as string).length).toBeLessThan(60_000);
  });

  function model() {
    return new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  }

  it("a Module shows its tree with parameter counts and has gradHistogram()", () => {
    const m = model();
    const text = toMimeBundle(m)["text/plain"] as string;
    expect(text).toContain(`${m.toString().split("\n")[1]!}`);
    expect(text).toMatch(/\(0\): Linear\(.*\)\s+# 40 params/);
    expect(text).toContain("Total parameters: 67 (trainable: 67)");
    expect(String(m.gradHistogram())).toContain("4 parameters, 4 with grad null");
    m.forward(tsgrad.randn([5, 4])).sum().backward();
    expect(String(gradHistogram(m, { sharedAxis: true }))).toContain("4 parameters, 0 with grad null");
  });

  it("a GradientAccumulator shows its counter", () => {
    const m = model();
    const acc = new optim.GradientAccumulator({ optimizer: new optim.SGD(m.parameters(), { lr: 0.05 }), steps: 4 });
    for (let i = 0; i < 3; i++) acc.backward(m.forward(tsgrad.randn([2, 4])).pow(2).mean(), 2);
    expect(toMimeBundle(acc)["text/plain"]).toBe("micro-batch 3/4 [███░]  window items 6 · effective batch — · optimizer steps 0 · last grad norm — · lr 0.05");
    acc.backward(m.forward(tsgrad.randn([2, 4])).pow(2).mean(), 2);
    expect(toMimeBundle(acc)["text/plain"]).toMatch(/^micro-batch 4\/4 \[████\]  window items 8 · effective batch 8 · optimizer steps 1 · last grad norm \d/);
  });

  it("progress wraps a DataLoader, taking its length as the total", () => {
    const sink = new RecordingSink().install();
    setDisplayClock(new FakeClock());
    const ds = new data.TensorDataset(tsgrad.randn([10, 2]), tsgrad.randn([10, 1]));
    const loader = new data.DataLoader(ds, { batchSize: 4 });
    let batches = 0;
    for (const [x] of display.progress(loader, { label: "train" })) batches += x.shape[0]! > 0 ? 1 : 0;
    expect(batches).toBe(3);
    expect(sink.messages.at(-1)!.data["text/plain"]).toMatch(/^train: 100%\|.*\| 3\/3 /);
  });
});
