// Saving and loading tensors in the safetensors format (https://huggingface.co/docs/safetensors,
// "Format"), so weights move between tsgrad and PyTorch: 8 bytes of header length (unsigned
// little-endian), a JSON header `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__":
// { key: value } }` padded with spaces, then the tensors' bytes, little-endian and row-major, with
// offsets counted from the end of the header. The checks on reading are the format's own: offsets
// contiguous from 0 to the end of the file, each tensor's byte count equal to its shape times its
// dtype's size.
import { readFileSync, writeFileSync } from "node:fs";
import { allocStorageToFill, type DType } from "./dtype.js";
import { ArgumentError, DTypeError } from "./errors.js";
import { checkOptions } from "./options.js";
import { formatShape, shapeNumel } from "./shape.js";
import { Tensor } from "./tensor.js";

/** A tsgrad dtype and the format's element size; its storage holds the format's bytes, except int64's (see below). */
interface Codec {
  dtype: DType;
  bytes: number;
}

/** The safetensors dtypes tsgrad holds, by their names in the header. */
const CODECS: Readonly<Record<string, Codec>> = {
  F32: { dtype: "float32", bytes: 4 },
  F64: { dtype: "float64", bytes: 8 },
  I64: { dtype: "int64", bytes: 8 },
  I32: { dtype: "int32", bytes: 4 },
  BOOL: { dtype: "bool", bytes: 1 },
};

/** The format's other dtypes: known, so that the error can say what tsgrad lacks rather than call the file corrupt. */
const OTHER_DTYPES = ["U8", "I8", "I16", "U16", "F16", "BF16", "U32", "U64", "F8_E4M3", "F8_E5M2"];

/** The header's name for a tsgrad dtype. */
function safetensorsDType(dtype: DType): string {
  for (const [name, codec] of Object.entries(CODECS)) if (codec.dtype === dtype) return name;
  throw new DTypeError(`safetensors: tensors of dtype ${dtype} cannot be saved yet`);
}

/** Typed arrays view memory in the host's byte order; the format's is little-endian (every platform Node runs on but s390x). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function checkHost(): void {
  if (!LITTLE_ENDIAN) throw new ArgumentError("safetensors: this machine is big-endian; tsgrad reads and writes safetensors only on little-endian machines");
}

/**
 * A tensor of `shape` whose storage is a copy of `bytes` (fresh storage, so aligned to its element
 * size). tsgrad's int64 storage holds numbers (exact to 2^53), so I64 values are converted and
 * checked; a BOOL byte other than 0 is true, as PyTorch reads it.
 */
function decodeTensor(codec: Codec, bytes: Uint8Array, shape: readonly number[], where: string): Tensor {
  const n = shapeNumel(shape);
  const storage = allocStorageToFill(codec.dtype, n);
  if (codec.dtype === "int64") {
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    const wide = new BigInt64Array(copy.buffer);
    for (let i = 0; i < n; i++) {
      const v = Number(wide[i]!);
      if (!Number.isSafeInteger(v)) {
        throw new DTypeError(`${where}: element ${i} is ${wide[i]}, beyond what tsgrad's int64 holds exactly (±2^53 − 1)`);
      }
      storage[i] = v;
    }
  } else {
    new Uint8Array(storage.buffer, storage.byteOffset, storage.byteLength).set(bytes);
    if (codec.dtype === "bool") for (let i = 0; i < n; i++) if (storage[i] !== 0) storage[i] = 1;
  }
  return new Tensor(storage, shape);
}

/** The format's bytes of a tensor's storage (int64's numbers written as 64-bit integers). */
function encodeTensor(t: Tensor): Uint8Array {
  if (t.dtype !== "int64") return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const wide = new BigInt64Array(t.numel());
  for (let i = 0; i < wide.length; i++) wide[i] = BigInt(t.data[i]!);
  return new Uint8Array(wide.buffer);
}

/** The largest header the reference implementation accepts (100 MB): a larger length means a corrupt file. */
const MAX_HEADER_BYTES = 100_000_000;

/** Options of `save` / `safetensors.serialize`. */
export interface SaveOptions {
  /** Free-form text entries stored in the header's `__metadata__` (string values, as the format requires). */
  metadata?: Record<string, string>;
}

