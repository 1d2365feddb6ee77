// Backward recycles the buffers of gradients nothing can reach any more: whatever a user can still
// see (hooks' arguments, retained grads, the gradient passed to backward, forward results, leaf
// grads) must keep its values through later passes that reuse buffers of the same sizes.
import { describe, expect, it } from "vitest";
import { manualSeed, randn, tensor, type Tensor } from "../../../src/tensor/index.js";

const copy = (t: Tensor): number[] => Array.from(t.data);

/**
 * A graph with fan-out, pass-through gradients (add, views) into consumers that read their gradient
 * while allocating one of the same size (transpose, matmul), broadcasting, all sized ≥ 64 elements.
 */
function graph(x: Tensor, w: Tensor, b: Tensor): { h: Tensor; z: Tensor; loss: Tensor } {
  const h = x.matmul(w).add(b).relu();
  const z = h.T.add(w.T.matmul(x.T).mul(0.5));
  const v = h.reshape(-1).view(8, 16);
  const loss = v.mul(v).add(h.view(8, 16)).sum().add(h.mean().mul(3)).add(x.mul(x).sum()).add(z.mul(z).sum());
  return { h, z, loss };
}

function leaves(): [Tensor, Tensor, Tensor] {
  manualSeed(3);
  return [randn([8, 12]).requiresGrad_(), randn([12, 16]).requiresGrad_(), randn([16]).requiresGrad_()];
}

describe("gradient buffer recycling", () => {
  it("gives the same gradients on every repetition, with other work in between", () => {
    const [x, w, b] = leaves();
    graph(x, w, b).loss.backward();
    const first = [copy(x.grad!), copy(w.grad!), copy(b.grad!)];
    for (let r = 0; r < 5; r++) {
      for (const t of [x, w, b]) t.grad = null;
      const other = randn([8, 16]).requiresGrad_();
      other.mul(2).relu().sum().backward();
      graph(x, w, b).loss.backward();
      expect([copy(x.grad!), copy(w.grad!), copy(b.grad!)]).toEqual(first);
    }
  });

  it("leaves forward results, retained grads, hook arguments and the caller's gradient untouched", () => {
    const [x, w, b] = leaves();
    const { h, z } = graph(x, w, b);
    h.retainGrad();
    const seen: Tensor[] = [];
    z.registerHook((g) => void seen.push(g));
    w.registerHook((g) => void seen.push(g));
    const root = z.mul(z).add(h.T);
    manualSeed(5);
    const given = randn([16, 8]);
    const givenBefore = copy(given);
    root.backward(given);
    const snapshot = { h: copy(h), hGrad: copy(h.grad!), seen: copy(seen[0]!), seenLeaf: copy(seen[1]!), wGrad: copy(w.grad!) };
    for (let r = 0; r < 5; r++) {
      // Other values of the same shapes, so a wrongly reused buffer would change.
      const again = graph(x.detach().mul(r + 2).requiresGrad_(), w.detach().add(r).requiresGrad_(), b.detach().requiresGrad_());
      again.loss.backward();
      randn([8, 16]).add(1).T.add(2);
    }
    expect(copy(h)).toEqual(snapshot.h);
    expect(copy(h.grad!)).toEqual(snapshot.hGrad);
    expect(copy(seen[0]!)).toEqual(snapshot.seen);
    expect(copy(seen[1]!)).toEqual(snapshot.seenLeaf);
    expect(snapshot.seenLeaf).toEqual(snapshot.wGrad);
    expect(copy(w.grad!)).toEqual(snapshot.wGrad);
    expect(copy(given)).toEqual(givenBefore);
    // z's gradient is 2·z·given, as the hook saw it.
    snapshot.seen.forEach((v, i) => expect(v).toBeCloseTo(2 * z.data[i]! * givenBefore[i]!, 4));
  });

  it("keeps a gradient passed through to two consumers until both have read it", () => {
    manualSeed(3);
    const h = randn([8, 16]).requiresGrad_();
    const k = randn([16, 8]).requiresGrad_();
    // AddBackward hands the same gradient 2z to both sides; the transpose allocates 128 floats first.
    const z = h.T.add(k.mul(0.5));
    z.mul(z).sum().backward();
    for (let i = 0; i < 16; i++) {
      for (let j = 0; j < 8; j++) {
        expect(h.grad!.data[j * 16 + i]).toBeCloseTo(2 * z.data[i * 8 + j]!, 5);
        expect(k.grad!.data[i * 8 + j]).toBeCloseTo(z.data[i * 8 + j]!, 5);
      }
    }
  });

  it("accumulates correctly into leaves over several backward passes", () => {
    const [x, w, b] = leaves();
    graph(x, w, b).loss.backward();
    const once = copy(w.grad!);
    graph(x, w, b).loss.backward();
    graph(x, w, b).loss.backward();
    w.grad!.data.forEach((v, i) => expect(v).toBeCloseTo(3 * once[i]!, 3));
  });
});

describe("buffers handed out again", () => {
  it("come back zeroed to ops that only write part of them (slice's backward scatters into zeros)", () => {
    manualSeed(53);
    for (let r = 0; r < 3; r++) {
      // Dirty 128-float gradient buffers go back for reuse…
      const t = randn([16, 8]).requiresGrad_();
      t.mul(t).add(7).sum().backward();
      // …and the next 128-float gradient must still be zero outside the two sliced rows.
      const a = randn([16, 8]).requiresGrad_();
      a.slice(0, 2).sum().backward();
      const g = Array.from(a.grad!.data);
      expect(g.slice(0, 16)).toEqual(new Array(16).fill(1));
      expect(g.slice(16)).toEqual(new Array(112).fill(0));
    }
  });
});
