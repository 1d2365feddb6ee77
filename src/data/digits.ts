import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { ArgumentError, Tensor, tensor, type DType } from "../tensor/index.js";
import { TensorDataset } from "./dataset.js";
import { mulberry32 } from "../tensor/generator.js";
import { permutation } from "./permutation.js";

/** Shipped with the package (see data/README.md): UCI handwritten digits, CC BY 4.0. */
const DIGITS_FILE = new URL("../../data/digits.csv.gz", import.meta.url);
const PIXELS = 64;
const CLASSES = 10;
/** Fixed split: this seed's permutation puts the first TRAIN_SIZE images in `train`, the rest in `test`. */
const SPLIT_SEED = 20260101;
const TRAIN_SIZE = 1437;

export interface DigitsOptions {
  /** `"train"` (1,437 images), `"test"` (360) or `"all"` (1,797, file order). */
  split?: "train" | "test" | "all";
  /** `"flat"`: inputs [N, 64] for an MLP; `"image"`: inputs [N, 1, 8, 8] for a convolution. */
  shape?: "flat" | "image";
  dtype?: DType;
}

interface RawDigits {
  pixels: Uint8Array; // N*64 counts in 0..16
  labels: Uint8Array; // N labels in 0..9
}

let cached: RawDigits | undefined;

function readDigits(): RawDigits {
  if (cached) return cached;
  const lines = gunzipSync(readFileSync(DIGITS_FILE)).toString("utf8").trim().split("\n");
  const pixels = new Uint8Array(lines.length * PIXELS);
  const labels = new Uint8Array(lines.length);
  lines.forEach((line, row) => {
    const fields = line.split(",").map(Number);
    if (fields.length !== PIXELS + 1) throw new Error(`digits.csv.gz: line ${row + 1} has ${fields.length} fields, expected 65`);
    pixels.set(fields.slice(0, PIXELS), row * PIXELS);
    labels[row] = fields[PIXELS]!;
  });
  cached = { pixels, labels };
  return cached;
}

/** Row indices of a split; the same on every machine and every run. */
export function digitsSplitIndices(split: "train" | "test" | "all"): number[] {
  const n = readDigits().labels.length;
  if (split === "all") return Array.from({ length: n }, (_, i) => i);
  const order = permutation(n, mulberry32(SPLIT_SEED));
  return split === "train" ? order.slice(0, TRAIN_SIZE) : order.slice(TRAIN_SIZE);
}

/**
 * The UCI handwritten digits as a `TensorDataset` of `[inputs, targets]`: pixels scaled from 0..16
 * to [0, 1] (divided by 16) in `dtype`, targets the class indices 0..9 as int64 (as PyTorch's datasets).
 */
export function digits(options: DigitsOptions = {}): TensorDataset<[Tensor, Tensor]> {
  const { split = "train", shape = "flat", dtype = "float32" } = options;
  if (split !== "train" && split !== "test" && split !== "all") {
    throw new ArgumentError(`digits: split should be "train", "test" or "all", got ${JSON.stringify(split)}`);
  }
  if (shape !== "flat" && shape !== "image") {
    throw new ArgumentError(`digits: shape should be "flat" or "image", got ${JSON.stringify(shape)}`);
  }
  const raw = readDigits();
  const rows = digitsSplitIndices(split);
  const x = dtype === "float64" ? new Float64Array(rows.length * PIXELS) : new Float32Array(rows.length * PIXELS);
  const y = new Float64Array(rows.length);
  rows.forEach((row, k) => {
    for (let p = 0; p < PIXELS; p++) x[k * PIXELS + p] = raw.pixels[row * PIXELS + p]! / 16;
    y[k] = raw.labels[row]!;
  });
  const inputShape = shape === "flat" ? [rows.length, PIXELS] : [rows.length, 1, 8, 8];
  return new TensorDataset(tensor(x, { dtype, shape: inputShape }), tensor(y, { dtype: "int64", shape: [rows.length] }));
}

/** Number of digit classes (0..9). */
export const DIGITS_CLASSES = CLASSES;
