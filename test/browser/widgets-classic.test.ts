// Widgets in a real front end: Debian's classic Jupyter Notebook with Debian's ipywidgets 6
// extension (jupyter-nbextension-jupyter-js-widgets), in headless Chromium. Moving the slider in the
// page changes the value in the kernel, a kernel-side change moves the slider, a Button click stops
// a running loop, and an Output widget shows what it captured. Skips without Chromium, the classic
// notebook or the extension unless TSGRAD_REQUIRE_JUPYTER=1.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, type HeadlessChromium, launchChromium, watchedPage } from "../support/chromium.js";
import { type ClassicNotebook, REPO, haveClassicNotebook, startClassicNotebook } from "./classic-notebook.js";
import { widgetsNotebook } from "./fixtures/widgets-notebook.js";

const extension = "/usr/share/jupyter/nbextensions/jupyter-js-widgets/extension.js";
const required = process.env.TSGRAD_REQUIRE_JUPYTER === "1";
const available = existsSync(CHROMIUM) && existsSync(extension) && haveClassicNotebook();
if (!available && required) throw new Error(`TSGRAD_REQUIRE_JUPYTER=1 but ${CHROMIUM}, ${extension} (jupyter-nbextension-jupyter-js-widgets) or the classic notebook is missing`);
const artifacts = join(REPO, "test-artifacts/browser");

type JupyterWindow = {
  Jupyter: {
    notebook: {
      _fully_loaded?: boolean;
      kernel?: { is_connected(): boolean; info_reply?: { implementation?: string } };
      get_cells(): { cell_type: string; input_prompt_number?: unknown; output_area: { outputs: { data?: Record<string, string>; text?: string }[] } }[];
      insert_cell_at_bottom(type: string): { set_text(text: string): void; execute(): void };
    };
  };
};

describe.skipIf(!available)("widgets in the classic notebook with Debian's ipywidgets extension, in headless Chromium", () => {
  let server: ClassicNotebook;
  let browser: HeadlessChromium;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startClassicNotebook();
    writeFileSync(join(server.root, "widgets.ipynb"), JSON.stringify(widgetsNotebook));
    browser = await launchChromium({ width: 1200, height: 900 });
    page = await watchedPage(browser, { page: pageErrors });
    mkdirSync(artifacts, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The text outputs of code cell `index` (execute results and streams). */
  const cellText = (index: number): Promise<string> =>
    page.evaluate((i) => {
      const cells = (globalThis as unknown as JupyterWindow).Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code");
      return cells[i]!.output_area.outputs.map((o) => o.data?.["text/plain"] ?? o.text ?? "").join("");
    }, index);

  /** Runs `source` in a new cell at the bottom; resolves to its text output. */
  async function runNewCell(source: string): Promise<string> {
    const index = await page.evaluate((text) => {
      const nb = (globalThis as unknown as JupyterWindow).Jupyter.notebook;
      const cell = nb.insert_cell_at_bottom("code");
      cell.set_text(text);
      cell.execute();
      return nb.get_cells().filter((c) => c.cell_type === "code").length - 1;
    }, source);
    await page.waitForFunction(
      (i) => typeof (globalThis as unknown as JupyterWindow).Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code")[i]!.input_prompt_number === "number",
      index,
      { timeout: 30_000 },
    );
    return cellText(index);
  }

  it("shows the widgets, moves kernel values from the page and the page from the kernel, stops a loop by a click, and captures output", async () => {
    await page.goto(`${server.url}notebooks/widgets.ipynb?token=${server.token}`);
    await page.waitForFunction(
      () => {
        const nb = (globalThis as unknown as Partial<JupyterWindow>).Jupyter?.notebook;
        return nb?._fully_loaded === true && nb.kernel?.is_connected() === true && nb.kernel.info_reply?.implementation === "tsgrad";
      },
      undefined,
      { timeout: 60_000 },
    );
    await page.click("#celllink");
    await page.click("#run_all_cells");

    // The widgets appear in the first cell's widget area.
    const slider = page.locator(".widget-area .widget-hslider").first();
    await slider.waitFor({ timeout: 60_000 });
    const readout = slider.locator(".widget-readout");
    await expect.poll(() => readout.textContent(), { timeout: 10_000 }).toBe("0.50");
    // ipywidgets 6 draws an Output widget as a notebook output area inside the widget area.
    const area = page.locator(".widget-area").first();
    await expect.poll(() => area.locator(".output_area").textContent(), { timeout: 10_000 }).toContain("captured by the Output widget");
    // ...and not in the cell's own output.
    expect(await cellText(0)).not.toContain("captured by the Output widget");

    // The loop cell is running; the slider moves in the page (keyboard on its handle: +1 step).
    await page.waitForFunction(() => {
      const cells = (globalThis as unknown as JupyterWindow).Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code");
      return cells[0]!.input_prompt_number === 1 && cells[1]!.input_prompt_number === "*";
    }, undefined, { timeout: 30_000 });
    await slider.locator(".ui-slider-handle").focus();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => readout.textContent(), { timeout: 5_000 }).toBe("0.60");
    await page.screenshot({ path: join(artifacts, "widgets-classic.png"), fullPage: true });

    // A click on Stop ends the running loop; the loop saw the slider's new value in flight.
    await page.locator(".widget-area button.widget-button", { hasText: "Stop" }).click();
    await page.waitForFunction(
      () => typeof (globalThis as unknown as JupyterWindow).Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code")[1]!.input_prompt_number === "number",
      undefined,
      { timeout: 30_000 },
    );
    expect(await cellText(1)).toMatch(/^'stopped after \d+ steps; lr seen \[0\.6\]'$/);

    // The kernel holds the value the page set; a kernel-side change moves the slider.
    expect(await runNewCell("lr.value")).toBe("0.6");
    await runNewCell("lr.value = 0.9;");
    await expect.poll(() => readout.textContent(), { timeout: 10_000 }).toBe("0.90");
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
