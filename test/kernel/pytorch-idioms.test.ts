// PyTorch idioms a learner types into a notebook cell, type-checked and run by the kernel.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resultText, TestClient } from "./client.js";

describe("PyTorch idioms in kernel cells", () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start();
  });
  afterAll(async () => {
    await client?.close();
  });

  const run = async (code: string): Promise<string | undefined> => {
    const { reply, outputs } = await client.execute(code);
    expect(reply.content, code).toMatchObject({ status: "ok" });
    return resultText(outputs);
  };

  it("calls a module and a loss, typed by their forward", async () => {
    await run(
      [
        "manualSeed(0);",
        "class Net extends nn.Module {",
        "  fc = new nn.Linear(3, 2);",
        "  forward(x: Tensor): Tensor { return this.fc(x).relu(); }",
        "}",
        "const net = new Net();",
        "const lossFn = new nn.CrossEntropyLoss();",
      ].join("\n"),
    );
    expect(await run("const out: Tensor = net(tensor([[1, 2, 3]]));\nout.shape")).toBe("[ 1, 2 ]");
    expect(await run("typeof lossFn(net(tensor([[1, 2, 3]])), tensor([1])).item()")).toBe("'number'");
    // A wrong argument type is a type error in the cell, as calling forward would be.
    const wrong = await client.execute("net('x')");
    expect(wrong.reply.content["status"]).toBe("error");
  });

  it("runs device lines, size methods, in-place updates, F, subscripts and generators as globals", async () => {
    await run(
      [
        'const device = cuda.isAvailable() ? "cuda" : "cpu";',
        "const g = new RandomGenerator().manualSeed(2147483647);",
        "const W = randn([3, 2], { generator: g, device }).requiresGrad_();",
        "const X = tensor([[1, 0, 2], [0, 1, 1]]).to(device);",
        "const logits = X.matmul(W);",
        "const loss = F.crossEntropy(logits, tensor([1, 0]));",
        "loss.backward();",
        "noGrad(() => W.sub_(W.grad!.mul(0.1)));",
      ].join("\n"),
    );
    expect(await run("[device, X.size(), X.size(-1), X.dim(), X.numel(), X.contiguous() === X]")).toBe("[ 'cpu', [ 2, 3 ], 3, 2, 6, true ]");
    expect(await run("X.get(':', 2).tolist()")).toBe("[ 2, 1 ]");
    expect(await run("X.set(0, ':', 5).get(0).tolist()")).toBe("[ 5, 5, 5 ]");
    expect(await run("multinomial(tensor([0, 1]), 3, { replacement: true, generator: g }).tolist()")).toBe("[ 1, 1, 1 ]");
    const gpu = await client.execute("X.cuda()");
    expect(gpu.reply.content).toMatchObject({ status: "error", ename: "ArgumentError" });
    expect(String(gpu.reply.content["evalue"])).toContain('device "cuda" is not available');
  });

  it("takes second-order gradients with autograd.grad and saves weights with save/load as globals", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsgrad-idioms-"));
    try {
      await run(
        [
          'const x = tensor([0.5, 2], { dtype: "float64", requiresGrad: true });',
          "const [dx] = autograd.grad(x.pow(3).sum(), x, { createGraph: true });",
          "const [dxx] = autograd.grad(dx.sum(), x);",
          "const net2 = new nn.Linear(2, 1);",
          `save(net2.stateDict(), ${JSON.stringify(join(dir, "net.safetensors"))});`,
        ].join("\n"),
      );
      expect(await run("[dx.tolist(), dxx.tolist()]")).toBe("[ [ 0.75, 12 ], [ 3, 12 ] ]");
      expect(await run(`Object.keys(load(${JSON.stringify(join(dir, "net.safetensors"))}))`)).toBe("[ 'weight', 'bias' ]");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs a causal self-attention head's lines (Embedding, LayerNorm, tril, maskedFill, split, GELU) as globals", async () => {
    await run(
      [
        "manualSeed(1);",
        "const [B, T, C] = [2, 4, 6];",
        "const tokEmb = new nn.Embedding(10, C);",
        "const ln = new nn.LayerNorm(C);",
        "const qkv = new nn.Linear(C, 3 * C);",
        "const x = ln(tokEmb(randint(0, 10, [B, T])));",
        "const [q, k, v] = qkv(x).split(C, 2);",
        "let wei = q.matmul(k.transpose(-2, -1)).mul(C ** -0.5);",
        "wei = wei.maskedFill(tril(ones(T, T)).eq(0), -Infinity).softmax(-1);",
        "const y = new nn.GELU()(wei.matmul(v));",
      ].join("\n"),
    );
    expect(await run("y.shape")).toBe("[ 2, 4, 6 ]");
    // The first position attends only to itself; no NaN anywhere.
    expect(await run("[wei.get(0, 0).tolist(), (y.tolist() as number[][][]).flat(2).every(Number.isFinite)]")).toBe("[ [ 1, 0, 0, 0 ], true ]");
    expect(await run("[eye(2).tolist(), linspace(0, 1, 3).tolist(), allclose(y, y.add(1e-9))]")).toBe("[ [ [ 1, 0 ], [ 0, 1 ] ], [ 0, 0.5, 1 ], true ]");
  });

  it("runs nn.init, ModuleDict, randomSplit, a collateFn and the newer optimizers and schedulers", async () => {
    await run(
      [
        "const blocks = new nn.ModuleDict({ enc: new nn.Linear(4, 8), head: new nn.Linear(8, 3) });",
        "nn.init.kaimingUniform_(blocks.get('enc').weight, { a: Math.sqrt(5), generator: new RandomGenerator(1) });",
        "nn.init.normal_(blocks.get('head').weight, 0, 0.02);",
        "nn.init.zeros_(blocks.get('head').bias!);",
        "const ds = new data.TensorDataset(randn(10, 4), tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]));",
        "const [train, val] = data.randomSplit(ds, [0.8, 0.2], { generator: new RandomGenerator().manualSeed(42) });",
        "const loader = new data.DataLoader(train, { batchSize: 4, shuffle: true, collateFn: (items) => data.collate(items) });",
        "const opt = new optim.RMSprop(blocks.parameters(), { lr: 0.01, momentum: 0.9 });",
        "const sched = new optim.OneCycleLR(opt, { maxLr: 0.1, epochs: 1, stepsPerEpoch: len(loader) });",
        "for (const [x, y] of loader) {",
        "  opt.zeroGrad();",
        "  F.crossEntropy(blocks.get('head')(blocks.get('enc')(x).relu()), y).backward();",
        "  opt.step();",
        "  sched.step();",
        "}",
      ].join("\n"),
    );
    expect(await run("[len(train), len(val), len(loader), blocks.get('head').bias!.shape]")).toBe("[ 8, 2, 2, [ 3 ] ]");
    expect(await run("sched.getLastLr()[0]! < 0.1")).toBe("true");
    const misspelt = await client.execute("new data.DataLoader(ds, { batch_size: 4 } as never)");
    expect(String(misspelt.reply.content["evalue"])).toContain('DataLoader: unknown option "batch_size"');
  });
});

