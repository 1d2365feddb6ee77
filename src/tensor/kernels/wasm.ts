// Loads the WebAssembly SIMD kernels (dist/tensor/kernels/simd.wasm, built from simd.as by
// `npm run build`: the matrix product, a 2-D transpose, relu and the arithmetic of bias rows) and runs
// them on float32 arrays copied into the module's memory.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The few WebAssembly globals used here (the project's lib settings carry no WebAssembly types).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface GemmExports {
  memory: WasmMemory;
  heapBase(): number;
  workBytes(M: number, N: number, K: number): number;
  gemm(A: number, B: number, C: number, M: number, N: number, K: number, transA: number, transB: number, accumulate: number, work: number): void;
  transpose(src: number, dst: number, r: number, c: number): void;
  relu(src: number, dst: number, n: number): void;
  reluBackward(s: number, g: number, dst: number, n: number): void;
  binaryRows(op: number, a: number, b: number, dst: number, n: number, m: number): void;
  sumRows(src: number, dst: number, rows: number, m: number): void;
  sgd(theta: number, grad: number, n: number, lr: number): void;
  convWorkBytes(geo: number): number;
  convForward(geo: number, x: number, w: number, bias: number, out: number, relu: number, pool: number, idx: number, work: number): void;
  convBackward(geo: number, x: number, w: number, g: number, dx: number, dw: number, db: number, work: number): void;
  convBackwardPooled(geo: number, x: number, w: number, g: number, idx: number, y: number, dx: number, dw: number, db: number, work: number): void;
  maxPool(x: number, out: number, idx: number, first: number, planes: number, H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, Ho: number, Wo: number): void;
  maxPoolBackward(g: number, idx: number, dx: number, nOut: number, nIn: number): void;
  maxPoolReluBackward(g: number, idx: number, y: number, dx: number, nOut: number, nIn: number): void;
  sgdGeneral(
    theta: number, grad: number, buf: number, n: number, lr: number, momentum: number, keep: number, wd: number,
    first: number, nesterov: number, maximize: number, hasBuf: number,
  ): void;
}

/** Where the built module may be: beside the compiled loader in dist/, or in dist/ when run from src/ (tests). */
const CANDIDATES = ["./simd.wasm", "../../../dist/tensor/kernels/simd.wasm"];

/** Memory the long-lived instance may keep; a call needing more gets an instance of its own, dropped after. */
const KEEP_BYTES = 64 * 2 ** 20;
/** A 32-bit module's memory ends at 4 GiB. */
const MAX_BYTES = 2 ** 32 - 2 ** 16;

/** One instance of the module with views on its memory (replaced when the memory grows). */
export class Kernels {
  readonly exports: GemmExports;
  /** First byte the loader may use. */
  readonly heap: number;
  f32: Float32Array;
  f64: Float64Array;
  i32: Int32Array;

  constructor(module: object) {
    this.exports = new WebAssembly.Instance(module, {}).exports as GemmExports;
    this.heap = align(this.exports.heapBase());
    this.f32 = new Float32Array(this.exports.memory.buffer);
    this.f64 = new Float64Array(this.exports.memory.buffer);
    this.i32 = new Int32Array(this.exports.memory.buffer);
  }

  /** Makes the memory at least `bytes` long. */
  reserve(bytes: number): void {
    const memory = this.exports.memory;
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
    if (this.f32.buffer !== memory.buffer) {
      this.f32 = new Float32Array(memory.buffer);
      this.f64 = new Float64Array(memory.buffer);
      this.i32 = new Int32Array(memory.buffer);
    }
  }
}

let compiled: object | null | undefined;
let main: Kernels | null = null;

/** @internal The long-lived instance (null when the module is not available). */
export function mainKernels(): Kernels | null {
  load();
  return main;
}
let loadError = "";

function load(): object | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  for (const rel of CANDIDATES) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (!existsSync(path)) continue;
    try {
      const module = new WebAssembly.Module(readFileSync(path));
      main = new Kernels(module);
      compiled = module;
      return compiled;
    } catch (e) {
      loadError = `${path}: ${(e as Error).message}`;
    }
  }
  if (loadError === "") loadError = "simd.wasm not found (run `npm run build`)";
  return null;
}

/** True when the WebAssembly kernel is built and this runtime supports SIMD. */
export function wasmGemmAvailable(): boolean {
  return load() !== null;
}

/** Why the kernel could not be loaded (empty when it was). */
export function wasmGemmLoadError(): string {
  load();
  return loadError;
}

/** @internal `n` rounded up to a multiple of 64 bytes (where the loader starts each operand). */
export const align = (n: number): number => (n + 63) & ~63;

