// Attaches the display protocol to tsgrad's classes. Lives here, not in tensor/nn/optim, so those
// layers never import display code.
import * as nn from "../nn/index.js";
import * as optim from "../optim/index.js";
import * as tensorLayer from "../tensor/index.js";
import { accumulationBundle } from "./accumulation-counter.js";
import { gradHistogram, type GradHistogramOptions } from "./grad-histogram.js";
import { jupyterDisplay, type MimeBundle } from "./mime-bundle.js";
import { moduleBundle } from "./module-view.js";
import type { AccumulationState, ModuleLike, TensorLike } from "./structural.js";
import { tensorBundle } from "./tensor-view.js";

import type { Figure } from "./figure.js";

// Cells are type-checked: declare the method installDisplays() adds to modules.
declare module "../nn/module.js" {
  interface Module {
    /** One histogram per parameter of its current `.grad` (see `gradHistogram`). */
    gradHistogram(opts?: GradHistogramOptions): Figure;
  }
}

type Class = { prototype: object };

export interface DisplayTargets {
  Tensor?: Class;
  Module?: Class;
  GradientAccumulator?: Class;
}

function define(proto: object, key: PropertyKey, value: unknown, overwrite: boolean): void {
  if (!overwrite && key in proto) return;
  Object.defineProperty(proto, key, { value, configurable: true, writable: true, enumerable: false });
}

/** The classes of this package that get displays. */
export function defaultTargets(): DisplayTargets {
  return { Tensor: tensorLayer.Tensor, Module: nn.Module, GradientAccumulator: optim.GradientAccumulator };
}

/**
 * Gives `Tensor`, `nn.Module` and `GradientAccumulator` instances a `[Symbol.for("Jupyter.display")]`
 * method, and modules a `gradHistogram(opts?)` method. Idempotent.
 */
export function installDisplays(targets: DisplayTargets = defaultTargets()): void {
  if (targets.Tensor) {
    define(targets.Tensor.prototype, jupyterDisplay, function (this: TensorLike): MimeBundle {
      return tensorBundle(this);
    }, true);
  }
  if (targets.Module) {
    define(targets.Module.prototype, jupyterDisplay, function (this: ModuleLike): MimeBundle {
      return moduleBundle(this);
    }, true);
    define(targets.Module.prototype, "gradHistogram", function (this: ModuleLike, opts?: GradHistogramOptions) {
      return gradHistogram(this, opts);
    }, false);
  }
  if (targets.GradientAccumulator) {
    define(targets.GradientAccumulator.prototype, jupyterDisplay, function (this: AccumulationState): MimeBundle {
      return accumulationBundle(this);
    }, true);
  }
}