/** What `safetensors.deserialize` finds in a file. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

function describe(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

/** The tensors of `stateDict` checked one by one, with their header dtype names. */
function entriesOf(stateDict: Record<string, Tensor>, what: string): [string, Tensor, string][] {
  if (typeof stateDict !== "object" || stateDict === null || Array.isArray(stateDict) || stateDict instanceof Tensor) {
    throw new ArgumentError(`${what}: stateDict must be an object of tensors (e.g. model.stateDict()), got ${stateDict instanceof Tensor ? "a Tensor" : describe(stateDict)}`);
  }
  return Object.entries(stateDict).map(([name, t]) => {
    if (!(t instanceof Tensor)) {
      throw new ArgumentError(`${what}: stateDict['${name}'] must be a Tensor, got ${describe(t)} (safetensors holds a flat object of tensors, such as a model's stateDict())`);
    }
    if (name === "__metadata__") throw new ArgumentError(`${what}: "__metadata__" is reserved by the format and cannot name a tensor`);
    return [name, t, safetensorsDType(t.dtype)];
  });
}

function checkMetadata(metadata: unknown, what: string): Record<string, string> {
  if (metadata === undefined) return {};
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new ArgumentError(`${what}: metadata must be an object of strings, got ${describe(metadata)}`);
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== "string") throw new ArgumentError(`${what}: metadata['${k}'] must be a string (the format stores text only), got ${describe(v)}`);
  }
  return metadata as Record<string, string>;
}

/**
 * The safetensors bytes of `stateDict`. The header lists the tensors in the object's order; the data
 * section holds them by decreasing element size (so each starts aligned to its size, as the reference
 * writer does), and the header is padded with spaces to a multiple of 8 bytes. `what` names the
 * caller in error messages.
 */
export function serialize(stateDict: Record<string, Tensor>, opts: SaveOptions = {}, what = "safetensors.serialize"): Uint8Array {
  checkHost();
  checkOptions(opts, ["metadata"], what);
  const metadata = checkMetadata(opts.metadata, what);
  const entries = entriesOf(stateDict, what);
  const layout = [...entries].sort((a, b) => CODECS[b[2]]!.bytes - CODECS[a[2]]!.bytes);
  const offsets = new Map<string, [number, number]>();
  let end = 0;
  for (const [name, t, dtype] of layout) {
    const bytes = t.numel() * CODECS[dtype]!.bytes;
    offsets.set(name, [end, end + bytes]);
    end += bytes;
  }
  // Built with fromEntries so that any name, "__proto__" too, becomes an own key.
  const header = Object.fromEntries([
    ...(Object.keys(metadata).length > 0 ? [["__metadata__", metadata] as const] : []),
    ...entries.map(([name, t, dtype]) => [name, { dtype, shape: [...t.shape], data_offsets: offsets.get(name) }] as const),
  ]);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerBytes + end);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerBytes);
  for (const [name, t] of layout) out.set(encodeTensor(t), 8 + headerBytes + offsets.get(name)![0]);
  return out;
}

/** Checks one header entry and returns its dtype, shape and offsets (numbers known to be sane). */
function readEntry(name: string, info: unknown, source: string): { codec: Codec; shape: number[]; begin: number; end: number } {
  const where = `tensor '${name}'`;
  if (typeof info !== "object" || info === null || Array.isArray(info)) throw new ArgumentError(`${source}: ${where}: header entry must be an object, got ${describe(info)}`);
  const { dtype, shape, data_offsets: offsets } = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof dtype !== "string") throw new ArgumentError(`${source}: ${where}: "dtype" must be a string, got ${describe(dtype)}`);
  const codec = CODECS[dtype];
  if (codec === undefined) {
    if (OTHER_DTYPES.includes(dtype)) {
      throw new DTypeError(`${source}: ${where} has dtype ${dtype}, which tsgrad cannot hold (it reads ${Object.keys(CODECS).join(", ")}); convert it in PyTorch first, e.g. t.float() or t.long()`);
    }
    throw new ArgumentError(`${source}: ${where}: unknown dtype ${JSON.stringify(dtype)}`);
  }
  const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) throw new ArgumentError(`${source}: ${where}: "shape" must be an array of sizes, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new ArgumentError(`${source}: ${where}: "data_offsets" must be [begin, end] with 0 ≤ begin ≤ end, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  const want = shapeNumel(shape) * codec.bytes;
  if (end - begin !== want) {
    throw new ArgumentError(
      `safetensors: ${where}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but dtype ${dtype} and shape ${formatShape(shape)} need ${want}`,
    );
  }
  return { codec, shape, begin, end };
}

/**
 * Throws a hint when bytes that are not safetensors come from torch.save, a zip archive (or, before
 * PyTorch 1.6, a pickle); called only once the bytes failed as safetensors, since a valid header
 * length can begin with the same bytes.
 */
