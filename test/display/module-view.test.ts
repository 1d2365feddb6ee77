import { describe, expect, it } from "vitest";
import { gradHistogram, gradHistogramBundle, histogram } from "../../src/display/grad-histogram.js";
import { moduleBundle, summarizeModule } from "../../src/display/module-view.js";
import type { ModuleLike, TensorLike } from "../../src/display/structural.js";
import { count, embeddedSvgs, expectSvg, parseXml, plainTensor } from "./helpers.js";

// A module shaped like PyTorch's: the repr below is what torch prints for the same layers.
function net(grads: Record<string, TensorLike | null> = {}): ModuleLike {
  const params: [string, TensorLike][] = [
    ["features.0.weight", plainTensor([8, 4], (i) => i / 32, { requiresGrad: true, grad: grads["features.0.weight"] ?? null })],
    ["features.0.bias", plainTensor([8], () => 0, { requiresGrad: true, grad: grads["features.0.bias"] ?? null })],
    ["head.weight", plainTensor([3, 8], () => 0.1, { requiresGrad: true, grad: grads["head.weight"] ?? null })],
    ["head.bias", plainTensor([3], () => 0, { requiresGrad: false, grad: null })],
  ];
  return {
    namedParameters: () => params,
    toString: () =>
      [
        "Net(",
        "  (features): Sequential(",
        "    (0): Linear(in_features=4, out_features=8, bias=True)",
        "    (1): ReLU()",
        "  )",
        "  (head): Linear(in_features=8, out_features=3, bias=True)",
        ")",
      ].join("\n"),
  };
}

describe("module bundle", () => {
  it("annotates each submodule of the repr with its parameter count", () => {
    const { lines, total, trainable } = summarizeModule(net());
    expect(total).toBe(32 + 8 + 24 + 3);
    expect(trainable).toBe(64);
    expect(lines.map((l) => [l.path, l.params])).toEqual([
      ["", 67],
      ["features", 40],
      ["features.0", 40],
      ["features.1", 0],
      [null, 0],
      ["head", 27],
      [null, 0],
    ]);
  });

  it("text/plain keeps the repr with counts; HTML is a well-formed table", () => {
    const bundle = moduleBundle(net());
    const text = bundle["text/plain"] as string;
    expect(text.split("\n")[2]).toMatch(/^ {4}\(0\): Linear\(in_features=4, out_features=8, bias=True\)\s+# 40 params$/);
    expect(text).toContain("    (1): ReLU()\n");
    expect(text.endsWith("Total parameters: 67 (trainable: 64)")).toBe(true);
    const html = bundle["text/html"] as string;
    parseXml(html);
    expect(count(html, /<tr[ >]/)).toBe(7);
    expect(html).toContain("27 params");
  });
});

describe("gradHistogram", () => {
  it("counts values into equal bins, clamping out-of-range ones into the end bins", () => {
    const h = histogram([0, 0.1, 0.5, 0.99, 1, 2, -1, NaN], 4, 0, 1);
    expect(h.counts).toEqual([3, 0, 1, 3]);
    expect(h.clipped).toBe(2);
    expect(h.nonFinite).toBe(1);
  });

  it("draws one valid SVG per parameter and says which grads are null", () => {
    const model = net({
      "features.0.weight": plainTensor([8, 4], (i) => Math.sin(i)),
      "head.weight": plainTensor([3, 8], (i) => (i % 5) * 0.01),
    });
    const bundle = gradHistogramBundle(model);
    const html = bundle["text/html"] as string;
    parseXml(html);
    const svgs = embeddedSvgs(html);
    expect(svgs).toHaveLength(4);
    svgs.forEach(expectSvg);
    expect(count(svgs.join(""), /grad is null/)).toBe(2);
    // 30 bins, the 32 weight grads all counted.
    const barCounts = [...svgs[0]!.matchAll(/<title>(\d+)<\/title>/g)].map((m) => Number(m[1]));
    expect(barCounts.reduce((a, b) => a + b, 0)).toBe(32);
    const text = bundle["text/plain"] as string;
    expect(text.split("\n")[0]).toBe("Gradient histograms (4 parameters, 2 with grad null)");
    expect(text).toMatch(/features\.0\.bias\s+\[8\]\s+grad is null/);
    expect(text).toMatch(/head\.weight\s+\[3, 8\]\s+‖grad‖=/);
  });

  it("sharedAxis gives every histogram the same x range", () => {
    const model = net({ "features.0.weight": plainTensor([8, 4], (i) => i / 31), "head.weight": plainTensor([3, 8], (i) => -i) });
    const ranges = (html: string) => embeddedSvgs(html).filter((svg) => !svg.includes("grad is null")).map((svg) => [...svg.matchAll(/font-size="10" fill="#444"[^>]*>([^<]+)</g)].map((x) => x[1]).join(" … "));
    const own = ranges(gradHistogramBundle(model)["text/html"] as string);
    expect(own).toEqual(["0 … 1", "-23 … 0"]);
    const shared = ranges(gradHistogramBundle(model, { sharedAxis: true })["text/html"] as string);
    expect(shared).toEqual(["-23 … 1", "-23 … 1"]);
  });

  it("is a snapshot of the grads at the call, and escapes parameter names", () => {
    const grad = plainTensor([2], () => 1);
    const params: [string, TensorLike][] = [["<b>evil</b>", plainTensor([2], () => 0, { grad })]];
    const model: ModuleLike = { namedParameters: () => params, toString: () => "M()" };
    const before = gradHistogram(model);
    (grad.data as Float32Array).fill(5);
    const html = before.bundle()["text/html"] as string;
    expect(html).not.toContain("<b>evil");
    expect(html).toContain("&lt;b&gt;evil");
    expect(before.bundle()["text/plain"]).toContain("‖grad‖=1.414");
  });
});
