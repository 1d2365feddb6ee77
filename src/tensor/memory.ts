// The memory meter: bytes held for backward by live graph nodes (each distinct storage once, parameters
// never), and tensor storage allocated.
import { memoryBreakdown, type MemoryBreakdown, type OptimizerStateSource, type ParameterSource } from "./memory-breakdown.js";

/** One distinct stored array held for backward, shared by every live node that saves it. */
interface SavedStorage {
  readonly buffer: ArrayBufferLike;
  readonly offset: number;
  readonly bytes: number;
  holders: number;
}

/** What a graph node shares with the meter so it can be released exactly once. */
export interface SavedToken {
  storages: SavedStorage[];
  released: boolean;
}

let saved = 0;
let peak = 0;
let allocated = 0;

/** Live saved storages by buffer and byte offset (views of one array, such as reshape and detach, share both). */
const live = new WeakMap<ArrayBufferLike, Map<number, SavedStorage>>();
/** Buffers of leaf tensors that require grad: parameters exist with or without a graph, so they are never activations. */
const parameterBuffers = new WeakSet<ArrayBufferLike>();
const droppedGraphs = new FinalizationRegistry<SavedToken>((token) => releaseSaved(token));

/** Called for each leaf that requires grad and enters a graph: its storage is a parameter's. */
export function markParameterStorage(data: ArrayBufferView): void {
  parameterBuffers.add(data.buffer);
}

/**
 * Called by an op when its node (`owner`) saves `arrays` for backward. A storage already saved by
 * another live node, or a parameter's, adds nothing.
 */
export function recordSaved(owner: object, arrays: readonly ArrayBufferView[]): SavedToken {
  const token: SavedToken = { storages: [], released: false };
  for (const arr of arrays) {
    if (arr.byteLength === 0 || parameterBuffers.has(arr.buffer)) continue;
    let byOffset = live.get(arr.buffer);
    if (byOffset === undefined) {
      byOffset = new Map();
      live.set(arr.buffer, byOffset);
    }
    let entry = byOffset.get(arr.byteOffset);
    if (entry === undefined) {
      entry = { buffer: arr.buffer, offset: arr.byteOffset, bytes: arr.byteLength, holders: 0 };
      byOffset.set(arr.byteOffset, entry);
      saved += entry.bytes;
    } else if (token.storages.includes(entry)) continue;
    entry.holders += 1;
    token.storages.push(entry);
  }
  if (saved > peak) peak = saved;
  if (token.storages.length > 0) droppedGraphs.register(owner, token, token);
  return token;
}

/** Called when backward frees a node (or the node was collected without backward). */
export function releaseSaved(token: SavedToken): void {
  if (token.released) return;
  token.released = true;
  if (token.storages.length === 0) return;
  droppedGraphs.unregister(token);
  for (const entry of token.storages) {
    entry.holders -= 1;
    if (entry.holders > 0) continue;
    saved -= entry.bytes;
    const byOffset = live.get(entry.buffer)!;
    byOffset.delete(entry.offset);
    if (byOffset.size === 0) live.delete(entry.buffer);
  }
}

/**
 * Called when new tensor storage is created. A running total: tracking each buffer's collection
 * through a FinalizationRegistry would cost more than the small ops themselves.
 */
export function recordAllocation(bytes: number): void {
  allocated += bytes;
}

export const memory = {
  /** Bytes of distinct storages currently saved for backward by live graph nodes (parameters excluded). */
  savedBytes(): number {
    return saved;
  },
  /** Highest `savedBytes()` since the last `resetPeak()`. */
  peakSavedBytes(): number {
    return peak;
  },
  /** Starts a new peak measurement from the current saved bytes. */
  resetPeak(): void {
    peak = saved;
  },
  /**
   * What a training step of `model` with `optimizer` holds: parameters, gradients, optimizer state and
   * the peak saved activations since `resetPeak()`. Only the last shrinks with gradient accumulation.
   */
  breakdown(model: ParameterSource, optimizer?: OptimizerStateSource): MemoryBreakdown {
    return memoryBreakdown(model, optimizer, peak);
  },
  /** Total bytes of tensor storage allocated so far (cumulative: the difference of two readings is what ran in between allocated). */
  allocatedBytes(): number {
    return allocated;
  },
};
