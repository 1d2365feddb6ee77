// conv2d and maxPool2d on float32 arrays in the WebAssembly SIMD module (simd.as, "Convolution and
// pooling"): operands are copied into the module's memory, the patches, packed panels and a block's
// intermediate results live in its scratch memory, and only the results are copied out, so a call
// allocates nothing on the JS side.
import { align, instanceFor, mainKernels, type Kernels } from "./wasm.js";

/** The shapes of one conv2d call: input N×C×H×W, weight O×C×kh×kw, stride, padding, output Ho×Wo. */
export interface ConvGeometry {
  readonly N: number; readonly C: number; readonly H: number; readonly W: number;
  readonly O: number; readonly kh: number; readonly kw: number;
  readonly sh: number; readonly sw: number; readonly ph: number; readonly pw: number;
  readonly Ho: number; readonly Wo: number;
}

/** The window geometry of a 2-D pooling over `planes` H×W planes. */
export interface PoolGeometry {
  readonly planes: number; readonly H: number; readonly W: number;
  readonly kh: number; readonly kw: number; readonly sh: number; readonly sw: number;
  readonly ph: number; readonly pw: number; readonly Ho: number; readonly Wo: number;
}

/** What follows the convolution inside one call: nothing, relu, or relu then max pooling. */
export type ConvEpilogue =
  | { readonly kind: "none" }
  | { readonly kind: "relu" }
  | { readonly kind: "reluMaxPool"; readonly pool: PoolGeometry };

/** Field order of simd.as's ConvGeo record (its pooling fields last). */
const CONV_FIELDS = ["N", "C", "H", "W", "O", "kh", "kw", "sh", "sw", "ph", "pw", "Ho", "Wo"] as const;
const POOL_FIELDS = ["kh", "kw", "sh", "sw", "ph", "pw", "Ho", "Wo"] as const;
const GEO_BYTES = 128;

function writeGeometry(k: Kernels, at: number, g: ConvGeometry, e: ConvEpilogue): void {
  const i32 = k.i32;
  const base = at >> 2;
  CONV_FIELDS.forEach((f, i) => (i32[base + i] = g[f]));
  POOL_FIELDS.forEach((f, i) => (i32[base + CONV_FIELDS.length + i] = e.kind === "reluMaxPool" ? e.pool[f] : 0));
}

/** Scratch bytes the module needs for this geometry (asked of the module, which lays them out). */
function workBytes(g: ConvGeometry, e: ConvEpilogue): number {
  const main = mainKernels();
  if (main === null) return 0;
  main.reserve(main.heap + GEO_BYTES);
  writeGeometry(main, main.heap, g, e);
  return main.exports.convWorkBytes(main.heap);
}

/**
 * Places the geometry record and then `arrays` (byte lengths, null for an absent operand: offset 0)
 * one after another from the heap start, then the scratch area; returns the instance and the offsets
 * [geometry, ...arrays, work].
 */
function place(name: string, g: ConvGeometry, e: ConvEpilogue, arrays: readonly (number | null)[]): [Kernels, number[]] {
  const work = workBytes(g, e);
  const layout = (heap: number): number[] => {
    const offsets = [heap];
    let at = align(heap + GEO_BYTES);
    for (const bytes of arrays) {
      offsets.push(bytes === null ? 0 : at);
      if (bytes !== null) at = align(at + bytes);
    }
    offsets.push(at);
    return offsets;
  };
  const k = instanceFor(name, (heap) => layout(heap).at(-1)! + work);
  const offsets = layout(k.heap);
  writeGeometry(k, offsets[0]!, g, e);
  return [k, offsets];
}

const copyOut = (k: Kernels, at: number, out: Float32Array | Int32Array): void => {
  out.set((out instanceof Int32Array ? k.i32 : k.f32).subarray(at >> 2, (at >> 2) + out.length));
};

/**
 * out = conv2d(x, w) + bias, then the epilogue: max(·, 0), or max(·, 0) max-pooled with `idx` the flat
 * index (in the unpooled result) of each max. The products run in float32 in the order of the
 * module's 4×8 tiles, each bias added before the first product block.
 */
export function wasmConvForward(
  x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, idx: Int32Array | null,
  g: ConvGeometry, e: ConvEpilogue,
): void {
  const [k, [geo, xb, wb, bb, ob, ib, work]] = place("conv2d", g, e, [
    x.length * 4, w.length * 4, bias === null ? null : bias.length * 4, out.length * 4, idx === null ? null : idx.length * 4,
  ]);
  const f32 = k.f32;
  f32.set(x, xb! >> 2);
  f32.set(w, wb! >> 2);
  if (bias !== null) f32.set(bias, bb! >> 2);
  k.exports.convForward(geo!, xb!, wb!, bb!, ob!, e.kind === "none" ? 0 : 1, e.kind === "reluMaxPool" ? 1 : 0, ib!, work!);
  copyOut(k, ob!, out);
  if (idx !== null) copyOut(k, ib!, idx);
}

