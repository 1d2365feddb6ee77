// The memory meter: bytes held for backward by live graph nodes, and tensor storage allocated.

let saved = 0;
let peak = 0;
let allocated = 0;

/** What a graph node shares with the meter so it can be released exactly once. */
export interface SavedToken {
  bytes: number;
  released: boolean;
}

const droppedGraphs = new FinalizationRegistry<SavedToken>((token) => releaseSaved(token));

/** Called by an op when its node saves `bytes` for backward; `owner` is the node. */
export function recordSaved(owner: object, bytes: number): SavedToken {
  const token: SavedToken = { bytes, released: false };
  if (bytes > 0) {
    saved += bytes;
    if (saved > peak) peak = saved;
    droppedGraphs.register(owner, token, token);
  }
  return token;
}

/** Called when backward frees a node (or the node was collected without backward). */
export function releaseSaved(token: SavedToken): void {
  if (token.released) return;
  token.released = true;
  if (token.bytes > 0) {
    saved -= token.bytes;
    droppedGraphs.unregister(token);
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
  /** Bytes of tensors currently saved for backward by live graph nodes. */
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
  /** Total bytes of tensor storage allocated so far (cumulative: the difference of two readings is what ran in between allocated). */
  allocatedBytes(): number {
    return allocated;
  },
};
