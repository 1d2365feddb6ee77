// Widgets in JupyterLab 4 with @jupyter-widgets/jupyterlab-manager 5 (ipywidgets 8, widget protocol
// 2.1) built into the harness, in headless Chromium: the slider moved in the page changes the value
// in the kernel, a kernel-side change moves the slider, a Button click stops a running loop, and the
// Output widget shows what it captured. Skips without Chromium or Debian's jupyterlab_server unless
// TSGRAD_REQUIRE_JUPYTER=1.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, type HeadlessChromium, launchChromium, watchedPage } from "../support/chromium.js";
import { type JupyterLab, REPO, ensureJupyterLabBuilt, haveJupyterLabServer, startJupyterLab } from "../support/jupyterlab.js";
import { widgetsNotebook } from "../browser/fixtures/widgets-notebook.js";

const required = process.env.TSGRAD_REQUIRE_JUPYTER === "1";
const available = existsSync(CHROMIUM) && haveJupyterLabServer();
if (!available && required) throw new Error(`TSGRAD_REQUIRE_JUPYTER=1 but ${CHROMIUM} or Debian's python3-jupyterlab-server is missing`);
const artifacts = join(REPO, "test-artifacts/jupyterlab");

/** In the page: the open notebook's code cells, as far as these checks read them. */
const codeCells = `jupyterapp.shell.currentWidget.content.widgets.filter((c) => c.model.type === "code")`;

describe.skipIf(!available)("widgets in JupyterLab 4 with @jupyter-widgets/jupyterlab-manager, in headless Chromium", () => {
  let server: JupyterLab;
  let browser: HeadlessChromium;
  let page: Page;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await ensureJupyterLabBuilt();
    server = await startJupyterLab();
    writeFileSync(join(server.root, "widgets.ipynb"), JSON.stringify(widgetsNotebook));
    browser = await launchChromium({ width: 1280, height: 900 });
    page = await watchedPage(browser, { page: pageErrors, console: consoleErrors });
    mkdirSync(artifacts, { recursive: true });
  }, 20 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Execution counts of the code cells (null while never run; "*" is not shown here). */
  const counts = () => page.evaluate(`${codeCells}.map((c) => c.model.executionCount)`) as Promise<(number | null)[]>;
  /** The text of code cell `i`'s outputs as JupyterLab rendered them. */
  const cellText = (i: number) => page.evaluate(`${codeCells}[${i}].node.querySelector(".jp-Cell-outputArea .jp-OutputArea-output").innerText`) as Promise<string>;
  const kernelIdle = () => page.evaluate(`jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status === "idle"`) as Promise<boolean>;

  it("shows the widgets, moves kernel values from the page and the page from the kernel, stops a loop by a click, and captures output", async () => {
    await page.goto(`${server.url}lab/tree/widgets.ipynb?reset&token=${server.token}`);
    await page.waitForFunction(() => (globalThis as { jupyterapp?: unknown }).jupyterapp !== undefined, undefined, { timeout: 90_000 });
    await page.waitForFunction(`jupyterapp.shell.currentWidget?.title.label === "widgets.ipynb" && jupyterapp.shell.currentWidget.sessionContext?.session?.kernel?.status === "idle"`, undefined, { timeout: 90_000 });
    // Not awaited in the page: Run All settles only when the loop cell ends, which needs the Stop click.
    await page.evaluate(`void jupyterapp.commands.execute("notebook:run-all-cells")`);

    // The widgets render in the first cell's output (widget-view MIME type).
    const slider = page.locator(".jp-Cell-outputArea .widget-hslider").first();
    await slider.waitFor({ timeout: 60_000 });
    const readout = slider.locator(".widget-readout");
    await expect.poll(() => readout.textContent(), { timeout: 10_000 }).toBe("0.50");
    const output = page.locator(".jp-Cell-outputArea .widget-output").first();
    await expect.poll(() => output.textContent(), { timeout: 10_000 }).toContain("captured by the Output widget");
    // Only the widget view is in the cell's own outputs: the captured line is inside the Output widget.
    expect(await page.evaluate(`${codeCells}[0].model.outputs.length`)).toBe(1);

    // While the loop cell runs, the slider's handle is dragged one tenth of the track: one step.
    await expect.poll(counts, { timeout: 30_000 }).toEqual([1, null]);
    const track = (await slider.locator(".noUi-target").boundingBox())!;
    const handle = (await slider.locator(".noUi-handle").boundingBox())!;
    const [x, y] = [handle.x + handle.width / 2, handle.y + handle.height / 2];
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + track.width / 10, y, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => readout.textContent(), { timeout: 5_000 }).toBe("0.60");
    // The slider's message was served while the loop runs, and the kernel still shows busy.
    await page.waitForTimeout(500);
    expect(await page.evaluate(`jupyterapp.shell.currentWidget.sessionContext.session.kernel.status`)).toBe("busy");
    await page.screenshot({ path: join(artifacts, "widgets-jupyterlab.png") });

    // A click on Stop ends the running loop, which saw the slider's new value in flight.
    await page.locator(".jp-Cell-outputArea button.jupyter-button", { hasText: "Stop" }).click();
    await expect.poll(counts, { timeout: 30_000 }).toEqual([1, 2]);
    expect(await cellText(1)).toMatch(/^'stopped after \d+ steps; lr seen \[0\.6\]'$/);

    // The kernel holds the value the page set; a kernel-side change moves the slider.
    await page.evaluate(`(() => {
      const panel = jupyterapp.shell.currentWidget;
      panel.content.activeCellIndex = panel.content.widgets.length - 1;
      return jupyterapp.commands.execute("notebook:insert-cell-below");
    })()`);
    await page.evaluate(`jupyterapp.shell.currentWidget.content.activeCell.model.sharedModel.setSource("lr.value = 0.9; lr.value")`);
    await page.evaluate(`void jupyterapp.commands.execute("notebook:run-cell")`);
    await expect.poll(counts, { timeout: 30_000 }).toEqual([1, 2, 3]);
    expect(await cellText(2)).toBe("0.9");
    await expect.poll(() => readout.textContent(), { timeout: 10_000 }).toBe("0.90");
    await expect.poll(kernelIdle, { timeout: 10_000 }).toBe(true);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 5 * 60_000);
});
