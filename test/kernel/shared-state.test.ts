// The memory the kernel's two threads share, driven from one thread: what each side sees.
import { describe, expect, it } from "vitest";
import { InputInterruptedError, SharedState } from "../../src/kernel/shared-state.js";

describe("SharedState", () => {
  it("lets SIGINT be claimed only while a cell's script is inside its signal region", () => {
    const state = new SharedState();
    expect(state.claimSignal()).toBe(false);
    state.enterSignalRegion();
    expect(state.claimSignal()).toBe(true);
    // Claimed once: a second interrupt does not raise a second signal.
    expect(state.claimSignal()).toBe(false);
    state.resetSignalRegion();
    expect(state.claimSignal()).toBe(false);
    state.enterSignalRegion();
    state.leaveSignalRegion();
    expect(state.claimSignal()).toBe(false);
  });

  it("is seen the same from a second view of the same buffer (the other thread's)", () => {
    const main = new SharedState();
    const control = new SharedState(main.buffer);
    main.enterSignalRegion();
    expect(control.claimSignal()).toBe(true);
    expect(control.countInterrupt()).toBe(1);
    expect(control.countInterrupt()).toBe(2);
    expect(main.interruptRequests()).toBe(2);
  });

  it("hands a stdin reply to a waiting cell, refuses one nobody waits for, and interrupts a wait", () => {
    const main = new SharedState();
    const control = new SharedState(main.buffer);
    expect(control.deliverInput("unasked")).toBe(false);
    main.expectInput();
    expect(control.deliverInput("héllo ✓")).toBe(true);
    expect(main.awaitInput()).toBe("héllo ✓");
    expect(control.deliverInput("late")).toBe(false);
    main.expectInput();
    control.interruptInput();
    expect(() => main.awaitInput()).toThrow(InputInterruptedError);
    // The wait is over either way: a new one starts clean.
    main.expectInput();
    expect(control.deliverInput("again")).toBe(true);
    expect(main.awaitInput()).toBe("again");
  });

  it("aims a loop break at the cell running when it was asked for, and spends it once", () => {
    const main = new SharedState();
    const control = new SharedState(main.buffer);
    main.beginCell(1);
    expect(main.breakFlag[0]).toBe(0);
    expect(main.takeBreak()).toBe(false);
    control.requestBreak();
    expect(main.breakFlag[0]).not.toBe(0);
    expect(main.takeBreak()).toBe(true);
    // One interrupt, one exception: the flag is spent.
    expect(main.breakFlag[0]).toBe(0);
    expect(main.takeBreak()).toBe(false);
    // Asked for cell 1, but cell 2 has started since: not for it.
    control.requestBreak();
    main.beginCell(2);
    expect(main.takeBreak()).toBe(false);
    expect(main.breakFlag[0]).toBe(0);
  });
});