/** Bytes of memory the long-lived instance holds (it never shrinks, so it is capped). */
export function wasmKeptBytes(): number {
  load();
  return main === null ? 0 : main.exports.memory.buffer.byteLength;
}

/** @internal An instance whose memory holds `bytes` past its heap start: the long-lived one unless that is too much. */
export function instanceFor(name: string, bytes: (heap: number) => number): Kernels {
  const module = load();
  if (module === null || main === null) throw new Error(`${name}: the WebAssembly kernel is not available: ${loadError}`);
  const need = bytes(main.heap);
  if (need > MAX_BYTES) {
    throw new Error(`${name}: ${need} bytes of operands do not fit a WebAssembly memory (4 GiB); use setBackend("js") for products this large`);
  }
  const k = need <= KEEP_BYTES ? main : new Kernels(module);
  k.reserve(need);
  return k;
}

/** One product of a batch: element offsets into X, Y and C. */
export interface GemmBatch {
  readonly xo: number;
  readonly yo: number;
  readonly co: number;
}

/**
 * C[co…] (+)= op(X[xo…]) · op(Y[yo…]) for each batch entry, each a (rows×inner)·(inner×cols) product; X is
 * stored inner×rows when `transX`, Y cols×inner when `transY`. With `accumulate` the products add to C's
 * values, otherwise they replace them. Operands are copied into the module's memory once per call.
 */
export function wasmGemm(
  X: Float32Array, Y: Float32Array, C: Float32Array, batches: readonly GemmBatch[],
  rows: number, inner: number, cols: number, transX: boolean, transY: boolean, accumulate: boolean,
): void {
  const layout = (heap: number): number[] => {
    const xb = heap;
    const yb = align(xb + X.length * 4);
    const cb = align(yb + Y.length * 4);
    const wb = align(cb + C.length * 4);
    return [xb, yb, cb, wb];
  };
  load();
  const workBytes = main === null ? 0 : main.exports.workBytes(rows, cols, inner);
  const k = instanceFor("wasmGemm", (heap) => layout(heap)[3]! + workBytes);
  const [xb, yb, cb, wb] = layout(k.heap) as [number, number, number, number];
  const f32 = k.f32;
  f32.set(X, xb >> 2);
  f32.set(Y, yb >> 2);
  // Without accumulation the kernel overwrites each product's C (zeroed first when inner = 0).
  if (accumulate) f32.set(C, cb >> 2);
  else if (inner === 0) f32.fill(0, cb >> 2, (cb >> 2) + C.length);
  const tx = transX ? 1 : 0;
  const ty = transY ? 1 : 0;
  const acc = accumulate ? 1 : 0;
  for (const b of batches) {
    k.exports.gemm(xb + b.xo * 4, yb + b.yo * 4, cb + b.co * 4, rows, cols, inner, tx, ty, acc, wb);
  }
  C.set(f32.subarray(cb >> 2, (cb >> 2) + C.length));
}

/**
 * C (rows×cols) = X (rows×inner) · Wᵀ (W stored cols×inner), then + bias on every row when given: a
 * Linear layer's forward in one call. The bias is added to the float32 products in place, before C is
 * copied out (the same values as adding it afterwards).
 */
export function wasmLinear(X: Float32Array, W: Float32Array, bias: Float32Array | null, C: Float32Array, rows: number, inner: number, cols: number): void {
  load();
  const workBytes = main === null ? 0 : main.exports.workBytes(rows, cols, inner);
  const layout = (heap: number): number[] => {
    const xb = heap;
    const yb = align(xb + X.length * 4);
    const bb = align(yb + W.length * 4);
    const cb = align(bb + (bias === null ? 0 : bias.length * 4));
    const wb = align(cb + C.length * 4);
    return [xb, yb, bb, cb, wb];
  };
  const k = instanceFor("wasmLinear", (heap) => layout(heap)[4]! + workBytes);
  const [xb, yb, bb, cb, wb] = layout(k.heap) as [number, number, number, number, number];
  const f32 = k.f32;
  f32.set(X, xb >> 2);
  f32.set(W, yb >> 2);
  if (inner === 0) f32.fill(0, cb >> 2, (cb >> 2) + C.length);
  k.exports.gemm(xb, yb, cb, rows, cols, inner, 0, 1, 0, wb);
  if (bias !== null && C.length > 0) {
    f32.set(bias, bb >> 2);
    k.exports.binaryRows(WASM_BINARY_OPS.add, cb, bb, cb, C.length, cols);
  }
  C.set(f32.subarray(cb >> 2, (cb >> 2) + C.length));
}

/**
 * Copies `inputs` into an instance's memory one after another, leaves room for `outLength` floats,
 * and returns the instance with the byte offsets: inputs first, the output last.
 */
