// How much a cell's output may wait in the iopub queue. A front end that reads slowly slows the cell
// down (it waits here, as a process writing to a full pipe would) instead of losing output; one that
// stops reading for `stallMs` gets output shed, counted, and told how much once it reads again, so
// the kernel's memory stays bounded either way.
import type { SharedState } from "./shared-state.js";

export interface BudgetOptions {
  /** Bytes the queue may hold before a cell waits. */
  limitBytes: number;
  /** How long the queue may stay full without moving before output is shed. */
  stallMs: number;
}

/** Defaults, overridable by TSGRAD_IOPUB_BUFFER_MB and TSGRAD_IOPUB_STALL_MS. */
export function budgetOptions(env: NodeJS.ProcessEnv = process.env): BudgetOptions {
  const number = (name: string, fallback: number): number => {
    const value = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return { limitBytes: number("TSGRAD_IOPUB_BUFFER_MB", 32) * 1024 * 1024, stallMs: number("TSGRAD_IOPUB_STALL_MS", 10_000) };
}

/** What was shed since the front end last heard about it. */
export interface Shed {
  lines: number;
  bytes: number;
  displays: number;
}

/** Slices of the wait, so a progress check runs a few times a second. */
const waitSliceMs = 50;

export class OutputBudget {
  private shedding = false;
  private shed: Shed = { lines: 0, bytes: 0, displays: 0 };

  constructor(
    private readonly shared: SharedState,
    private readonly options: BudgetOptions,
  ) {}

  /**
   * True when a message of `cost` bytes may be queued now, after waiting for room if needed; false
   * when it must be shed (the queue has not moved for `stallMs`, or is still draining from that).
   */
  admit(cost: number): boolean {
    const { limitBytes, stallMs } = this.options;
    let queued = this.shared.iopubQueued();
    if (this.shedding) {
      // Shedding lasts until the queue has half emptied, so the front end catches up first.
      if (queued > limitBytes / 2) return false;
      this.shedding = false;
    }
    let movedAt = Date.now();
    while (queued > 0 && queued + cost > limitBytes) {
      this.shared.waitIopubChange(queued, waitSliceMs);
      const now = this.shared.iopubQueued();
      if (now < queued) movedAt = Date.now();
      queued = now;
      if (Date.now() - movedAt >= stallMs) {
        this.shedding = true;
        return false;
      }
    }
    return true;
  }

  /** Counts stream text that was shed. */
  shedText(text: string): void {
    this.shed.bytes += Buffer.byteLength(text);
    let lines = 0;
    for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) lines++;
    this.shed.lines += lines;
  }

  shedDisplay(): void {
    this.shed.displays++;
  }

  /** The note to show for what was shed since the last call, or undefined when nothing was. */
  takeNote(): string | undefined {
    const { lines, bytes, displays } = this.shed;
    if (bytes === 0 && displays === 0) return undefined;
    this.shed = { lines: 0, bytes: 0, displays: 0 };
    const parts: string[] = [];
    if (bytes > 0) parts.push(`${lines.toLocaleString("en-US")} lines (${formatBytes(bytes)}) of printed output`);
    if (displays > 0) parts.push(`${displays.toLocaleString("en-US")} displays`);
    return (
      `[tsgrad] ${parts.join(" and ")} dropped: the front end stopped reading the kernel's output ` +
      `for ${Math.round(this.options.stallMs / 1000)} s while ${formatBytes(this.options.limitBytes)} waited for it.\n`
    );
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}
