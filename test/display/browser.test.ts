// Renders display bundles (and the outputs of executed notebooks) in headless Chromium, checks the
// elements are laid out with a real size, and takes screenshots. Skips without Chromium unless
// TSGRAD_REQUIRE_JUPYTER=1. TSGRAD_UPDATE_SCREENSHOTS=1 refreshes docs/screenshots/;
// TSGRAD_SCREENSHOT_DIR keeps the notebook screenshots there.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tsgrad from "../../src/index.js";
import { bundlesPage, notebookOutputs, type PageItem } from "../../src/display/page.js";
import { progressBundle } from "../../src/display/progress.js";
import { CHROMIUM, type HeadlessChromium, launchChromium } from "../support/chromium.js";

const required = process.env.TSGRAD_REQUIRE_JUPYTER === "1";
const haveChromium = existsSync(CHROMIUM);
const root = fileURLToPath(new URL("../../", import.meta.url));

function demoItems(): PageItem[] {
  const { tensor, nn, optim, randn, manualSeed, toMimeBundle } = tsgrad;
  manualSeed(0);
  const w = randn([6, 8], { requiresGrad: true });
  w.name = "w";
  w.mul(w).sum().backward();
  const model = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 3));
  const x = randn([32, 4]);
  // Forgetting zeroGrad: three backward passes pile up in .grad.
  for (let i = 0; i < 3; i++) model.forward(x).pow(2).mean().backward();
  const acc = new optim.GradientAccumulator({ optimizer: new optim.SGD(model.parameters(), { lr: 0.05 }), steps: 4 });
  for (let i = 0; i < 7; i++) acc.backward(model.forward(x.slice(0, 8)).pow(2).mean(), 8);
  const log = new tsgrad.TrainingLog({ title: "standard vs accumulated" });
  for (let step = 0; step <= 200; step++) {
    const noise = Math.sin(step * 1.7) * 0.04;
    log.log("standard (batch 64)", { step, loss: 2.2 * Math.exp(-step / 60) + 0.1 + noise, accuracy: 0.95 - 0.85 * Math.exp(-step / 50) });
    log.log("accumulated (4 × 16)", { step, loss: 2.2 * Math.exp(-step / 62) + 0.1 + noise / 2, accuracy: 0.94 - 0.84 * Math.exp(-step / 52) });
  }
  const big = tensor(Float32Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i / 37)), { shape: [1000, 1000] });
  const progressState = { label: "epoch 3", count: 640, total: 1000, elapsed: 4.2, done: false };
  return [
    { title: "tensor with its grad", bundle: toMimeBundle(w) },
    { title: "1e6-element tensor (summarised)", bundle: toMimeBundle(big) },
    { title: "tensor named <script>", bundle: toMimeBundle(Object.assign(tensor([1, 2, 3]), { name: "<script>alert(1)</script>" })) },
    { title: "module", bundle: toMimeBundle(model) },
    { title: "gradHistogram after 3 backward passes without zeroGrad", bundle: tsgrad.gradHistogram(model).bundle() },
    { title: "accumulation counter", bundle: toMimeBundle(acc) },
    { title: "loss curves", bundle: toMimeBundle(log) },
    // A live bar depends on timing; its bundle at a fixed mid-run state is what a front end shows.
    { title: "progress", bundle: progressBundle(progressState) },
    {
      title: "memory",
      bundle: tsgrad.memoryChart([
        { label: "standard (batch 64)", peakSavedBytes: 6.2 * 2 ** 20 },
        { label: "accumulated (4 × 16)", peakSavedBytes: 1.6 * 2 ** 20 },
      ]).bundle(),
    },
  ];
}

/** Elements each widget must lay out with a non-zero size. */
const expectedElements = [
  ".tsgrad-tensor",
  ".tsgrad-tensor .tsgrad-grad table",
  ".tsgrad-module",
  ".tsgrad-histogram",
  ".tsgrad-accumulation .tsgrad-segment",
  ".tsgrad-loss-curve polyline",
  ".tsgrad-progress-fill",
  ".tsgrad-memory-chart rect",
];

