// Binary values inside widget state travel as separate message buffers, each named by its path in
// the state object (widget protocol 2: a key is removed, a list item becomes null).

export type BufferPath = (string | number)[];

/** True for the binary values a state may hold: ArrayBuffer, any typed array, DataView. */
export function isBinary(value: unknown): value is ArrayBuffer | ArrayBufferView {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

function asBytes(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** A copy of `state` without its binary values, and those values with their paths. */
export function splitBuffers(state: Record<string, unknown>): { state: Record<string, unknown>; bufferPaths: BufferPath[]; buffers: Uint8Array[] } {
  const bufferPaths: BufferPath[] = [];
  const buffers: Uint8Array[] = [];
  const walk = (value: unknown, path: BufferPath): unknown => {
    if (Array.isArray(value)) {
      return value.map((item, index) => {
        if (isBinary(item)) {
          bufferPaths.push([...path, index]);
          buffers.push(asBytes(item));
          return null;
        }
        return walk(item, [...path, index]);
      });
    }
    if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        if (isBinary(item)) {
          bufferPaths.push([...path, key]);
          buffers.push(asBytes(item));
        } else out[key] = walk(item, [...path, key]);
      }
      return out;
    }
    return value;
  };
  return { state: walk(state, []) as Record<string, unknown>, bufferPaths, buffers };
}

/** Raised for buffer paths that do not fit the message (a malformed message from the front end). */
export class BufferPathError extends Error {
  override name = "BufferPathError";
}

/** Puts each buffer back at its path in `state` (in place). */
export function joinBuffers(state: Record<string, unknown>, bufferPaths: unknown, buffers: readonly Uint8Array[]): void {
  if (bufferPaths === undefined || bufferPaths === null) {
    if (buffers.length > 0) throw new BufferPathError(`${buffers.length} buffer(s) arrived without buffer_paths`);
    return;
  }
  if (!Array.isArray(bufferPaths)) throw new BufferPathError(`buffer_paths must be a list, got ${JSON.stringify(bufferPaths)}`);
  if (bufferPaths.length !== buffers.length) {
    throw new BufferPathError(`buffer_paths names ${bufferPaths.length} buffer(s) but the message carries ${buffers.length}`);
  }
  bufferPaths.forEach((path: unknown, i) => {
    const valid = Array.isArray(path) && path.length > 0 && path.every((step) => typeof step === "string" || (Number.isInteger(step) && (step as number) >= 0));
    if (!valid) throw new BufferPathError(`buffer path ${i} must be a non-empty list of keys and indices, got ${JSON.stringify(path)}`);
    let target: unknown = state;
    for (const step of path.slice(0, -1) as (string | number)[]) {
      target = (target as Record<string | number, unknown> | null)?.[step];
      if (typeof target !== "object" || target === null) throw new BufferPathError(`buffer path ${JSON.stringify(path)} does not lead into the state`);
    }
    (target as Record<string | number, unknown>)[path[path.length - 1] as string | number] = buffers[i];
  });
}
