import { describe, expect, it } from "vitest";
import { lineChart } from "../../src/display/line-chart.js";
import { lossCurve, TrainingLog } from "../../src/display/training-log.js";
import { count, expectSvg } from "./helpers.js";

const svgOf = (fig: { bundle(): Record<string, unknown> }) => fig.bundle()["image/svg+xml"] as string;
const textOf = (fig: { bundle(): Record<string, unknown> }) => fig.bundle()["text/plain"] as string;
/** The coordinate pairs of every drawn line, in drawing order. */
const polylines = (svg: string) => [...svg.matchAll(/<polyline class="tsgrad-run" points="([^"]*)"/g)].map((m) => m[1]!.split(" ").map((p) => p.split(",").map(Number)));

describe("axis labels and views of the training curves", () => {
  it("names what the x axis counts, in both panels and in the text", () => {
    const log = new TrainingLog({ xLabel: "epoch" });
    for (let epoch = 1; epoch <= 3; epoch++) log.log("batch 32", { step: epoch, loss: 1 / epoch, accuracy: epoch / 4 });
    const svg = svgOf(lossCurve(log, log.options));
    expectSvg(svg);
    expect(count(svg, /class="tsgrad-x-label"[^>]*>epoch</)).toBe(2);
    expect(textOf(lossCurve(log, log.options))).toContain("batch 32  epoch 3  loss 0.3333");
    expect(svgOf(lossCurve(log))).toContain(">step<");
  });

  it("plots against another coordinate the points carry, leaving out points without it", () => {
    const log = new TrainingLog();
    log.log("a", { step: 1, loss: 3, x: { "samples seen": 100 } });
    log.log("a", { step: 2, loss: 2 });
    log.log("a", { step: 3, loss: 1, x: { "samples seen": 300 } });
    log.log("b", { step: 1, loss: 3, x: { "samples seen": 600 } });
    const svg = svgOf(lossCurve(log, { x: "samples seen" }));
    expectSvg(svg);
    const [a, b] = polylines(svg);
    expect(a).toHaveLength(2);
    expect(b).toBeUndefined(); // one point: a marker, no line
    expect(count(svg, /class="tsgrad-x-label"[^>]*>samples seen</)).toBe(1);
    // Against samples, a's last point (300) sits left of b's only point (600), unlike against steps.
    const right = Math.max(...a!.map((p) => p[0]!));
    const marker = /<rect x="([\d.]+)" y="[\d.]+" width="7" height="7"/.exec(svg);
    expect(Number(marker![1]) + 3.5).toBeGreaterThan(right);
    expect(textOf(lossCurve(log, { x: "samples seen" }))).toMatch(/a {2}samples seen 300 {2}loss 1/);
    expect(log.points("a")).toEqual([
      { step: 1, loss: 3, x: { "samples seen": 100 } },
      { step: 2, loss: 2 },
      { step: 3, loss: 1, x: { "samples seen": 300 } },
    ]);
  });

  it("keeps coinciding runs visible: each later run dashed, few points marked with distinct shapes", () => {
    const points = Array.from({ length: 10 }, (_, i) => ({ step: i, loss: 1 / (i + 1) }));
    const svg = svgOf(lossCurve({ "batch 256": points, accumulated: points }));
    const [first, second] = polylines(svg);
    expect(second).toEqual(first);
    const lines = [...svg.matchAll(/<polyline class="tsgrad-run"[^>]*>/g)].map((m) => m[0]);
    expect(lines[0]).not.toContain("stroke-dasharray");
    expect(lines[1]).toContain('stroke-dasharray="7 4"');
    const groups = [...svg.matchAll(/<g class="tsgrad-markers">(.*?)<\/g>/g)].map((m) => m[1]!);
    expect(groups).toHaveLength(2);
    expect(count(groups[0]!, /<circle /)).toBe(10);
    expect(count(groups[1]!, /<rect /)).toBe(10);
    // A long run keeps a plain line: markers would hide it.
    const long = Array.from({ length: 500 }, (_, i) => ({ step: i, loss: 1 / (i + 1) }));
    expect(svgOf(lossCurve(long))).not.toContain("tsgrad-markers");
  });
});

describe("lineChart", () => {
  const sweep = { "after 10 epochs": [[0.1, 0.71], [0.2, 0.84], [0.4, 0.92], [0.8, 0.9], [1.6, 0.67], [3.2, 0.14]] as [number, number][] };

  it("draws a sweep on a log x axis with 1-2-5 ticks, labelled marks and axis names", () => {
    const fig = lineChart(sweep, { title: "Sweep", xLabel: "learning rate", yLabel: "test accuracy", logX: true, marks: [{ x: 0.8, label: "linear rule" }, { x: 50, label: "off the chart" }] });
    const svg = svgOf(fig);
    expectSvg(svg);
    for (const tick of ["0.1", "0.2", "0.5", "1", "2"]) expect(svg).toMatch(new RegExp(`text-anchor="middle">${tick}</text>`));
    expect(svg).toContain(">learning rate (log scale)<");
    expect(svg).toContain(">test accuracy<");
    expect(count(svg, /class="tsgrad-mark"/)).toBe(1);
    expect(svg).toContain(">linear rule<");
    // Equal ratios take equal widths on a log axis: 0.1→0.2 as wide as 1.6→3.2.
    const xs = polylines(svg)[0]!.map((p) => p[0]!);
    expect(xs[1]! - xs[0]!).toBeCloseTo(xs[5]! - xs[4]!, 0);
    const text = textOf(fig);
    expect(text).toContain("Sweep (test accuracy against learning rate)");
    expect(text).toContain("after 10 epochs  0.1: 0.71, 0.2: 0.84");
    expect(text).toContain("mark at learning rate = 0.8: linear rule");
  });

  it("skips non-finite points (a diverged run) and non-positive ones on a log axis", () => {
    const svg = svgOf(lineChart({ run: [[0.1, 1], [0.2, NaN], [0, 2], [0.4, 3]] }, { logX: true }));
    expectSvg(svg);
    expect(polylines(svg)[0]).toHaveLength(2);
    expect(svgOf(lineChart({}))).toContain("no data yet");
  });

  it("keeps the data as given when the chart was made", () => {
    const pts: [number, number][] = [[1, 1], [2, 2]];
    const fig = lineChart({ run: pts });
    pts.push([3, 3]);
    expect(polylines(svgOf(fig))[0]).toHaveLength(2);
  });
});

describe("x ticks", () => {
  it("are whole numbers when the x values count something (epochs 1..3), fractional otherwise", () => {
    const ticks = (svg: string) => [...svg.matchAll(/font-size="10" fill="#555" text-anchor="middle">([^<]+)</g)].map((m) => m[1]);
    expect(ticks(svgOf(lineChart({ run: [[1, 1], [2, 2], [3, 3]] })))).toEqual(["1", "2", "3"]);
    expect(ticks(svgOf(lineChart({ run: [[1, 1], [2.5, 2], [3, 3]] })))).toContain("1.5");
  });
});