function checkNotTorchSave(bytes: Uint8Array, source: string): void {
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  const pickle = bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5;
  if (!zip && !pickle) return;
  throw new ArgumentError(
    `${source}: this is a torch.save file (zip or pickle), not safetensors; in PyTorch write the state dict with ` +
      "safetensors.torch.save_file(model.state_dict(), 'model.safetensors') and load that file",
  );
}

/**
 * The tensors and metadata of safetensors bytes; an `ArgumentError` names what is wrong with them
 * (`source` names the bytes in messages, e.g. the file they came from).
 */
export function deserialize(bytes: Uint8Array, source = "safetensors"): SafetensorsContents {
  checkHost();
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError(`safetensors.deserialize: bytes must be a Uint8Array (or a Buffer), got ${describe(bytes)}`);
  if (bytes.length < 8) throw new ArgumentError(`${source}: truncated file: ${bytes.length} bytes, fewer than the 8 of the header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES) || 8 + Number(n) > bytes.length || bytes[8] !== 0x7b) checkNotTorchSave(bytes, source);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new ArgumentError(`${source}: header length ${n} is larger than the format's limit of ${MAX_HEADER_BYTES} bytes (not a safetensors file, or a corrupt one)`);
  const headerLength = Number(n);
  if (8 + headerLength > bytes.length) {
    throw new ArgumentError(`${source}: truncated file: the header is ${headerLength} bytes but only ${bytes.length - 8} follow the length`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    throw new ArgumentError(`${source}: corrupt header: it is not valid UTF-8`);
  }
  if (!text.startsWith("{")) throw new ArgumentError(`${source}: corrupt header: it must start with "{", got ${JSON.stringify(text.slice(0, 20))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new ArgumentError(`${source}: corrupt header: not valid JSON (${(e as Error).message})`);
  }
  // (JSON text that starts with "{" is an object.)
  const { __metadata__: rawMetadata, ...infos } = header as Record<string, unknown>;
  let metadata: Record<string, string> = {};
  if (rawMetadata !== undefined && rawMetadata !== null) {
    try {
      metadata = { ...checkMetadata(rawMetadata, "__metadata__") };
    } catch (e) {
      throw new ArgumentError(`${source}: corrupt header: ${(e as Error).message}`);
    }
  }
  const entries = Object.entries(infos).map(([name, info]) => ({ name, ...readEntry(name, info, source) }));
  const data = bytes.subarray(8 + headerLength);
  // As the reference reader: sorted by offset, the tensors tile the data section exactly.
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of byOffset) {
    if (e.begin !== at) {
      throw new ArgumentError(
        `safetensors: tensor '${e.name}' starts at byte ${e.begin} of the data but the tensors before it end at ${at} (data_offsets must be contiguous, without gaps or overlaps)`,
      );
    }
    at = e.end;
  }
  if (at > data.length) throw new ArgumentError(`${source}: truncated file: the header describes ${at} bytes of tensor data but only ${data.length} follow it`);
  if (at < data.length) throw new ArgumentError(`${source}: corrupt file: ${data.length - at} bytes after the last tensor's data`);
  const tensors: Record<string, Tensor> = Object.fromEntries(
    entries.map((e) => [e.name, decodeTensor(e.codec, data.subarray(e.begin, e.end), e.shape, `${source}: tensor '${e.name}'`)]),
  );
  return { tensors, metadata };
}

/**
 * Writes `stateDict` (e.g. `model.stateDict()`) to `path` as a safetensors file, as
 * `safetensors.torch.save_file`; PyTorch and other frameworks can read it.
 */
export function save(stateDict: Record<string, Tensor>, path: string, opts: SaveOptions = {}): void {
  if (typeof path !== "string") throw new ArgumentError(`save: path must be a string, got ${describe(path)}`);
  writeFileSync(path, serialize(stateDict, opts, "save"));
}

/** The tensors of the safetensors file at `path`, by name: `model.loadStateDict(load(path))`. */
export function load(path: string): Record<string, Tensor> {
  if (typeof path !== "string") throw new ArgumentError(`load: path must be a string, got ${describe(path)}`);
  return deserialize(readFileSync(path), `load('${path}')`).tensors;
}

/** The format's bytes without files (`safetensors.serialize(stateDict)`, `safetensors.deserialize(bytes)`), e.g. for uploads in a notebook. */
export const safetensors = Object.freeze({ serialize, deserialize });
