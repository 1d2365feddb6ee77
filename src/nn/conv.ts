import { conv2d, maxPool2d, type DType, type Tensor } from "../tensor/index.js";
import { conv2dReluBlock } from "../tensor/conv2d-block.js";
import { ReLU } from "./activation.js";
import { defaultInitBound, uniformParameter } from "./init.js";
import { checkSize } from "./linear.js";
import { Module } from "./module.js";

type Size2 = number | [number, number];

function pairOf(v: Size2): [number, number] {
  return typeof v === "number" ? [v, v] : v;
}

function formatPair(v: [number, number]): string {
  return `(${v[0]}, ${v[1]})`;
}

/**
 * 2-D convolution over [N, C, H, W] images (cross-correlation, as PyTorch): weight
 * [outChannels, inChannels, kh, kw] and bias start from U(−1/√fanIn, 1/√fanIn), fanIn = inChannels·kh·kw.
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  weight: Tensor;
  bias: Tensor | null;

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Size2,
    { stride = 1, padding = 0, bias = true, dtype = "float32" }: { stride?: Size2; padding?: Size2; bias?: boolean; dtype?: DType } = {},
  ) {
    super();
    checkSize("Conv2d", "inChannels", inChannels);
    checkSize("Conv2d", "outChannels", outChannels);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pairOf(kernelSize);
    this.kernelSize.forEach((k) => checkSize("Conv2d", "kernelSize", k));
    this.stride = pairOf(stride);
    this.padding = pairOf(padding);
    const [kh, kw] = this.kernelSize;
    const bound = defaultInitBound(inChannels * kh * kw);
    this.weight = uniformParameter([outChannels, inChannels, kh, kw], bound, dtype);
    this.bias = bias ? uniformParameter([outChannels], bound, dtype) : null;
  }

  forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding });
  }

  override extraRepr(): string {
    const parts = [`${this.inChannels}, ${this.outChannels}`, `kernelSize=${formatPair(this.kernelSize)}`, `stride=${formatPair(this.stride)}`];
    if (this.padding[0] !== 0 || this.padding[1] !== 0) parts.push(`padding=${formatPair(this.padding)}`);
    if (!this.bias) parts.push("bias=false");
    return parts.join(", ");
  }
}

/** Max over kernelSize windows of [N, C, H, W] images, moving by `stride` (default: kernelSize). */
export class MaxPool2d extends Module {
  readonly kernelSize: Size2;
  readonly stride: Size2;
  readonly padding: Size2;

  constructor(kernelSize: Size2, { stride, padding = 0 }: { stride?: Size2; padding?: Size2 } = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
  }

  forward(input: Tensor): Tensor {
    return maxPool2d(input, this.kernelSize, this.stride, this.padding);
  }

  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.stride)}, padding=${JSON.stringify(this.padding)}`;
  }
}

/**
 * @internal nn.Sequential's fast path for a Conv2d followed by a ReLU (and a MaxPool2d), each of
 * exactly these classes (a subclass may override forward): one call into the SIMD module for float32
 * on the "wasm" backend, the same values as the modules one by one and gradients within 1e-6. Returns the output
 * and how many modules it ran, or null when the modules at `i` are not such a block or it does not apply.
 */
export function runConvBlock(modules: readonly Module[], i: number, input: Tensor): [Tensor, number] | null {
  const conv = modules[i];
  if (conv?.constructor !== Conv2d || modules[i + 1]?.constructor !== ReLU) return null;
  const c = conv as Conv2d;
  const next = modules[i + 2];
  const pool = next?.constructor === MaxPool2d ? (next as MaxPool2d) : null;
  const out = conv2dReluBlock(
    input, c.weight, c.bias, { stride: c.stride, padding: c.padding },
    pool === null ? null : { kernelSize: pool.kernelSize, stride: pool.stride, padding: pool.padding },
  );
  return out === null ? null : [out, pool === null ? 2 : 3];
}