function stage(name: string, inputs: readonly Float32Array[], outLength: number): [Kernels, number[]] {
  const layout = (heap: number): number[] => {
    const offsets: number[] = [];
    let at = heap;
    for (const a of inputs) {
      offsets.push(at);
      at = align(at + a.length * 4);
    }
    offsets.push(at);
    return offsets;
  };
  const k = instanceFor(name, (heap) => layout(heap).at(-1)! + outLength * 4);
  const offsets = layout(k.heap);
  inputs.forEach((a, i) => k.f32.set(a, offsets[i]! >> 2));
  return [k, offsets];
}

/** Copies the kernel's output at byte offset `at` into `out`. */
function unstage(k: Kernels, at: number, out: Float32Array): void {
  out.set(k.f32.subarray(at >> 2, (at >> 2) + out.length));
}

/** out = max(src, 0), float32. */
export function wasmRelu(src: Float32Array, out: Float32Array): void {
  const [k, [s, d]] = stage("wasmRelu", [src], out.length);
  k.exports.relu(s!, d!, out.length);
  unstage(k, d!, out);
}

/** out = grad where the saved relu output is > 0, else 0. */
export function wasmReluBackward(saved: Float32Array, grad: Float32Array, out: Float32Array): void {
  const [k, [s, g, d]] = stage("wasmReluBackward", [saved, grad], out.length);
  k.exports.reluBackward(s!, g!, d!, out.length);
  unstage(k, d!, out);
}

/** The ops `wasmBinaryRows` runs, by name, with the code simd.as's `binaryRows` expects for each. */
const WASM_BINARY_OPS = { add: 0, sub: 1, mul: 2, div: 3 } as const;
export type WasmBinaryOp = keyof typeof WASM_BINARY_OPS;

/** True when the SIMD kernel has a loop for `op`. */
export function hasWasmBinaryOp(op: string): op is WasmBinaryOp {
  return Object.hasOwn(WASM_BINARY_OPS, op);
}

/** out[i] = a[i] op b[i mod b.length] (b.length divides a.length: the same shape, or a row repeated). */
export function wasmBinaryRows(op: WasmBinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): void {
  const [k, [pa, pb, d]] = stage("wasmBinaryRows", [a, b], out.length);
  k.exports.binaryRows(WASM_BINARY_OPS[op], pa!, pb!, d!, out.length, b.length);
  unstage(k, d!, out);
}

/** acc[j] = Σ_r src[r·m + j] in float64 (acc.length = m divides src.length): a bias gradient. */
export function wasmSumRows(src: Float32Array, acc: Float64Array): void {
  const m = acc.length;
  const [k, [s, d]] = stage("wasmSumRows", [src], 2 * m);
  k.exports.sumRows(s!, d!, src.length / m, m);
  acc.set(k.f64.subarray(d! >> 3, (d! >> 3) + m));
}

/** out (c×r) = transpose of src (r×c), both float32 (SIMD 4×4 blocks; copies in and out beat strided JS loops). */
export function wasmTranspose(src: Float32Array, out: Float32Array, r: number, c: number): void {
  const [k, [s, d]] = stage("wasmTranspose", [src], out.length);
  k.exports.transpose(s!, d!, r, c);
  unstage(k, d!, out);
}

/** theta −= lr·grad in place, float32 storage, each value computed in float64 and rounded once (plain SGD). */
export function wasmSgd(theta: Float32Array, grad: Float32Array, lr: number): void {
  const [k, [t, g]] = stage("wasmSgd", [theta, grad], 0);
  k.exports.sgd(t!, g!, theta.length, lr);
  unstage(k, t!, theta);
}

/**
 * SGD with momentum, weight decay or maximize on float32 storage, in place on theta and buf (the
 * momentum buffer, null when there is none); `first` when the buffer starts from this step's gradient.
 */
export function wasmSgdGeneral(
  theta: Float32Array, grad: Float32Array, buf: Float32Array | null, first: boolean,
  lr: number, momentum: number, dampening: number, weightDecay: number, nesterov: boolean, maximize: boolean,
): void {
  const [k, [t, g, b]] = stage("wasmSgdGeneral", buf === null ? [theta, grad] : [theta, grad, buf], 0);
  k.exports.sgdGeneral(
    t!, g!, buf === null ? 0 : b!, theta.length, lr, momentum, 1 - dampening, weightDecay,
    first ? 1 : 0, nesterov ? 1 : 0, maximize ? 1 : 0, buf === null ? 0 : 1,
  );
  unstage(k, t!, theta);
  if (buf !== null) unstage(k, b!, buf);
}
