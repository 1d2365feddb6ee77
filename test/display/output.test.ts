import { describe, expect, it } from "vitest";
import { Throttle } from "../../src/display/clock.js";
import { inspect } from "node:util";
import { jupyterDisplay, toMimeBundle } from "../../src/display/mime-bundle.js";
import { clearOutput, flushDisplays, showDisplay, updateDisplay } from "../../src/display/output.js";
import { display } from "../../src/display/display.js";
import { useRecordingDisplay } from "./helpers.js";

const io = useRecordingDisplay();

const shown = (value: number) => ({ [jupyterDisplay]: () => ({ "text/plain": `value ${value}` }) });

describe("Throttle", () => {
  it("sends at most one value per interval and never loses the last one", () => {
    const sent: number[] = [];
    const t = new Throttle<number>((v) => sent.push(v), io.clock, 100);
    for (let i = 0; i < 1000; i++) {
      t.push(i);
      io.clock.advance(1);
    }
    // 1000 pushes over 1 s at ≤ 10/s: 10 sends, each the newest value at its time.
    expect(sent.length).toBeLessThanOrEqual(11);
    expect(sent.length).toBeGreaterThanOrEqual(9);
    expect(sent[0]).toBe(0);
    io.clock.advance(100);
    expect(sent[sent.length - 1]).toBe(999);
    expect(io.clock.pendingTimers).toBe(0);
  });

  it("stretches the interval when sending is slow, keeping displays a small share of the loop", () => {
    const sent: number[] = [];
    // Each send takes 50 ms of (fake) time: at most one per 1 s (5%).
    const t = new Throttle<number>((v) => {
      sent.push(v);
      io.clock.time += 50;
    }, io.clock, 100);
    for (let i = 0; i < 300; i++) {
      t.push(i);
      io.clock.advance(10);
    }
    expect(t.interval).toBe(1000);
    expect(sent.length).toBeLessThanOrEqual(5);
    expect(sent.length).toBeGreaterThanOrEqual(3);
  });

  it("flush sends the waiting value at once, and nothing when none waits", () => {
    const sent: number[] = [];
    const t = new Throttle<number>((v) => sent.push(v), io.clock, 100);
    t.push(1);
    t.push(2);
    t.push(3);
    expect(sent).toEqual([1]);
    t.flush();
    expect(sent).toEqual([1, 3]);
    t.flush();
    expect(sent).toEqual([1, 3]);
    expect(io.clock.pendingTimers).toBe(0);
  });
});

describe("display()", () => {
  it("sends display_data with a display id, then throttled update_display_data", () => {
    const handle = display(shown(0));
    expect(io.sink.messages).toHaveLength(1);
    expect(io.sink.messages[0]).toMatchObject({ update: false, displayId: handle.displayId, data: { "text/plain": "value 0" } });
    for (let i = 1; i <= 50; i++) {
      handle.update(shown(i));
      io.clock.advance(10);
    }
    // 500 ms of updates at 10 ms spacing: about 5, not 50.
    expect(io.sink.updates.length).toBeGreaterThanOrEqual(4);
    expect(io.sink.updates.length).toBeLessThanOrEqual(6);
    handle.flush();
    const last = io.sink.messages[io.sink.messages.length - 1]!;
    expect(last).toMatchObject({ update: true, displayId: handle.displayId, data: { "text/plain": "value 50" } });
  });

  it("honours a given display id and updateDisplay by id", () => {
    display(shown(1), { displayId: "loss" });
    updateDisplay("loss", shown(2));
    updateDisplay("loss", shown(3));
    expect(io.sink.messages.map((m) => m.data["text/plain"])).toEqual(["value 1"]);
    flushDisplays();
    expect(io.sink.messages.map((m) => [m.displayId, m.update, m.data["text/plain"]])).toEqual([
      ["loss", false, "value 1"],
      ["loss", true, "value 3"],
    ]);
  });

  it("distinct displays are throttled independently", () => {
    const a = showDisplay(shown(1));
    const b = showDisplay(shown(2));
    expect(a.displayId).not.toBe(b.displayId);
    io.clock.advance(150);
    a.update(shown(3));
    b.update(shown(4));
    expect(io.sink.updates).toHaveLength(2);
  });

  it("flushDisplays leaves every display in its final state", () => {
    const a = display(shown(0));
    const b = display(shown(0));
    for (let i = 1; i <= 5; i++) {
      a.update(shown(i));
      b.update(shown(-i));
    }
    flushDisplays();
    const lastOf = (id: string) => io.sink.messages.filter((m) => m.displayId === id).at(-1)!.data["text/plain"];
    expect(lastOf(a.displayId)).toBe("value 5");
    expect(lastOf(b.displayId)).toBe("value -5");
  });

  it("a handle, as a cell's value, shows nothing (its output is already shown)", () => {
    const handle = display(shown(1));
    expect(toMimeBundle(handle)).toEqual({});
    expect(toMimeBundle(display.accumulationCounter.live({ microBatch: 0, steps: 2, optimizerSteps: 0 }))).toEqual({});
    expect(inspect(handle)).toBe(`DisplayHandle(${handle.displayId})`);
  });

  it("renders plain values as text/plain and forwards clearOutput", () => {
    display({ a: 1 });
    expect(io.sink.messages[0]!.data["text/plain"]).toBe("{ a: 1 }");
    clearOutput({ wait: true });
    display.clear();
    expect(io.sink.clears).toEqual([true, false]);
  });

  it("is callable with renderers as properties", () => {
    for (const name of ["gradHistogram", "lossCurve", "accumulationCounter", "progress", "memoryChart"] as const) {
      expect(typeof display[name]).toBe("function");
    }
    expect(typeof display.accumulationCounter.live).toBe("function");
  });
});