describe.skipIf(!haveChromium && !required)("displays in a real browser (headless Chromium)", () => {
  let browser: HeadlessChromium;
  let outDir: string;

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`TSGRAD_REQUIRE_JUPYTER=1 but ${CHROMIUM} is missing`);
    outDir = mkdtempSync(join(tmpdir(), "tsgrad-pages-"));
    browser = await launchChromium({ width: 1000, height: 800 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  async function open(html: string, name: string) {
    const file = join(outDir, `${name}.html`);
    writeFileSync(file, html);
    const page = await browser.context.newPage();
    const requests: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url());
    });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("dialog", (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href);
    return { page, requests, errors };
  }

  it("lays out every widget with a non-zero size, fetches nothing, runs no script", async () => {
    const { page, requests, errors } = await open(bundlesPage(demoItems()), "widgets");
    for (const selector of expectedElements) {
      const boxes = await page.locator(selector).evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.width, r.height]));
      expect(boxes.length, selector).toBeGreaterThan(0);
      expect(boxes.every(([w, h]) => w! > 0 && h! > 0), `${selector} sizes ${JSON.stringify(boxes.slice(0, 3))}`).toBe(true);
    }
    // The <script> name is text on the page, not an element.
    expect(await page.locator("script").count()).toBe(0);
    expect(await page.getByText("<script>alert(1)</script>").count()).toBe(1);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    const shot = await page.screenshot({ fullPage: true });
    expect(shot.length).toBeGreaterThan(10_000);
    if (process.env.TSGRAD_UPDATE_SCREENSHOTS === "1") {
      const dir = join(root, "docs/screenshots");
      mkdirSync(dir, { recursive: true });
      // The widget itself (the output's first element), with a 4 px margin.
      const snap = async (n: number, file: string) => {
        const box = (await page.locator(`#output-${n} .tsgrad-output > :first-child`).boundingBox())!;
        writeFileSync(join(dir, file), await page.screenshot({ fullPage: true, clip: { x: box.x - 4, y: box.y - 4, width: box.width + 8, height: box.height + 8 } }));
      };
      await snap(0, "tensor.png");
      await snap(4, "grad-histogram.png");
      await snap(5, "accumulation-counter.png");
      await snap(6, "loss-curves.png");
      writeFileSync(join(dir, "displays.png"), shot);
    }
    await page.close();
  }, 60_000);

  // TSGRAD_NOTEBOOK_DIR points at other executed notebooks (e.g. a scratch run) instead of notebooks/.
  const notebooksDir = process.env.TSGRAD_NOTEBOOK_DIR ?? join(root, "notebooks");
  const notebooks = existsSync(notebooksDir) ? readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")) : [];
  const executed = notebooks.filter((f) => notebookOutputs(JSON.parse(readFileSync(join(notebooksDir, f), "utf8"))).length > 0);

  it.skipIf(executed.length === 0)("renders the saved outputs of the executed notebooks", async () => {
    for (const file of executed) {
      const items = notebookOutputs(JSON.parse(readFileSync(join(notebooksDir, file), "utf8")));
      const { page, requests, errors } = await open(bundlesPage(items, file), file.replace(/\W+/g, "-"));
      const sizes = await page.locator(".tsgrad-output").evaluateAll((els) => els.map((e) => [e.getBoundingClientRect().width, e.getBoundingClientRect().height, e.getAttribute("data-mime")]));
      expect(sizes).toHaveLength(items.length);
      // Every rich output (HTML or SVG) takes up room on the page.
      for (const [w, h, mime] of sizes) if (mime !== "text/plain") expect((w as number) * (h as number), `${file}: ${mime}`).toBeGreaterThan(0);
      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(process.env.TSGRAD_SCREENSHOT_DIR ?? outDir, `${file}.png`), fullPage: true });
      await page.close();
    }
  }, 120_000);
});