/** What a fused block's backward reads to turn its output gradient into the convolution's. */
export type ConvUpstream =
  | { readonly kind: "none" }
  | { readonly kind: "relu"; readonly y: Float32Array }
  | { readonly kind: "reluMaxPool"; readonly pool: PoolGeometry; readonly y: Float32Array; readonly idx: Int32Array };

/**
 * The gradients of conv2d (after the block's relu and pooling, undone first inside the module) for the
 * output gradient `grad`, each only when its array is given: dx (needs w), dw (needs x), db = Σ of the
 * convolution's gradient per output channel, summed in float64. After max pooling only one gradient
 * per window is non-zero, and the module sums just those (convBackwardPooled); dx too when a patch
 * row is whole vectors (kw·C a multiple of 4), otherwise dx comes from the dense product.
 */
export function wasmConvBackward(
  x: Float32Array | null, w: Float32Array | null, grad: Float32Array,
  dx: Float32Array | null, dw: Float32Array | null, db: Float64Array | null, g: ConvGeometry, up: ConvUpstream,
): void {
  const bytes = (a: { length: number } | null, size: number): number | null => (a === null ? null : a.length * size);
  const pooled = up.kind === "reluMaxPool";
  const denseDx = pooled && dx !== null && (g.kw * g.C) % 4 !== 0;
  const e: ConvEpilogue = pooled ? { kind: "reluMaxPool", pool: up.pool } : { kind: "none" };
  const [k, [geo, xb, wb, gb, yb, ib, cb, dxb, dwb, dbb, work]] = place("conv2d backward", g, e, [
    dw === null ? null : bytes(x, 4), dx === null ? null : bytes(w, 4), grad.length * 4,
    up.kind === "none" ? null : up.y.length * 4, pooled ? up.idx.length * 4 : null,
    denseDx ? g.N * g.O * g.Ho * g.Wo * 4 : null, bytes(dx, 4), bytes(dw, 4), bytes(db, 8),
  ]);
  const f32 = k.f32;
  if (dw !== null) f32.set(x!, xb! >> 2);
  if (dx !== null) f32.set(w!, wb! >> 2);
  f32.set(grad, gb! >> 2);
  if (up.kind === "relu") {
    f32.set(up.y, yb! >> 2);
    // relu's backward in place: the convolution's gradient replaces the block's.
    k.exports.reluBackward(yb!, gb!, gb!, grad.length);
  }
  if (up.kind === "reluMaxPool") {
    f32.set(up.y, yb! >> 2);
    k.i32.set(up.idx, ib! >> 2);
    k.exports.convBackwardPooled(geo!, xb!, wb!, gb!, ib!, yb!, denseDx ? 0 : dxb!, dwb!, dbb!, work!);
    if (denseDx) {
      k.exports.maxPoolReluBackward(gb!, ib!, yb!, cb!, grad.length, g.N * g.O * g.Ho * g.Wo);
      k.exports.convBackward(geo!, 0, wb!, cb!, dxb!, 0, 0, work!);
    }
  } else {
    k.exports.convBackward(geo!, xb!, wb!, gb!, dxb!, dwb!, dbb!, work!);
  }
  if (dx !== null) copyOut(k, dxb!, dx);
  if (dw !== null) copyOut(k, dwb!, dw);
  if (db !== null) db.set(k.f64.subarray(dbb! >> 3, (dbb! >> 3) + db.length));
}

/** out = the max of each window, idx = the flat input index it came from (PyTorch's choice on ties and NaN). */
export function wasmMaxPool(x: Float32Array, out: Float32Array, idx: Int32Array, p: PoolGeometry): void {
  const layout = (heap: number): number[] => {
    const xb = heap;
    const ob = align(xb + x.length * 4);
    const ib = align(ob + out.length * 4);
    return [xb, ob, ib, align(ib + idx.length * 4)];
  };
  const k = instanceFor("maxPool2d", (heap) => layout(heap)[3]!);
  const [xb, ob, ib] = layout(k.heap) as [number, number, number];
  k.f32.set(x, xb >> 2);
  k.exports.maxPool(xb, ob, ib, 0, p.planes, p.H, p.W, p.kh, p.kw, p.sh, p.sw, p.ph, p.pw, p.Ho, p.Wo);
  copyOut(k, ob, out);
  copyOut(k, ib, idx);
}

/** dx = 0, then dx[idx[k]] += grad[k]: max pooling's backward. */
export function wasmMaxPoolBackward(grad: Float32Array, idx: Int32Array, dx: Float32Array): void {
  const layout = (heap: number): number[] => {
    const gb = heap;
    const ib = align(gb + grad.length * 4);
    const db = align(ib + idx.length * 4);
    return [gb, ib, db, align(db + dx.length * 4)];
  };
  const k = instanceFor("maxPool2d backward", (heap) => layout(heap)[3]!);
  const [gb, ib, db] = layout(k.heap) as [number, number, number];
  k.f32.set(grad, gb >> 2);
  k.i32.set(idx, ib >> 2);
  k.exports.maxPoolBackward(gb, ib, db, grad.length, dx.length);
  copyOut(k, db, dx);
}
