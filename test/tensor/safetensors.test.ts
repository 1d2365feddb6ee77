// save/load in the safetensors format: files made by PyTorch (test/fixtures/torch_safetensors_reference.py)
// load with their exact values, tsgrad's files follow the spec and read back in PyTorch, and broken
// files fail with a message that names the problem.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  ArgumentError, DTypeError, load, safetensors, save, tensor, zeros, type Tensor,
} from "../../src/tensor/index.js";
import * as nn from "../../src/nn/index.js";

interface JsonTensor {
  dtype: string;
  shape: number[];
  data: number[];
}
interface Fixture {
  files: Record<string, { base64: string; tensors: Record<string, JsonTensor>; metadata: Record<string, string> }>;
  model: { input: JsonTensor; output: JsonTensor };
}

const SCRIPT = new URL("../fixtures/torch_safetensors_reference.py", import.meta.url).pathname;
const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch_safetensors_reference.json", import.meta.url), "utf8")) as Fixture;
const dir = mkdtempSync(join(tmpdir(), "tsgrad-safetensors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bytes of a fixture file written to the temp dir; returns its path. */
function torchFile(key: string): string {
  const path = join(dir, `${key}.safetensors`);
  writeFileSync(path, Buffer.from(fixture.files[key]!.base64, "base64"));
  return path;
}

const DTYPE_OF: Record<string, string> = { F32: "float32", F64: "float64", I64: "int64", I32: "int32", BOOL: "bool" };
const SAFETENSORS_NAME: Record<string, string> = Object.fromEntries(Object.entries(DTYPE_OF).map(([k, v]) => [v, k]));

function expectTensor(t: Tensor | undefined, want: JsonTensor, what: string): void {
  expect(t, what).toBeDefined();
  expect(t!.dtype, `${what}: dtype`).toBe(DTYPE_OF[want.dtype]);
  expect([...t!.shape], `${what}: shape`).toEqual(want.shape);
  expect(Array.from(t!.data), `${what}: values`).toEqual(want.data);
}

/** Debian's PyTorch, when installed: the fixture script reads tsgrad's files with it. */
const torchPython = "/usr/bin/python3";
const hasTorch = existsSync(torchPython) && spawnSync(torchPython, ["-c", "import torch"]).status === 0;

describe("load: files written by PyTorch", () => {
  for (const key of ["mlp", "floats", "integers"]) {
    it(`${key}: every tensor with PyTorch's exact values, in the file's order`, () => {
      const loaded = load(torchFile(key));
      const want = fixture.files[key]!.tensors;
      expect(Object.keys(loaded)).toEqual(Object.keys(want));
      for (const [name, t] of Object.entries(want)) expectTensor(loaded[name], t, name);
      for (const t of Object.values(loaded)) expect(t.requiresGrad).toBe(false);
    });
  }

  it("metadata through safetensors.deserialize", () => {
    const { metadata } = safetensors.deserialize(readFileSync(torchFile("mlp")));
    expect(metadata).toEqual({ format: "pt", note: "tsgrad issue 18" });
  });

  it("model.loadStateDict(load(path)) gives the PyTorch model's outputs", () => {
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
    const result = model.loadStateDict(load(torchFile("mlp")));
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const { input, output } = fixture.model;
    const y = model(tensor(input.data, { shape: input.shape }));
    expect([...y.shape]).toEqual(output.shape);
    Array.from(y.data).forEach((v, i) => expect(Math.abs(v - output.data[i]!)).toBeLessThan(1e-6));
  });

  it("int64 labels as tsgrad's int64 (an index tensor), bools as masks", () => {
    const { labels, mask } = load(torchFile("integers"));
    expect(tensor([10, 20, 30, 40]).get(labels!.get(":3")).tolist()).toEqual([10, 30, 20]);
    expect(tensor([10, 20, 30]).get(mask!).tolist()).toEqual([10, 30]);
  });
});

describe("save: tsgrad's files", () => {
  const state = (): Record<string, Tensor> => ({
    "layer.weight": tensor([[0.1, -0.2, 0.3], [1e-30, 3e38, -0]]),
    scalar: tensor(Math.PI, { dtype: "float64" }),
    empty: zeros([2, 0]),
    odd: tensor([1, 2, 3]),
    wide: tensor([[1 / 3, 2 / 3]], { dtype: "float64" }),
    labels: tensor([3, -1, 2 ** 53 - 1], { dtype: "int64" }),
    counts: tensor([[7], [-8]], { dtype: "int32" }),
    mask: tensor([1, 0, 1], { dtype: "bool" }),
  });

  it("round trip: the same names in order, dtypes, shapes and bits, and the metadata", () => {
    const path = join(dir, "roundtrip.safetensors");
    const before = state();
    save(before, path, { metadata: { epoch: "3" } });
    const bytes = readFileSync(path);
    const { tensors, metadata } = safetensors.deserialize(bytes);
    expect(Object.keys(tensors)).toEqual(Object.keys(before));
    for (const [k, t] of Object.entries(before)) {
      expect(tensors[k]!.dtype).toBe(t.dtype);
      expect([...tensors[k]!.shape]).toEqual([...t.shape]);
      expect(Array.from(tensors[k]!.data)).toEqual(Array.from(t.data));
    }
    expect(Object.is(tensors["layer.weight"]!.data[5], -0)).toBe(true);
    expect(metadata).toEqual({ epoch: "3" });
  });

  it("follows the spec: u64 header length, a JSON header padded with spaces to 8 bytes, aligned contiguous data", () => {
    const bytes = safetensors.serialize(state());
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.startsWith("{")).toBe(true);
    expect(text.trimEnd().length).toBeGreaterThan(text.length - 8);
    const header = JSON.parse(text) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    expect(header["__metadata__"]).toBeUndefined();
    expect(header["wide"]).toEqual({ dtype: "F64", shape: [1, 2], data_offsets: [8, 24] });
    expect(header["scalar"]).toEqual({ dtype: "F64", shape: [], data_offsets: [0, 8] });
    expect(header["empty"]!.data_offsets[0]).toBe(header["empty"]!.data_offsets[1]);
    const spans = Object.values(header).map((h) => h.data_offsets).sort((a, b) => a[0] - b[0]);
    let at = 0;
    for (const [b, e] of spans) {
      expect(b).toBe(at);
      at = e;
    }
    expect(8 + n + at).toBe(bytes.length);
    // Every tensor starts at a multiple of its element size (the 8-byte ones first, BOOL last).
    const size: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, BOOL: 1 };
    for (const h of Object.values(header)) expect((8 + n + h.data_offsets[0]) % size[h.dtype]!).toBe(0);
    expect(header["labels"]).toMatchObject({ dtype: "I64", shape: [3] });
    expect(header["mask"]).toMatchObject({ dtype: "BOOL", data_offsets: [at - 3, at] });
  });

  it.skipIf(!hasTorch)("PyTorch reads tsgrad's file back with the same values", () => {
    const path = join(dir, "for-torch.safetensors");
    const before = state();
    save(before, path, { metadata: { from: "tsgrad" } });
    const run = spawnSync(torchPython, [SCRIPT, "read", path], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    const read = JSON.parse(run.stdout) as { tensors: Record<string, JsonTensor>; metadata: Record<string, string> };
    expect(read.metadata).toEqual({ from: "tsgrad" });
    expect(Object.keys(read.tensors).sort()).toEqual(Object.keys(before).sort());
    for (const [k, t] of Object.entries(before)) {
      expect(read.tensors[k]!.dtype).toBe(SAFETENSORS_NAME[t.dtype]);
      expect(read.tensors[k]!.shape).toEqual([...t.shape]);
      expect(read.tensors[k]!.data).toEqual(Array.from(t.data));
    }
  });

  it("any tensor name round-trips as an own key, \"__proto__\" too", () => {
    const odd = JSON.parse('{"__proto__": 1, "constructor": 2, "a.b c": 3}') as Record<string, number>;
    const state = Object.fromEntries(Object.entries(odd).map(([k, v]) => [k, tensor([v])]));
    const { tensors } = safetensors.deserialize(safetensors.serialize(state));
    expect(Object.keys(tensors)).toEqual(["__proto__", "constructor", "a.b c"]);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    expect(tensors["__proto__"]!.item()).toBe(1);
  });

  it("a trained model's stateDict survives save → load → loadStateDict", () => {
    const a = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
    const b = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2));
    const path = join(dir, "model.safetensors");
    save(a.stateDict(), path);
    b.loadStateDict(load(path));
    const x = tensor([[0.5, -1, 2]]);
    expect(Array.from(b(x).data)).toEqual(Array.from(a(x).data));
  });

  it("names what it cannot save", () => {
    const path = join(dir, "bad.safetensors");
    expect(() => save({ w: tensor([1]), opt: { lr: 0.1 } as unknown as Tensor }, path)).toThrow(/^save: stateDict\['opt'\] must be a Tensor/);
    expect(() => save(tensor([1]) as unknown as Record<string, Tensor>, path)).toThrow(/stateDict must be an object of tensors.*got a Tensor/);
    expect(() => save({ w: tensor([1]) }, path, { metadata: { epoch: 3 as unknown as string } })).toThrow(/metadata\['epoch'\] must be a string/);
    expect(() => save({ w: tensor([1]) }, path, { meta: {} } as never)).toThrow(/unknown option "meta"/);
    expect(() => save({ __metadata__: tensor([1]) }, path)).toThrow(/"__metadata__" is reserved/);
    expect(() => save({ w: tensor([1]) }, 7 as unknown as string)).toThrow(/save: path must be a string/);
  });
});

