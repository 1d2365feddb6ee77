// Shared test doubles: a recording display sink, a hand-driven clock, XML checks, plain tensors.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterEach, beforeEach, expect } from "vitest";
import type { Clock } from "../../src/display/clock.js";
import { setDisplayClock } from "../../src/display/output.js";
import { setDisplaySink, type DisplayMessage } from "../../src/display/display-sink.js";
import type { TensorLike } from "../../src/display/structural.js";

export class RecordingSink {
  messages: DisplayMessage[] = [];
  clears: boolean[] = [];
  display(message: DisplayMessage): void {
    this.messages.push(message);
  }
  clearOutput(wait: boolean): void {
    this.clears.push(wait);
  }
  get updates(): DisplayMessage[] {
    return this.messages.filter((m) => m.update);
  }
  install(): this {
    setDisplaySink(this);
    return this;
  }
}

/** Time moves only when the test says so; timers fire on `advance`. */
export class FakeClock implements Clock {
  time = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = target;
  }
  get pendingTimers(): number {
    return this.timers.size;
  }
}

/** Parses markup as XML (our HTML is written well-formed), failing the test with the parser's reason. */
export function parseXml(markup: string): Record<string, unknown> {
  const result = XMLValidator.validate(`<root>${markup}</root>`);
  expect(result, typeof result === "object" ? JSON.stringify(result.err) : "").toBe(true);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(`<root>${markup}</root>`) as Record<string, unknown>;
}

/** Asserts a standalone SVG document: valid XML, root <svg> with the SVG namespace and a size. */
export function expectSvg(svg: string): void {
  expect(XMLValidator.validate(svg)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(svg) as { svg?: Record<string, string> };
  expect(doc.svg).toBeDefined();
  expect(doc.svg!["@xmlns"]).toBe("http://www.w3.org/2000/svg");
  expect(Number(doc.svg!["@width"])).toBeGreaterThan(0);
  expect(Number(doc.svg!["@height"])).toBeGreaterThan(0);
}

export function count(markup: string, pattern: RegExp): number {
  return (markup.match(new RegExp(pattern.source, "g")) ?? []).length;
}

export function plainTensor(shape: number[], fill: (i: number) => number, extra: Partial<TensorLike> = {}): TensorLike {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = fill(i);
  return { shape, dtype: "float32", data, requiresGrad: false, grad: null, gradFn: null, ...extra };
}

/** Around each test: a fresh recording sink and fake clock as the display layer's sink and clock. */
export function useRecordingDisplay(): { readonly sink: RecordingSink; readonly clock: FakeClock } {
  const current = { sink: new RecordingSink(), clock: new FakeClock() };
  beforeEach(() => {
    current.sink = new RecordingSink().install();
    current.clock = new FakeClock();
    setDisplayClock(current.clock);
  });
  afterEach(() => {
    setDisplaySink(null);
    setDisplayClock(null);
  });
  return current;
}

/** The SVG documents an HTML card embeds as data-URI images (`<img src="data:image/svg+xml;base64,…">`). */
export function embeddedSvgs(html: string): string[] {
  return [...html.matchAll(/src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, "base64").toString("utf8"));
}
