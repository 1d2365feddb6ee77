// What the control thread tells the front end when the main thread cannot: an interrupt that did
// not stop the running code (an endless promise chain, a loop built by eval or new Function: Node
// can break neither), and memory running out (V8 ends the process at its heap limit, with no word
// to the front end otherwise). Both notes go to the cell that is running, on iopub.
import type { SharedState } from "./shared-state.js";

/** How long an interrupted cell may take to stop before the kernel says it cannot. */
export const unstoppableAfterMs = 5000;
/** The share of the heap limit at which the kernel warns. */
const memoryWarningShare = 0.85;
const memoryCheckMs = 100;

export interface WatchdogOptions {
  shared: SharedState;
  /** The main thread's heap limit in bytes (V8's heap_size_limit there). */
  heapLimitBytes: number;
  /** Publishes `text` on stderr for the running cell. */
  note(text: string): void;
  log(text: string): void;
}

export class Watchdog {
  private warnedMemory = false;

  constructor(private readonly options: WatchdogOptions) {
    setInterval(() => this.checkMemory(), memoryCheckMs).unref();
  }

  /** An interrupt was served: if the same cell still runs after a while, say it cannot be stopped. */
  interrupted(): void {
    const cell = this.options.shared.runningCell();
    if (cell === 0) return;
    setTimeout(() => {
      if (this.options.shared.runningCell() !== cell) return;
      const text =
        "[tsgrad] The interrupt did not stop the running code: it keeps the kernel busy in a way Node.js cannot break " +
        "(an endless chain of promises, or a loop built by eval or new Function). Restart the kernel to recover " +
        "(Kernel ▸ Restart Kernel…); its variables will be lost.\n";
      this.options.note(text);
      this.options.log(text.trim());
    }, unstoppableAfterMs).unref();
  }

  /**
   * Resident memory is the whole process's, a slight overestimate of the main heap; it can be read
   * from this thread while a cell keeps the main one busy (the heap's own statistics cannot).
   */
  private checkMemory(): void {
    const used = process.memoryUsage.rss();
    const limit = this.options.heapLimitBytes;
    if (!this.warnedMemory && used >= limit * memoryWarningShare) {
      this.warnedMemory = true;
      const mb = (bytes: number): string => Math.round(bytes / 1024 / 1024).toLocaleString("en-US");
      const text =
        `[tsgrad] The kernel is close to its memory limit: ${mb(used)} MB in use of the ${mb(limit)} MB JavaScript heap limit. ` +
        "When the heap is full, Node.js ends the kernel and its variables are lost. Free what you no longer need, " +
        `or start Jupyter with a larger limit, e.g. NODE_OPTIONS=--max-old-space-size=${Math.round((limit * 2) / 1024 / 1024)} jupyter lab.\n`;
      this.options.note(text);
      this.options.log(text.trim());
    } else if (this.warnedMemory && used < limit * (memoryWarningShare - 0.15)) {
      this.warnedMemory = false;
    }
  }
}
