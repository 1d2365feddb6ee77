// The plain-TS matrix product kernel behind matmul and conv2d (contiguous rows, i-k-j order), and the
// dispatch that sends float32 products to the WebAssembly SIMD kernel instead.
import type { Storage } from "./dtype.js";
import { useWasm } from "./kernels/backend.js";
import { wasmGemm } from "./kernels/wasm.js";

const ONE: readonly [{ xo: 0; yo: 0; co: 0 }] = [{ xo: 0, yo: 0, co: 0 }];

/**
 * C += X @ Y as `gemm` does, through the WebAssembly kernel when all three arrays are float32 and the
 * backend is "wasm" (callers pass a float32 C only for float32 results; a float64 C keeps the JS loops).
 */
export function gemmAdd(
  X: Storage, xo: number, Y: Storage, yo: number, C: Storage, co: number,
  rows: number, inner: number, cols: number, transX: boolean, transY: boolean,
): void {
  if (C instanceof Float32Array && X instanceof Float32Array && Y instanceof Float32Array && useWasm()) {
    wasmGemm(
      X.subarray(xo, xo + rows * inner), Y.subarray(yo, yo + inner * cols), C.subarray(co, co + rows * cols),
      ONE, rows, inner, cols, transX, transY, true,
    );
    return;
  }
  gemm(X, xo, Y, yo, C, co, rows, inner, cols, transX, transY);
}

/**
 * C += X @ Y for one (rows x inner) @ (inner x cols) product, C in float64 from the JS callers (float32 inputs summed in double); X is stored as
 * (inner x rows) when `transX`, Y as (cols x inner) when `transY` (the two layouts backward needs).
 */
export function gemm(
  X: Storage, xo: number, Y: Storage, yo: number, C: Storage, co: number,
  rows: number, inner: number, cols: number, transX: boolean, transY: boolean,
): void {
  if (transX && transY) throw new Error("gemm: transposing both operands is not supported");
  if (!transX && !transY) {
    for (let i = 0; i < rows; i++) {
      const cRow = co + i * cols;
      const xRow = xo + i * inner;
      // Four rows of Y per pass: a quarter of the loads and stores of C.
      let p = 0;
      for (; p + 3 < inner; p += 4) {
        const x0 = X[xRow + p]!, x1 = X[xRow + p + 1]!, x2 = X[xRow + p + 2]!, x3 = X[xRow + p + 3]!;
        const y0 = yo + p * cols, y1 = y0 + cols, y2 = y1 + cols, y3 = y2 + cols;
        for (let j = 0; j < cols; j++) {
          C[cRow + j]! += x0 * Y[y0 + j]! + x1 * Y[y1 + j]! + x2 * Y[y2 + j]! + x3 * Y[y3 + j]!;
        }
      }
      for (; p < inner; p++) {
        const xv = X[xRow + p]!;
        const yRow = yo + p * cols;
        for (let j = 0; j < cols; j++) C[cRow + j]! += xv * Y[yRow + j]!;
      }
    }
  } else if (!transX && transY) {
    // Y stored as (cols x inner): each output is a dot product of two contiguous rows.
    for (let i = 0; i < rows; i++) {
      const xRow = xo + i * inner;
      for (let j = 0; j < cols; j++) {
        const yRow = yo + j * inner;
        let s = 0;
        for (let p = 0; p < inner; p++) s += X[xRow + p]! * Y[yRow + p]!;
        C[co + i * cols + j]! += s;
      }
    }
  } else {
    // X stored as (inner x rows): C[i, :] += X[p, i] * Y[p, :].
    for (let i = 0; i < rows; i++) {
      const cRow = co + i * cols;
      let p = 0;
      for (; p + 3 < inner; p += 4) {
        const x0 = X[xo + p * rows + i]!, x1 = X[xo + (p + 1) * rows + i]!;
        const x2 = X[xo + (p + 2) * rows + i]!, x3 = X[xo + (p + 3) * rows + i]!;
        const y0 = yo + p * cols, y1 = y0 + cols, y2 = y1 + cols, y3 = y2 + cols;
        for (let j = 0; j < cols; j++) {
          C[cRow + j]! += x0 * Y[y0 + j]! + x1 * Y[y1 + j]! + x2 * Y[y2 + j]! + x3 * Y[y3 + j]!;
        }
      }
      for (; p < inner; p++) {
        const xv = X[xo + p * rows + i]!;
        const yRow = yo + p * cols;
        for (let j = 0; j < cols; j++) C[cRow + j]! += xv * Y[yRow + j]!;
      }
    }
  }
}
