import { adaptiveAvgPool2d, avgPool2d, type Tensor } from "../tensor/index.js";
import { Module } from "./module.js";

type Size2 = number | [number, number];

/**
 * Mean over kernelSize windows of [N, C, H, W] images, moving by `stride` (default: kernelSize), with
 * `padding` zeros counted in each window's size unless countIncludePad is false (PyTorch's AvgPool2d).
 */
export class AvgPool2d extends Module {
  readonly kernelSize: Size2;
  readonly stride: Size2;
  readonly padding: Size2;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(
    kernelSize: Size2,
    { stride, padding = 0, countIncludePad = true, divisorOverride = null }: { stride?: Size2; padding?: Size2; countIncludePad?: boolean; divisorOverride?: number | null } = {},
  ) {
    super();
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
    this.countIncludePad = countIncludePad;
    this.divisorOverride = divisorOverride;
  }

  forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, this.stride, this.padding, { countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride });
  }

  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.stride)}, padding=${JSON.stringify(this.padding)}`;
  }
}

/** Mean over windows that tile each image into outputSize (1 = global average pooling), as PyTorch's AdaptiveAvgPool2d. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | [number | null, number | null]) {
    super();
  }

  forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }

  override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}
