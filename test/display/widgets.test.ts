import { describe, expect, it } from "vitest";
import { accumulationCounter } from "../../src/display/accumulation-counter.js";
import { accumulationBundle, maxSegments } from "../../src/display/accumulation-counter.js";
import { memoryChart } from "../../src/display/memory-chart.js";
import { progress, progressText } from "../../src/display/progress.js";
import { downsample, lossCurve, lossCurveBundle, TrainingLog, type TrainingPoint } from "../../src/display/training-log.js";
import { count, expectSvg, parseXml, useRecordingDisplay } from "./helpers.js";

const io = useRecordingDisplay();

const state = { microBatch: 3, steps: 4, effectiveBatchSize: 128, optimizerSteps: 7, lastGradNorm: 0.81234, lr: 0.01 };

describe("accumulation counter", () => {
  it("shows micro-batch k of N as N segments with k filled, and the step figures", () => {
    const bundle = accumulationCounter(state).bundle();
    expect(bundle["text/plain"]).toBe("micro-batch 3/4 [███░]  effective batch 128 · optimizer steps 7 · last grad norm 0.8123 · lr 0.01");
    const html = bundle["text/html"] as string;
    parseXml(html);
    expect(count(html, /class="tsgrad-segment/)).toBe(4);
    expect(count(html, /tsgrad-filled/)).toBe(3);
    expect(html).toContain("micro-batch <b>3</b> of <b>4</b>");
  });

  it("shows unknowns as dashes and draws a continuous bar past the segment limit", () => {
    const html = accumulationBundle({ microBatch: 16, steps: maxSegments * 2, optimizerSteps: 0, effectiveBatchSize: null, lastGradNorm: null })["text/html"] as string;
    expect(count(html, /class="tsgrad-segment/)).toBe(1);
    expect(html).toContain("width:25.0%");
    expect(html).toContain(">—<");
  });

  it("live: updates in place while the loop runs and ends in the final state", () => {
    const acc = { ...state, microBatch: 0, optimizerSteps: 0 };
    const live = accumulationCounter.live(acc);
    for (let i = 1; i <= 40; i++) {
      acc.microBatch = ((i - 1) % 4) + 1;
      if (acc.microBatch === 4) acc.optimizerSteps++;
      live.update();
      io.clock.advance(5);
    }
    expect(io.sink.messages[0]!.update).toBe(false);
    expect(io.sink.updates.length).toBeLessThanOrEqual(3);
    live.flush();
    const last = io.sink.messages.at(-1)!;
    expect(last.update).toBe(true);
    expect(last.displayId).toBe(live.displayId);
    expect(last.data["text/plain"]).toMatch(/^micro-batch 4\/4 .* optimizer steps 10 /);
  });
});

describe("loss curves", () => {
  const run = (n: number, scale: number, acc = false): TrainingPoint[] =>
    Array.from({ length: n }, (_, i) => ({ step: i, loss: scale / (i + 1), ...(acc ? { accuracy: i / n } : {}) }));

  it("overlays runs with a legend in a valid SVG, accuracy in a second panel", () => {
    const bundle = lossCurveBundle({ standard: run(50, 2, true), "accumulated <4>": run(50, 1.5, true) });
    const svg = bundle["image/svg+xml"] as string;
    expectSvg(svg);
    expect(count(svg, /<polyline class="tsgrad-run"/)).toBe(4);
    expect(count(svg, /class="tsgrad-legend"/)).toBe(2);
    expect(svg).toContain("accumulated &lt;4&gt;");
    expect(svg).toContain(">accuracy<");
    expect(bundle["text/plain"]).toContain("Training curves (2 runs)");
    expect(bundle["text/plain"]).toMatch(/standard\s+step 49 {2}loss 0\.04 {2}best 0\.04 {2}accuracy 0\.98/);
  });

  it("without accuracy there is one panel; empty history still renders", () => {
    expect(lossCurve(run(5, 1)).bundle()["image/svg+xml"]).not.toContain(">accuracy<");
    const empty = lossCurveBundle({})["image/svg+xml"] as string;
    expectSvg(empty);
    expect(empty).toContain("no data yet");
  });

  it("downsamples long runs, keeping spikes and the last point", () => {
    const ys = Array.from({ length: 10_000 }, (_, i) => (i === 5000 ? 100 : i === 7000 ? -3 : 1));
    const kept = downsample(ys, 600);
    expect(kept.length).toBeLessThanOrEqual(601);
    expect(kept).toContain(5000);
    expect(kept).toContain(7000);
    expect(kept.at(-1)).toBe(9999);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(downsample([3, 1, 2])).toEqual([0, 1, 2]);
  });

  // Its rendering time is measured in bench/display-render.js.
  it("draws 2 × 200,000 logged steps as a bounded SVG", () => {
    const log = new TrainingLog();
    for (let step = 0; step < 200_000; step++) {
      log.log("standard", { step, loss: 1 / (step + 1) });
      log.log("accumulated", { step, loss: 1.1 / (step + 1), accuracy: step / 200_000 });
    }
    const svg = lossCurveBundle(log)["image/svg+xml"] as string;
    expectSvg(svg);
    expect(svg.length).toBeLessThan(100_000);
  });

  it("TrainingLog updates its shown curves at a bounded rate and flushes the final state", () => {
    const log = new TrainingLog();
    log.show();
    for (let step = 0; step < 1000; step++) {
      log.log("standard", { step, loss: 1 / (step + 1) });
      io.clock.advance(2);
    }
    // 2 s of logging: about 20 updates, not 1000.
    expect(io.sink.updates.length).toBeLessThanOrEqual(21);
    log.flush();
    expect(io.sink.messages.at(-1)!.data["text/plain"]).toContain("step 999");
    expect(log.toJSON().standard).toHaveLength(1000);
  });
});

describe("progress", () => {
  it("iterates like the source and throttles 10,000 steps to a handful of updates", () => {
    const loader = { length: 10_000, *[Symbol.iterator]() { for (let i = 0; i < 10_000; i++) yield i; } };
    let sum = 0;
    for (const i of progress(loader, { label: "epoch 1" })) {
      sum += i;
      io.clock.advance(0.1);
    }
    expect(sum).toBe((9999 * 10_000) / 2);
    // 1 s of iteration at ≤ 10 updates/s, plus the first display and the final flush.
    expect(io.sink.messages.length).toBeLessThanOrEqual(13);
    const last = io.sink.messages.at(-1)!;
    expect(last.data["text/plain"]).toBe("epoch 1: 100%|████████████████████| 10000/10000 [00:01<00:00, 10000 it/s]");
    const html = last.data["text/html"] as string;
    parseXml(html);
    expect(html).toContain("width:100.0%");
    expect(html).toContain("done");
  });

  it("shows rate and ETA mid-way, and a count when the total is unknown", () => {
    expect(progressText({ label: "", count: 250, total: 1000, elapsed: 5, done: false })).toBe(" 25%|█████               | 250/1000 [00:05<00:15, 50.00 it/s]");
    function* gen() {
      yield 1;
      yield 2;
    }
    for (const _ of progress(gen())) io.clock.advance(1000);
    expect(io.sink.messages.at(-1)!.data["text/plain"]).toBe("2 it [00:02, 1.00 it/s]");
  });

  it("wraps async iterables with for await", async () => {
    async function* batches() {
      for (let i = 0; i < 3; i++) yield i;
    }
    const seen: number[] = [];
    for await (const b of progress(batches(), { total: 3, label: "async" })) seen.push(b);
    expect(seen).toEqual([0, 1, 2]);
    expect(io.sink.messages.at(-1)!.data["text/plain"]).toMatch(/^async: 100%\|.*\| 3\/3 /);
  });

  it("leaves the bar at the count reached when the loop breaks", () => {
    for (const i of progress([1, 2, 3, 4, 5])) if (i === 3) break;
    expect(io.sink.messages.at(-1)!.data["text/plain"]).toContain(" 2/5 ");
  });
});

describe("memory chart", () => {
  it("draws one bar per run scaled to the largest, with sizes and ratios", () => {
    const bundle = memoryChart([
      { label: "standard (batch 256)", peakSavedBytes: 8 * 1024 * 1024 },
      { label: "accumulated <4×64>", peakSavedBytes: 2 * 1024 * 1024 },
    ]).bundle();
    const svg = bundle["image/svg+xml"] as string;
    expectSvg(svg);
    const widths = [...svg.matchAll(/<rect x="\d+" y="[\d.]+" width="([\d.]+)" height="18"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([300, 75]);
    expect(svg).toContain("8.00 MiB  (4.00×)");
    expect(svg).toContain("accumulated &lt;4×64&gt;");
    expect(bundle["text/plain"]).toMatch(/accumulated <4×64>\s+2\.00 MiB/);
  });

  it("stacks a breakdown by kind, scaled to the largest total, with a legend", () => {
    const KiB = 1024;
    const fixed = { parameters: 20 * KiB, gradients: 20 * KiB, optimizerState: 20 * KiB };
    const bundle = memoryChart([
      { label: "1 × 256", breakdown: { ...fixed, peakSavedActivations: 140 * KiB } },
      { label: "8 × 32", breakdown: { ...fixed, peakSavedActivations: 17.5 * KiB } },
      { label: "activations only", peakSavedBytes: 40 * KiB },
    ]).bundle();
    const svg = bundle["image/svg+xml"] as string;
    expectSvg(svg);
    const widthsOf = (kind: string) => [...svg.matchAll(new RegExp(`class="tsgrad-memory-${kind}" x="[\\d.]+" y="[\\d.]+" width="([\\d.]+)"`, "g"))].map((m) => Number(m[1]));
    expect(widthsOf("parameters")).toEqual([30, 30]);
    expect(widthsOf("peakSavedActivations")).toEqual([210, 26.3, 60]);
    for (const name of ["parameters", "gradients", "optimizer state", "saved activations"]) expect(svg).toContain(`>${name}</text>`);
    expect(svg).toContain("200.0 KiB  (5.00×)");
    expect(bundle["text/plain"]).toContain("Memory of a training step");
    expect(bundle["text/plain"]).toMatch(/8 × 32 +77\.5 KiB .*\n +parameters 20\.0 KiB · gradients 20\.0 KiB · optimizer state 20\.0 KiB · saved activations 17\.5 KiB/);
  });

  it("names a run's bad field", () => {
    expect(() => memoryChart([{ label: "a", breakdown: { parameters: 1, gradients: Number.NaN, optimizerState: 0, peakSavedActivations: 0 } }])).toThrow(
      /runs\[0\]\.breakdown\.gradients should be a number of bytes ≥ 0, got NaN/,
    );
    expect(() => memoryChart([{ label: "a", peakSavedBytes: -1 }])).toThrow(/runs\[0\]\.peakSavedBytes should be a number of bytes ≥ 0, got -1/);
  });
});
