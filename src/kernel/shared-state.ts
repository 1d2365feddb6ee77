// The memory the main thread and the control thread share. It works while the main thread is
// blocked, where messages cannot: it carries a stdin reply to a cell waiting in prompt(), counts
// interrupt requests, and says when a SIGINT may be raised without killing the process.
//
// Why the last: Node breaks a synchronous cell on SIGINT only while vm's watchdog listens, and the
// watchdog's hand-over to process.on("SIGINT") at each end of a script leaves moments in which
// SIGINT ends the process. So a cell marks the part of its script where the watchdog surely
// listens (first and last statement of the script), and the control thread raises SIGINT only
// inside it; an awaiting cell is interrupted by message instead. Code that runs outside any script
// (a loop after an `await`, or in a timer) never reads that message: the loops a cell compiles
// check a shared break flag instead (loop-checks.ts), set for the cell running when the interrupt
// came.

/** Thrown into a cell waiting for input when the user interrupts the kernel. */
export class InputInterruptedError extends Error {
  override name = "Interrupted";
}

const Slot = { input: 0, inputLength: 1, interrupts: 2, region: 3, cell: 4, breakFor: 5, iopubQueued: 6, running: 7, outputPending: 8 } as const;
const InputState = { Idle: 0, Waiting: 1, Replied: 2, Interrupted: 3 } as const;
const Region = { Outside: 0, Inside: 1, Signalled: 2 } as const;
const headerBytes = 16 * 4;
const inputCapacity = 1 << 20;
/**
 * Set in the break flag (beside a cell id) to ask the next loop check to send the printed text
 * waiting in the main thread: a cell busy in a loop runs no timers, so the control thread asks.
 */
const flushBit = 1 << 30;
/** How long a cell that got its SIGINT as it ended waits for the watchdog to break it. */
const signalGraceMs = 2000;

export class SharedState {
  private readonly ints: Int32Array;
  private readonly bytes: Uint8Array;

