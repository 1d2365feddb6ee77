import { describe, expect, it } from "vitest";
import { tensorBundle, tensorHtml, htmlEdgeItems, htmlMaxAxis } from "../../src/display/tensor-view.js";
import { count, parseXml, plainTensor } from "./helpers.js";

describe("tensor bundle", () => {
  it("has PyTorch's printout as text/plain and a well-formed HTML card", () => {
    const t = plainTensor([2, 3], (i) => i / 10, { requiresGrad: true, name: "w" });
    const bundle = tensorBundle(t);
    expect(bundle["text/plain"]).toBe("tensor([[0.0000, 0.1000, 0.2000],\n        [0.3000, 0.4000, 0.5000]], requiresGrad=true)");
    const html = bundle["text/html"] as string;
    parseXml(html);
    expect(html).toContain("shape [2, 3]");
    expect(html).toContain("float32");
    expect(html).toContain("requiresGrad=true");
    expect(html).toContain("grad is null");
    expect(count(html, /<td /)).toBe(6);
    expect(html).toContain(">0.5000<");
  });

  it("uses the tensor's own PyTorch-shaped toString", () => {
    const t = { ...plainTensor([1], () => 1), toString: () => "tensor([1.], custom)" };
    expect(tensorBundle(t)["text/plain"]).toBe("tensor([1.], custom)");
    const other = { ...plainTensor([1], () => 1), toString: () => "Tensor<1>" };
    expect(tensorBundle(other)["text/plain"]).toBe("tensor([1.])");
  });

  it("escapes user text: a tensor named <script> renders as text", () => {
    const t = plainTensor([2], (i) => i, { name: "<script>alert(1)</script>", gradFn: "<img src=x>" as string });
    const html = tensorHtml(t);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const doc = parseXml(html);
    expect(JSON.stringify(doc)).toContain("<script>alert(1)</script>");
  });

  it("shows gradFn for non-leaves and the grad beside the values", () => {
    const grad = plainTensor([2, 2], (i) => -i);
    const t = plainTensor([2, 2], (i) => i, { requiresGrad: true, grad, gradFn: "MulBackward0" });
    const html = tensorHtml(t);
    expect(html).toContain("gradFn=MulBackward0");
    expect(count(html, /class="tsgrad-values"/)).toBe(2);
    expect(html).toContain('class="tsgrad-grad"');
    expect(html).not.toContain("grad is null");
    expect(html).toContain(">-3.<");
  });

  it("colours 2-D cells as a heat map, not 1-D ones", () => {
    const matrix = tensorHtml(plainTensor([2, 2], (i) => i - 1.5));
    expect(count(matrix, /background:rgb\(/)).toBe(4);
    // Most negative cell is blue-ish, most positive red-ish.
    expect(matrix).toMatch(/background:rgb\(\d+,\d+,\d+\)/);
    const cells = [...matrix.matchAll(/background:rgb\((\d+),(\d+),(\d+)\)/g)].map((m) => m.slice(1).map(Number));
    expect(cells[0]![2]!).toBeGreaterThan(cells[0]![0]!);
    expect(cells[3]![0]!).toBeGreaterThan(cells[3]![2]!);
    expect(count(tensorHtml(plainTensor([4], (i) => i)), /background:rgb\(/)).toBe(0);
  });

  it(`summarises axes longer than ${htmlMaxAxis} to ${htmlEdgeItems} items from each end`, () => {
    const full = tensorHtml(plainTensor([htmlMaxAxis, htmlMaxAxis], (i) => i));
    expect(count(full, /<td /)).toBe(htmlMaxAxis * htmlMaxAxis);
    expect(full).not.toContain("…");
    const cut = tensorHtml(plainTensor([htmlMaxAxis + 1, 50], (i) => i));
    const side = 2 * htmlEdgeItems + 1;
    expect(count(cut, /<tr>/)).toBe(side);
    expect(count(cut, /<td /)).toBe(side * side);
    expect(cut).toContain("⋮");
    expect(cut).toContain("⋱");
    // The last element is shown: row 12, column 49.
    expect(cut).toContain(`>${(htmlMaxAxis * 50 + 49).toFixed(0)}.<`);
  });

  it("draws one table per trailing 2-D slice of a 3-D tensor, leading axis cut past 4", () => {
    expect(count(tensorHtml(plainTensor([3, 2, 2], (i) => i)), /<table/)).toBe(3);
    const cut = tensorHtml(plainTensor([9, 2, 2], (i) => i));
    expect(count(cut, /<table/)).toBe(4);
    expect(cut).toContain("[0, :, :]");
    expect(cut).toContain("[8, :, :]");
  });

  it("handles scalars, empty tensors and non-finite values", () => {
    expect(tensorHtml(plainTensor([], () => 2.5))).toContain(">2.5000<");
    expect(tensorHtml(plainTensor([0, 3], () => 0))).toContain("(empty)");
    const html = tensorHtml(plainTensor([3], (i) => [NaN, 1, Infinity][i]!));
    expect(html).toContain(">nan<");
    expect(html).toContain("2 non-finite");
  });

  // Its rendering time is measured in bench/display-render.js.
  it("renders a 1e6-element tensor (with its grad) summarised", () => {
    const grad = plainTensor([1000, 1000], (i) => Math.cos(i));
    const t = plainTensor([1000, 1000], (i) => Math.sin(i), { requiresGrad: true, grad });
    const bundle = tensorBundle(t);
    const html = bundle["text/html"] as string;
    expect(html.length).toBeLessThan(60_000);
    expect(count(html, /<td /)).toBe(2 * 11 * 11);
    expect(bundle["text/plain"]).toContain("...");
  });
});
