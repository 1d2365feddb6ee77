// Time for throttled displays. Injectable so tests drive it by hand.

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Updates of one display at most every this many milliseconds (10 per second). */
export const defaultMinIntervalMs = 100;

/** Displays may take at most this share of the loop's time: the interval stretches to 20× a slow render. */
export const maxDisplayShare = 0.05;

/**
 * Sends at most one value per `minIntervalMs`; a value pushed sooner waits (replacing any older
 * waiting value) and goes out when the interval ends or on `flush()`, so the last state is never lost.
 * When sending is slow (a big chart), the interval grows so displays stay a small share of the loop.
 */
export class Throttle<T> {
  private lastSent = -Infinity;
  private lastCost = 0;
  private pending: { value: T } | null = null;
  private timer: unknown = null;
  /** How many values were actually sent. */
  sent = 0;

  constructor(
    private readonly send: (value: T) => void,
    private readonly clock: Clock = systemClock,
    readonly minIntervalMs = defaultMinIntervalMs,
  ) {}

  /** Record that a value went out by another path (the first display), starting the interval. */
  markSent(): void {
    this.lastSent = this.clock.now();
  }

  push(value: T): void {
    const now = this.clock.now();
    if (now - this.lastSent >= this.interval) {
      this.pending = null;
      this.cancelTimer();
      this.emit(value, now);
      return;
    }
    this.pending = { value };
    if (this.timer === null) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.interval - (now - this.lastSent));
    }
  }

  /** Send the waiting value now, if any. */
  flush(): void {
    this.cancelTimer();
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    this.emit(pending.value, this.clock.now());
  }

  /** The current minimum gap between sends, in milliseconds. */
  get interval(): number {
    return Math.max(this.minIntervalMs, this.lastCost / maxDisplayShare);
  }

  get hasPending(): boolean {
    return this.pending !== null;
  }

  private emit(value: T, now: number): void {
    this.sent++;
    this.send(value);
    const after = this.clock.now();
    this.lastCost = after - now;
    this.lastSent = after;
  }

  private cancelTimer(): void {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
