// Which kernels run float32 work (matrix products, transposes, relu, bias rows and their sums): the
// WebAssembly SIMD module ("wasm", the default when it is built) or the plain TypeScript loops ("js",
// also forced by TSGRAD_BACKEND=js). float64 always runs in the TypeScript loops.
import { ArgumentError } from "../errors.js";
import { wasmGemmAvailable, wasmGemmLoadError } from "./wasm.js";

export type Backend = "js" | "wasm";

let current: Backend | null = null;

/** The backend in use: the one set last, else TSGRAD_BACKEND, else "wasm" when its module loads. */
export function getBackend(): Backend {
  if (current === null) {
    const env = typeof process !== "undefined" ? process.env.TSGRAD_BACKEND : undefined;
    current = env === "js" || !wasmGemmAvailable() ? "js" : "wasm";
  }
  return current;
}

/** Chooses the kernels: "wasm" (SIMD, float32) or "js" (the reference loops, every dtype). */
export function setBackend(backend: Backend): void {
  if (backend !== "js" && backend !== "wasm") {
    throw new ArgumentError(`setBackend: backend must be "js" or "wasm", got ${JSON.stringify(backend)}`);
  }
  if (backend === "wasm" && !wasmGemmAvailable()) {
    throw new ArgumentError(`setBackend: the "wasm" backend is not available: ${wasmGemmLoadError()}`);
  }
  current = backend;
}

/** True when float32 work should go to the WebAssembly kernels. */
export function useWasm(): boolean {
  return (current ?? getBackend()) === "wasm";
}

/** Below this many elements an elementwise op costs less in JS than the copies into the module. */
const WASM_MIN_ELEMENTS = 256;

/** True when an elementwise float32 op over `n` elements should run in the WebAssembly kernel. */
export function wasmWorthIt(n: number): boolean {
  return n >= WASM_MIN_ELEMENTS && useWasm();
}
