// conv2d and maxPool2d on float32 arrays in the WebAssembly SIMD module (simd.as, "Convolution and
// pooling"): operands are copied into the module's memory, the patches and packed panels live in its
// scratch memory, and only the results are copied out, so a call allocates nothing on the JS side.
import { align, instanceFor, mainKernels, type Kernels } from "./wasm.js";

/** The shapes of one conv2d call: input N×C×H×W, weight O×C×kh×kw, stride, padding, output Ho×Wo. */
export interface ConvGeometry {
  readonly N: number; readonly C: number; readonly H: number; readonly W: number;
  readonly O: number; readonly kh: number; readonly kw: number;
  readonly sh: number; readonly sw: number; readonly ph: number; readonly pw: number;
  readonly Ho: number; readonly Wo: number;
}

/** Field order of simd.as's ConvGeo record. */
const GEO_FIELDS = ["N", "C", "H", "W", "O", "kh", "kw", "sh", "sw", "ph", "pw", "Ho", "Wo"] as const;
const GEO_BYTES = 64;

function writeGeometry(k: Kernels, at: number, g: ConvGeometry): void {
  GEO_FIELDS.forEach((f, i) => (k.i32[(at >> 2) + i] = g[f]));
}

/** Scratch bytes the module needs for this geometry (asked of the module, which lays them out). */
function workBytes(g: ConvGeometry): number {
  const main = mainKernels();
  if (main === null) return 0;
  main.reserve(main.heap + GEO_BYTES);
  writeGeometry(main, main.heap, g);
  return main.exports.convWorkBytes(main.heap);
}

/**
 * Places the geometry record and then `arrays` (byte lengths, null for an absent operand: offset 0)
 * one after another from the heap start, then the scratch area; returns the instance and the offsets
 * [geometry, ...arrays, work].
 */
function place(name: string, g: ConvGeometry, arrays: readonly (number | null)[]): [Kernels, number[]] {
  const work = workBytes(g);
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
  writeGeometry(k, offsets[0]!, g);
  return [k, offsets];
}

/**
 * out (N×O×Ho×Wo) = conv2d(x, w) + bias, then max(·, 0) when `relu`; the products run in float32 in
 * the order of the module's 4×8 tiles, each bias added before the first product block.
 */
export function wasmConvForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, g: ConvGeometry, relu: boolean): void {
  const [k, [geo, xb, wb, bb, ob, work]] = place("conv2d", g, [x.length * 4, w.length * 4, bias === null ? null : bias.length * 4, out.length * 4]);
  const f32 = k.f32;
  f32.set(x, xb! >> 2);
  f32.set(w, wb! >> 2);
  if (bias !== null) f32.set(bias, bb! >> 2);
  k.exports.convForward(geo!, xb!, wb!, bb!, ob!, relu ? 1 : 0, work!);
  out.set(f32.subarray(ob! >> 2, (ob! >> 2) + out.length));
}

/**
 * The gradients of conv2d for the output gradient `grad`, each only when its array is given: dx
 * (needs w), dw (needs x), db = Σ grad per output channel, summed in float64.
 */
export function wasmConvBackward(
  x: Float32Array | null, w: Float32Array | null, grad: Float32Array,
  dx: Float32Array | null, dw: Float32Array | null, db: Float64Array | null, g: ConvGeometry,
): void {
  const bytes = (a: { length: number } | null, size: number): number | null => (a === null ? null : a.length * size);
  const [k, [geo, xb, wb, gb, dxb, dwb, dbb, work]] = place("conv2d backward", g, [
    dw === null ? null : bytes(x, 4), dx === null ? null : bytes(w, 4), grad.length * 4, bytes(dx, 4), bytes(dw, 4), bytes(db, 8),
  ]);
  const f32 = k.f32;
  if (dw !== null) f32.set(x!, xb! >> 2);
  if (dx !== null) f32.set(w!, wb! >> 2);
  f32.set(grad, gb! >> 2);
  k.exports.convBackward(geo!, xb!, wb!, gb!, dxb!, dwb!, dbb!, work!);
  if (dx !== null) dx.set(f32.subarray(dxb! >> 2, (dxb! >> 2) + dx.length));
  if (dw !== null) dw.set(f32.subarray(dwb! >> 2, (dwb! >> 2) + dw.length));
  if (db !== null) db.set(k.f64.subarray(dbb! >> 3, (dbb! >> 3) + db.length));
}

/** The window geometry of a 2-D pooling over `planes` H×W planes. */
export interface PoolGeometry {
  readonly planes: number; readonly H: number; readonly W: number;
  readonly kh: number; readonly kw: number; readonly sh: number; readonly sw: number;
  readonly ph: number; readonly pw: number; readonly Ho: number; readonly Wo: number;
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
  k.exports.maxPool(xb, ob, ib, p.planes, p.H, p.W, p.kh, p.kw, p.sh, p.sw, p.ph, p.pw, p.Ho, p.Wo);
  out.set(k.f32.subarray(ob >> 2, (ob >> 2) + out.length));
  idx.set(k.i32.subarray(ib >> 2, (ib >> 2) + idx.length));
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
  dx.set(k.f32.subarray(db >> 2, (db >> 2) + dx.length));
}
