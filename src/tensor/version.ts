// Version counters of storages, as PyTorch's `_version`: every in-place op bumps the counter of the
// storage it writes, and a graph node that saved a storage refuses to run backward once that
// counter moved (its saved values are no longer the ones the forward used).
import type { Storage } from "./dtype.js";

/** Counters by storage (views made by reshape/view/detach share the storage, hence the counter). */
const versions = new WeakMap<object, number>();
/** False until the first in-place op: until then every counter is 0 and nodes need no snapshot. */
let anyBumped = false;

/** The storage's version: how many in-place writes it has seen. */
export function versionOf(data: object): number {
  return anyBumped ? (versions.get(data) ?? 0) : 0;
}

/** Records an in-place write of `data`. */
export function bumpVersion(data: Storage): void {
  anyBumped = true;
  versions.set(data, (versions.get(data) ?? 0) + 1);
}

/** True once some in-place op ran (lets graph nodes skip version bookkeeping until then). */
export function versionsInUse(): boolean {
  return anyBumped;
}
