// The text form of plain tensor-shaped objects: the tensor layer's printout (src/tensor/format.ts),
// fed with the display layer's structural `TensorLike`, whose gradFn may be a node object.
import { formatTensor as formatPrintable, type PrintOptions } from "../tensor/format.js";
import { gradFnName, type TensorLike } from "./structural.js";

export { defaultPrintOptions, keptIndices, shownValues, ValueFormatter, type PrintOptions } from "../tensor/format.js";

/** PyTorch's `repr(tensor)` in tsgrad's words: `tensor([1.0000, 2.5000], requiresGrad=true)`. */
export function formatTensorLike(t: TensorLike, options: Partial<PrintOptions> = {}): string {
  const { shape, dtype, data, requiresGrad } = t;
  return formatPrintable({ shape, dtype, data, requiresGrad, gradFn: gradFnName(t) }, options);
}
