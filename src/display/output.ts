// display(), update, clear and flush over the current display sink, with per-display throttling.
import { currentDisplaySink } from "./display-sink.js";
import { Throttle, systemClock, type Clock } from "./clock.js";
import { inspect } from "node:util";
import { endLiveDisplays } from "./live-display.js";
import { jupyterDisplay, toMimeBundle, type MimeBundle } from "./mime-bundle.js";

export interface DisplayOptions {
  /** Reuse an id to update an existing output; a fresh id is made otherwise. */
  displayId?: string;
  metadata?: Record<string, unknown>;
  /** Minimum milliseconds between two updates of this display (default 100: ≤ 10 per second). */
  minIntervalMs?: number;
  clock?: Clock;
}

/** A shown output that can be updated in place. As a cell's value it shows nothing (the output is already there). */
export class DisplayHandle {
  constructor(
    readonly displayId: string,
    private readonly throttle: Throttle<unknown>,
  ) {}

  /** Replace the output with `value` (throttled; the latest value always ends up shown). */
  update(value: unknown): void {
    this.throttle.push(value);
  }

  /** Send a throttled, waiting update now. */
  flush(): void {
    this.throttle.flush();
  }

  [jupyterDisplay](): MimeBundle {
    return {};
  }

  [inspect.custom](): string {
    return `DisplayHandle(${this.displayId})`;
  }
}

interface Registry {
  throttles: Map<string, Throttle<unknown>>;
  clock: Clock;
  counter: number;
}

// On globalThis, like the sink, so the kernel's flushDisplays() reaches throttles created by a
// second copy of this module loaded through a cell's import.
const registryKey = Symbol.for("tsgrad.displayRegistry");
function registry(): Registry {
  const holder = globalThis as { [registryKey]?: Registry };
  return (holder[registryKey] ??= { throttles: new Map(), clock: systemClock, counter: 0 });
}

/** Throttles kept for `updateDisplay(id)`; the oldest idle ones are dropped past this many. */
const maxTracked = 1000;

/** The clock new displays use (tests inject a fake one; `null` restores the system clock). */
export function setDisplayClock(clock: Clock | null): void {
  registry().clock = clock ?? systemClock;
}

/** The clock displays use unless given one. */
export function displayClock(): Clock {
  return registry().clock;
}

function newDisplayId(): string {
  const r = registry();
  r.counter++;
  return `tsgrad-${process.pid.toString(36)}-${Date.now().toString(36)}-${r.counter}`;
}

function send(value: unknown, displayId: string, update: boolean, metadata: Record<string, unknown>): void {
  currentDisplaySink().display({ data: toMimeBundle(value), metadata, displayId, update });
}

function throttleFor(displayId: string, opts: DisplayOptions): Throttle<unknown> {
  const r = registry();
  let throttle = r.throttles.get(displayId);
  if (throttle) return throttle;
  const metadata = opts.metadata ?? {};
  throttle = new Throttle<unknown>(
    (value) => {
      try {
        send(value, displayId, true, metadata);
      } catch (error) {
        // An update fired from a timer has no caller to throw to.
        console.error(`display update ${displayId} failed:`, error);
      }
    },
    opts.clock ?? r.clock,
    opts.minIntervalMs,
  );
  r.throttles.set(displayId, throttle);
  if (r.throttles.size > maxTracked) {
    for (const [id, t] of r.throttles) {
      if (r.throttles.size <= maxTracked) break;
      if (!t.hasPending) r.throttles.delete(id);
    }
  }
  return throttle;
}

/**
 * Send `bundle` as given, no text/plain added, with its own `metadata` (`display_data`, or
 * `update_display_data` with `update`) under `displayId`; the handle's later updates use `opts`.
 */
export function sendExactBundle(bundle: MimeBundle, metadata: Record<string, unknown>, displayId: string, update: boolean, opts: DisplayOptions = {}): DisplayHandle {
  const throttle = throttleFor(displayId, opts);
  currentDisplaySink().display({ data: bundle, metadata, displayId, update });
  throttle.markSent();
  return new DisplayHandle(displayId, throttle);
}

/** A fresh display id. */
export function newDisplayIdFor(opts: DisplayOptions): string {
  return opts.displayId ?? newDisplayId();
}

/** Show `value` now (as `display_data`) and return a handle that updates it in place. */
export function showDisplay(value: unknown, opts: DisplayOptions = {}): DisplayHandle {
  const displayId = opts.displayId ?? newDisplayId();
  const throttle = throttleFor(displayId, opts);
  send(value, displayId, false, opts.metadata ?? {});
  throttle.markSent();
  return new DisplayHandle(displayId, throttle);
}

/** Replace the output shown under `displayId` (throttled, as `update_display_data`). */
export function updateDisplay(displayId: string, value: unknown, opts: Omit<DisplayOptions, "displayId"> = {}): void {
  throttleFor(displayId, opts).push(value);
}

/** Clear the cell's output; with `wait`, only when the next output arrives (no flicker). */
export function clearOutput({ wait = false }: { wait?: boolean } = {}): void {
  currentDisplaySink().clearOutput(wait);
}

/**
 * Send every waiting update now. The kernel calls this with `cellEnded` when a cell finishes, which
 * also ends the cell's live displays (see ./live-display.ts), so saved notebooks keep final states.
 */
export function flushDisplays(opts: { cellEnded?: boolean } = {}): void {
  for (const throttle of registry().throttles.values()) throttle.flush();
  if (opts.cellEnded) endLiveDisplays();
}