describe("broken files fail with the problem named", () => {
  /** A valid file of two F32 tensors, to break in the tests below. */
  const good = (): Uint8Array => safetensors.serialize({ a: tensor([1, 2]), b: tensor([3]) });
  /** A file made of `header` (any JSON text) and `data` bytes. */
  const file = (header: string, data = new Uint8Array(0)): Uint8Array => {
    const h = new TextEncoder().encode(header);
    const out = new Uint8Array(8 + h.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    out.set(data, 8 + h.length);
    return out;
  };
  const bad = (bytes: Uint8Array, message: RegExp): void => {
    expect(() => safetensors.deserialize(bytes)).toThrow(ArgumentError);
    expect(() => safetensors.deserialize(bytes)).toThrow(message);
  };

  it("truncated anywhere", () => {
    const bytes = good();
    bad(bytes.subarray(0, 5), /truncated file: 5 bytes, fewer than the 8 of the header length/);
    bad(bytes.subarray(0, 20), /truncated file: the header is \d+ bytes but only 12 follow the length/);
    bad(bytes.subarray(0, bytes.length - 1), /truncated file: the header describes 12 bytes of tensor data but only 11 follow it/);
  });

  it("corrupt header or layout", () => {
    bad(file("{}", new Uint8Array(4)), /corrupt file: 4 bytes after the last tensor's data/);
    bad(file('{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]'), /corrupt header: not valid JSON/);
    bad(file('  {"a": 1}'), /corrupt header: it must start with "\{"/);
    bad(file('{"a": [1, 2]}'), /tensor 'a': header entry must be an object, got an array/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    bad(huge, /header length 1099511627776 is larger than the format's limit/);
    bad(file('{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}', new Uint8Array(8)), /tensor 'a': data_offsets \[0, 8\] hold 8 bytes, but dtype F32 and shape \(3\) need 12/);
    bad(
      file('{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}', new Uint8Array(12)),
      /tensor 'b' starts at byte 8 of the data but the tensors before it end at 4/,
    );
    bad(
      file('{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}', new Uint8Array(8)),
      /tensor 'b' starts at byte 4 of the data but the tensors before it end at 8/,
    );
    bad(file('{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}'), /tensor 'a': "shape" must be an array of sizes/);
    bad(file('{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}'), /tensor 'a': "data_offsets" must be \[begin, end\]/);
    bad(file('{"a": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 1]}}', new Uint8Array(1)), /tensor 'a': unknown dtype "Q7"/);
    bad(file('{"__metadata__": {"n": 1}}'), /corrupt header: __metadata__: metadata\['n'\] must be a string/);
    const notUtf8 = file("{} ");
    notUtf8[10] = 0xff;
    bad(notUtf8, /corrupt header: it is not valid UTF-8/);
  });

  it("an I64 beyond 2^53 is a DTypeError naming the tensor and the element (tsgrad's int64 is exact to 2^53)", () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setBigInt64(8, 2n ** 60n, true);
    const big = file('{"ids": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}}', data);
    expect(() => safetensors.deserialize(big)).toThrow(DTypeError);
    expect(() => safetensors.deserialize(big)).toThrow(/tensor 'ids': element 1 is 1152921504606846976, beyond what tsgrad's int64 holds exactly/);
  });

  it("a BOOL byte other than 0 reads as true, as in PyTorch", () => {
    const { tensors } = safetensors.deserialize(file('{"m": {"dtype": "BOOL", "shape": [3], "data_offsets": [0, 3]}}', new Uint8Array([0, 7, 1])));
    expect(tensors["m"]!.dtype).toBe("bool");
    expect(Array.from(tensors["m"]!.data)).toEqual([0, 1, 1]);
  });

  it("a dtype of the format that tsgrad lacks is a DTypeError, not 'corrupt'", () => {
    const f16 = file('{"h": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}}', new Uint8Array(4));
    expect(() => safetensors.deserialize(f16)).toThrow(DTypeError);
    expect(() => safetensors.deserialize(f16)).toThrow(/tensor 'h' has dtype F16, which tsgrad cannot hold/);
  });

  it("a torch.save file (zip, or an old pickle) is named as such, with the way to convert it", () => {
    bad(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0]), /this is a torch.save file \(zip or pickle\), not safetensors.*save_file/);
    bad(new Uint8Array([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20]), /this is a torch.save file/);
    // A real header of 640 bytes starts with the same two bytes as a pickle, and loads.
    const key = "k".repeat(640 - 60);
    const padded = file(`{"${key}": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}`.padEnd(640, " "), new Uint8Array(4));
    expect([padded[0], padded[1]]).toEqual([0x80, 0x02]);
    expect(Object.keys(safetensors.deserialize(padded).tensors)).toEqual([key]);
  });

  it("load names the file", () => {
    const path = join(dir, "cut.safetensors");
    writeFileSync(path, good().subarray(0, 4));
    expect(() => load(path)).toThrow(`load('${path}'): truncated file`);
  });
});