  /** Non-zero while an interrupt or a flush waits for a loop check: read (without Atomics, for speed) in every loop. */
  readonly breakFlag: Int32Array;
  /** Called by a loop check that found a flush request. */
  private flush: () => void = () => {};

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(headerBytes + inputCapacity)) {
    this.ints = new Int32Array(buffer, 0, headerBytes / 4);
    this.bytes = new Uint8Array(buffer, headerBytes);
    this.breakFlag = new Int32Array(buffer, Slot.breakFor * 4, 1);
  }

  // ---- main thread ----

  /** Marks that a cell is about to wait for a stdin reply (before the input_request leaves). */
  expectInput(): void {
    Atomics.store(this.ints, Slot.input, InputState.Waiting);
  }

  /** Blocks until the control thread delivers the reply, or throws when the kernel is interrupted. */
  awaitInput(): string {
    while (Atomics.load(this.ints, Slot.input) === InputState.Waiting) {
      Atomics.wait(this.ints, Slot.input, InputState.Waiting);
    }
    const state = Atomics.exchange(this.ints, Slot.input, InputState.Idle);
    if (state === InputState.Interrupted) throw new InputInterruptedError("input interrupted");
    return Buffer.from(this.bytes.subarray(0, Atomics.load(this.ints, Slot.inputLength))).toString();
  }

  /** How many interrupt requests the control thread has served. */
  interruptRequests(): number {
    return Atomics.load(this.ints, Slot.interrupts);
  }

  /** First statement of a cell's script: SIGINT may break it from now on. */
  enterSignalRegion(): void {
    Atomics.store(this.ints, Slot.region, Region.Inside);
  }

  /**
   * Last statement of a cell's script. If a SIGINT was raised for this cell, the watchdog is about
   * to break it: wait here for that, since after the script it would end the process.
   */
  leaveSignalRegion(): void {
    if (Atomics.compareExchange(this.ints, Slot.region, Region.Inside, Region.Outside) !== Region.Signalled) return;
    const until = Date.now() + signalGraceMs;
    while (Date.now() < until) {
      // Spinning: the watchdog breaks running JavaScript, not a thread asleep in Atomics.wait.
    }
    Atomics.store(this.ints, Slot.region, Region.Outside);
  }

  /** After a cell's script returned or was broken: whatever happened inside, the region is over. */
  resetSignalRegion(): void {
    Atomics.store(this.ints, Slot.region, Region.Outside);
  }

  /** A cell starts: a break requested from now on is for it (ids start at 1). */
  beginCell(id: number): void {
    Atomics.store(this.ints, Slot.cell, id);
    Atomics.store(this.ints, Slot.running, id);
  }

  /** The cell has settled (its reply is on its way). */
  endCell(): void {
    Atomics.store(this.ints, Slot.running, 0);
  }

  /** Counts `bytes` more waiting in the iopub queue (the control thread sends them). */
  addIopubQueued(bytes: number): void {
    Atomics.add(this.ints, Slot.iopubQueued, bytes);
  }

  /** Bytes posted to the iopub queue and not yet taken by ZeroMQ. */
  iopubQueued(): number {
    return Atomics.load(this.ints, Slot.iopubQueued);
  }

  /** Sleeps up to `timeoutMs` while the iopub queue still holds `queued` bytes. */
  waitIopubChange(queued: number, timeoutMs: number): void {
    Atomics.wait(this.ints, Slot.iopubQueued, queued, timeoutMs);
  }

  /** In a loop check that saw the flag: flushes if asked; true (once) when a break is for the current cell. */
  takeBreak(): boolean {
    const flag = Atomics.exchange(this.ints, Slot.breakFor, 0);
    if (flag & flushBit) this.flush();
    const wanted = flag & ~flushBit;
    return wanted !== 0 && wanted === Atomics.load(this.ints, Slot.cell);
  }

  /** What a loop check does when the control thread asks for printed text to be sent. */
  onFlushRequest(flush: () => void): void {
    this.flush = flush;
  }

  /** Whether printed text waits in the main thread to be sent. */
  setOutputPending(pending: boolean): void {
    Atomics.store(this.ints, Slot.outputPending, pending ? 1 : 0);
  }

  // ---- control thread ----

  /** The id of the cell running now, 0 between cells. */
  runningCell(): number {
    return Atomics.load(this.ints, Slot.running);
  }

  /** Asks the next loop check to send the printed text waiting in the main thread, if any waits. */
  requestFlush(): void {
    if (Atomics.load(this.ints, Slot.outputPending) !== 0) Atomics.or(this.ints, Slot.breakFor, flushBit);
  }

  /** ZeroMQ took `bytes` of the iopub queue: a waiting cell may post more. */
  iopubSent(bytes: number): void {
    Atomics.sub(this.ints, Slot.iopubQueued, bytes);
    Atomics.notify(this.ints, Slot.iopubQueued);
  }

  /** Asks the next loop check to throw, for the cell running now. */
  requestBreak(): void {
    Atomics.store(this.ints, Slot.breakFor, Atomics.load(this.ints, Slot.cell));
  }

  /** Counts an interrupt request; returns its number. */
  countInterrupt(): number {
    return Atomics.add(this.ints, Slot.interrupts, 1) + 1;
  }

  /** True when the main thread runs a cell's script and SIGINT may now be raised to break it. */
  claimSignal(): boolean {
    return Atomics.compareExchange(this.ints, Slot.region, Region.Inside, Region.Signalled) === Region.Inside;
  }

  /** Wakes a cell waiting for input with an interruption. */
  interruptInput(): void {
    if (Atomics.compareExchange(this.ints, Slot.input, InputState.Waiting, InputState.Interrupted) === InputState.Waiting) {
      Atomics.notify(this.ints, Slot.input);
    }
  }

  /** Hands a stdin reply to the waiting cell; false when no cell waits for one. */
  deliverInput(value: string): boolean {
    if (Atomics.load(this.ints, Slot.input) !== InputState.Waiting) return false;
    const encoded = Buffer.from(value);
    const length = Math.min(encoded.length, this.bytes.length);
    this.bytes.set(encoded.subarray(0, length));
    Atomics.store(this.ints, Slot.inputLength, length);
    Atomics.store(this.ints, Slot.input, InputState.Replied);
    Atomics.notify(this.ints, Slot.input);
    return true;
  }
}
