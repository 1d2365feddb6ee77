// Binary values in widget state: split out with their paths (a key removed, a list item nulled)
// and put back, as ipywidgets' protocol 2 does; malformed paths from a front end are refused.
import { describe, expect, it } from "vitest";
import { BufferPathError, joinBuffers, splitBuffers } from "../../src/widgets/buffer-paths.js";

describe("buffer paths", () => {
  it("removes binary values from objects and nulls them in lists, naming each by its path", () => {
    const floats = new Float32Array([1.5, -2]);
    const { state, bufferPaths, buffers } = splitBuffers({ a: 1, x: new Uint8Array([1, 2]), nested: { list: [0, floats, "s"], view: new DataView(new ArrayBuffer(3)) } });
    expect(state).toEqual({ a: 1, nested: { list: [0, null, "s"] } });
    expect(bufferPaths).toEqual([["x"], ["nested", "list", 1], ["nested", "view"]]);
    expect(buffers.map((b) => b.byteLength)).toEqual([2, 8, 3]);
    expect([...new Float32Array(buffers[1]!.buffer.slice(buffers[1]!.byteOffset, buffers[1]!.byteOffset + 8))]).toEqual([1.5, -2]);
  });

  it("puts buffers back where the paths say", () => {
    const state: Record<string, unknown> = { nested: { list: [0, null] } };
    joinBuffers(state, [["x"], ["nested", "list", 1]], [new Uint8Array([7]), new Uint8Array([8, 9])]);
    expect(state).toEqual({ x: new Uint8Array([7]), nested: { list: [0, new Uint8Array([8, 9])] } });
  });

  it("refuses paths that do not fit the message, naming what is wrong", () => {
    expect(() => joinBuffers({}, [["x"]], [])).toThrow(new BufferPathError("buffer_paths names 1 buffer(s) but the message carries 0"));
    expect(() => joinBuffers({}, undefined, [new Uint8Array(1)])).toThrow("1 buffer(s) arrived without buffer_paths");
    expect(() => joinBuffers({}, "x", [])).toThrow("buffer_paths must be a list");
    expect(() => joinBuffers({}, [[]], [new Uint8Array(1)])).toThrow("buffer path 0 must be a non-empty list");
    expect(() => joinBuffers({}, [[{}]], [new Uint8Array(1)])).toThrow("buffer path 0 must be a non-empty list of keys and indices");
    expect(() => joinBuffers({ a: 1 }, [["a", "b", "c"]], [new Uint8Array(1)])).toThrow('buffer path ["a","b","c"] does not lead into the state');
  });
});
