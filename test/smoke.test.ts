// The public entry (src/index.ts, what `import ... from "tsgrad"` and the kernel's preload give): one
// training step through every layer it re-exports, with numbers worked out by hand.
import { describe, expect, it } from "vitest";
import * as tsgrad from "../src/index.js";

describe("public entry", () => {
  it("takes one SGD step: w = 2, loss = (3w − 1)² has gradient 30, so lr 0.1 moves w to −1", () => {
    const { tensor, nn, optim } = tsgrad;
    const w = tensor([2], { requiresGrad: true });
    const loss = new nn.MSELoss().forward(w.mul(3), tensor([1]));
    expect(loss.item()).toBe(25);
    loss.backward();
    expect([...w.grad!.data]).toEqual([30]);
    const opt = new optim.SGD([w], { lr: 0.1 });
    opt.step();
    expect([...w.data]).toEqual([-1]);
    opt.zeroGrad();
    expect(w.grad).toBeNull();
  });

  it("batches a dataset through data.DataLoader and shows a tensor through the display protocol", () => {
    const { data, tensor, arange, jupyterDisplay } = tsgrad;
    const loader = new data.DataLoader(new data.TensorDataset(arange(6).reshape(3, 2)), { batchSize: 2 });
    expect([...loader].map(([x]) => x!.shape)).toEqual([[2, 2], [1, 2]]);
    const bundle = (tensor([1.5]) as unknown as Record<symbol, () => Record<string, unknown>>)[jupyterDisplay]!();
    expect(bundle["text/plain"]).toBe("tensor([1.5000])");
  });
});
