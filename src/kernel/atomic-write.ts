// Writing a file the user owns (an executed notebook, kernel.json, a connection file) so that a
// failure leaves the old file as it was: the new contents go to a temporary file in the same
// directory, are flushed to disk, and replace the old file by a rename, which is atomic. Writing the
// target directly left a truncated, invalid notebook on a full disk (ENOSPC) or under a file-size
// limit (EFBIG).
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Raised when the new contents could not be written; the old file is untouched. */
export class AtomicWriteError extends Error {
  override name = "AtomicWriteError";
  constructor(
    readonly target: string,
    readonly code: string | undefined,
    cause: unknown,
  ) {
    super(`could not write ${target} (${code ?? "error"}: ${cause instanceof Error ? cause.message : String(cause)}); the previous file, if any, is unchanged`, { cause });
  }
}

/** Replaces `target` with `data` all at once, or not at all. `mode` applies to a new file (an existing one keeps its own). */
export function writeFileAtomic(target: string, data: string | Uint8Array, mode = 0o666): void {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fail = (error: unknown): never => {
    throw new AtomicWriteError(target, (error as NodeJS.ErrnoException).code, error);
  };
  let fd: number;
  try {
    fd = openSync(temp, "wx", existingMode(target) ?? mode);
  } catch (error) {
    return fail(error);
  }
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
  } catch (error) {
    closeQuietly(fd);
    removeQuietly(temp);
    return fail(error);
  }
  try {
    renameSync(temp, target);
  } catch (error) {
    removeQuietly(temp);
    return fail(error);
  }
  syncDirectory(dir);
}

function existingMode(target: string): number | undefined {
  try {
    return statSync(target).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** Makes the rename itself durable; some file systems refuse to open a directory, which is fine. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Best effort.
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
