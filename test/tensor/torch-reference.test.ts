// Values and gradients against numbers computed by PyTorch (test/fixtures/torch_reference.py).
import { describe, expect, it } from "vitest";
import { cat, conv2d, maxPool2d, stack, tensor, type Tensor } from "../../src/tensor/index.js";
import { expectClose, loadFixture } from "./torch-fixture.js";

const fixture = { cases: loadFixture("torch_reference.json") };

type Expr = (t: Record<string, Tensor>) => Tensor;

// The same expressions as in torch_reference.py, written with tsgrad.
const EXPRESSIONS: Record<string, Expr> = {
  broadcast_add_mul: ({ a, b, c }) => a!.add(b!).mul(c!).sub(b!.div(c!.abs().add(1))).pow(2).sum(),
  broadcast_sub_div_scalar: ({ a, b }) => a!.sub(b!).div(b!.mul(b!).add(2)).mul(3).sub(1).sum(),
  matmul_chain: ({ a, b, c }) => a!.matmul(b!).matmul(c!).tanh().sum(),
  matmul_vector_batched: ({ v, m, x, w }) =>
    v!.matmul(m!).sum().add(x!.matmul(m!).matmul(w!).pow(2).sum()).add(v!.matmul(v!)),
  matmul_batched_broadcast: ({ x, y }) => x!.matmul(y!).exp().mean(),
  softmax_logsoftmax: ({ x, w }) => x!.softmax(1).mul(w!).sum().add(x!.logSoftmax(0).mul(w!).sum()),
  two_layer_tanh_cross_entropy: ({ x, w1, b1, w2, b2, t }) =>
    x!.matmul(w1!).add(b1!).tanh().matmul(w2!).add(b2!).logSoftmax(1).gather(1, t!).mean().neg(),
  two_layer_relu_cross_entropy: ({ x, w1, b1, w2, b2, t }) =>
    x!.matmul(w1!).add(b1!).relu().matmul(w2!).add(b2!).logSoftmax(1).gather(1, t!).mean().neg(),
  unary_chain: ({ x }) =>
    x!.exp().sqrt().add(x!.abs().add(1).log()).add(x!.sigmoid().mul(x!.tanh())).sub(x!.neg().relu()).sum(),
  reductions: ({ x }) =>
    x!.sum(1).pow(2).sum()
      .add(x!.mean([0, 2], true).exp().sum())
      .add(x!.max(1).values.sum())
      .add(x!.var(1).sum())
      .add(x!.max().mul(2)),
  shapes_and_indexing: ({ x }) =>
    x!.reshape(4, 6).T.matmul(x!.flatten(1)).sum()
      .add(x!.transpose(0, 2).index(1).pow(2).sum())
      .add(x!.slice(1, 3).unsqueeze(0).squeeze(0).exp().sum())
      .add(cat([x!, x!.mul(2)], 1).pow(3).sum())
      .add(stack([x!.index(0), x!.index(3)], 2).tanh().sum()),
  conv2d_relu_maxpool: ({ x, w, b }) =>
    maxPool2d(conv2d(x!, w!, b!, { stride: 1, padding: 1 }).relu(), 2).pow(2).sum(),
  conv2d_stride2: ({ x, w }) => maxPool2d(conv2d(x!, w!, null, { stride: 2, padding: 0 }), 3, 1).mul(1.5).tanh().sum(),
};

describe("values and gradients match PyTorch 1.13", () => {
  it("covers every expression of the fixture", () => {
    const names = new Set(fixture.cases.map((c) => c.name));
    expect([...names].sort()).toEqual(Object.keys(EXPRESSIONS).sort());
  });

  for (const c of fixture.cases) {
    it(`${c.name} (${c.dtype})`, () => {
      const tol = c.dtype === "float64" ? 1e-10 : 1e-5;
      const leaves: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(c.inputs)) {
        leaves[k] = tensor(v.data, { dtype: c.dtype, shape: v.shape, requiresGrad: v.requiresGrad === true });
      }
      const out = EXPRESSIONS[c.name]!(leaves);
      expect(out.dtype).toBe(c.dtype);
      expect([...out.shape]).toEqual(c.output.shape);
      expectClose(out.data, c.output.data, tol, "output");
      out.backward();
      for (const [k, g] of Object.entries(c.grads)) {
        const grad = leaves[k]!.grad;
        expect(grad, `grad of ${k}`).not.toBeNull();
        expect([...grad!.shape]).toEqual(g.shape);
        expectClose(grad!.data, g.data, tol, `grad of ${k}`);
      }
    });
  }
});
