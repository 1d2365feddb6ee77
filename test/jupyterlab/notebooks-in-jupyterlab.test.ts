// The shipped notebooks in the real JupyterLab 4 (the harness of test/support/jupyterlab.ts), in
// headless Chromium, as a user meets them:
// 1. opened as saved, untrusted (what Binder shows before anything runs): every output with a rich
//    MIME type renders with a rich renderer, and its images load and have a size;
// 2. after Run All: no errors, every output renders, and each live display updates in place;
// 3. in the light and the dark theme, every output text has a WCAG contrast of at least 4.5:1
//    against the background it is actually drawn on (measured in the page).
// Also: every style declaration of the saved HTML outputs survives JupyterLab's own sanitizer, except
// the var() ones meant for trusted outputs. Screenshots go to test-artifacts/jupyterlab/.
// Skips without Chromium or Debian's jupyterlab_server unless TSGRAD_REQUIRE_JUPYTER=1.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, type HeadlessChromium, launchChromium, watchedPage } from "../support/chromium.js";
import { HARNESS, type JupyterLab, REPO, ensureJupyterLabBuilt, haveJupyterLabServer, startJupyterLab } from "../support/jupyterlab.js";

const required = process.env.TSGRAD_REQUIRE_JUPYTER === "1";
const available = existsSync(CHROMIUM) && haveJupyterLabServer();
if (!available && required) throw new Error(`TSGRAD_REQUIRE_JUPYTER=1 but ${CHROMIUM} or Debian's python3-jupyterlab-server is missing`);

const notebooksDir = join(REPO, "notebooks");
const notebooks = readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort();
const artifacts = join(REPO, "test-artifacts/jupyterlab");
const themes = { light: "JupyterLab Light", dark: "JupyterLab Dark" } as const;
/** WCAG AA for normal text. */
const minContrast = 4.5;

interface RenderedOutput {
  type: string;
  mimeTypes: string[];
  trusted: boolean;
  rendered: string | null;
  text: string;
  size: [number, number];
  svgs: number;
  images: { loaded: boolean; width: number; height: number }[];
  segments: number[];
}
interface RenderedCell {
  cellIndex: number;
  executionCount: number | null;
  outputs: RenderedOutput[];
}
interface ContrastSample {
  text: string;
  ratio: number;
  color: string;
  background: string;
}

const richTypes = (o: RenderedOutput) => o.mimeTypes.filter((m) => m !== "text/plain");

/** Problems with how the outputs rendered: text fallbacks, lost or unloaded graphics, empty boxes. */
function renderingProblems(cells: RenderedCell[]): string[] {
  const problems: string[] = [];
  for (const cell of cells) {
    cell.outputs.forEach((o, i) => {
      const where = `cell ${cell.cellIndex} output ${i} (${o.mimeTypes.join(", ") || o.type})`;
      if (o.type === "error") problems.push(`${where}: an error: ${o.text}`);
      if (o.mimeTypes.includes("application/vnd.jupyter.widget-view+json")) {
        // JupyterLab draws a widget only in a trusted output (its widget renderer is not "safe"):
        // untrusted, the text/plain twin shows; run, the widget manager's view (no data-mime-type).
        if (!o.trusted && o.rendered !== "text/plain") problems.push(`${where}: an untrusted widget shows ${o.rendered}, not its text`);
        if (o.trusted && (o.size[0] === 0 || o.size[1] === 0)) problems.push(`${where}: the widget has no size (${o.size.join("×")})`);
        return;
      }

      if (o.rendered === null) problems.push(`${where}: not rendered`);
      if (richTypes(o).length > 0 && (o.rendered === "text/plain" || o.text.includes("Cannot display an untrusted SVG"))) {
        problems.push(`${where}: fell back to ${o.rendered}: ${o.text.slice(0, 80)}`);
      }
      if (o.size[0] === 0 || o.size[1] === 0) problems.push(`${where}: has no size (${o.size.join("×")})`);
      if (o.images.some((img) => !img.loaded || img.width === 0 || img.height === 0)) problems.push(`${where}: an image did not load or has no size`);
      if (o.segments.some((w) => w === 0)) problems.push(`${where}: a counter segment has no width`);
    });
  }
  return problems;
}

describe.skipIf(!available)("the shipped notebooks in JupyterLab 4, in headless Chromium", () => {
  let server: JupyterLab;
  let browser: HeadlessChromium;
  let page: Page;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    await ensureJupyterLabBuilt();
    server = await startJupyterLab();
    for (const f of notebooks) copyFileSync(join(notebooksDir, f), join(server.root, f));
    browser = await launchChromium({ width: 1280, height: 900 });
    page = await watchedPage(browser, { page: pageErrors, console: consoleErrors });
    await page.addInitScript({ path: join(REPO, "test/jupyterlab/in-page.js") });
    mkdirSync(artifacts, { recursive: true });
  }, 20 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Opens `notebook` in a fresh workspace and waits until its outputs are on the page. */
  async function open(notebook: string, theme: keyof typeof themes = "light"): Promise<void> {
    await page.goto(`${server.url}lab/tree/${notebook}?reset&token=${server.token}`);
    await page.waitForFunction(() => (globalThis as { jupyterapp?: unknown }).jupyterapp !== undefined, undefined, { timeout: 90_000 });
    await setTheme(theme);
    await page.waitForFunction(
      (name) => {
        const w = (globalThis as unknown as { jupyterapp: { shell: { currentWidget: { title: { label: string }; isVisible: boolean; context?: { isReady: boolean } } | null } } }).jupyterapp.shell.currentWidget;
        return w?.title.label === name && w.context?.isReady === true && w.isVisible;
      },
      notebook,
      { timeout: 60_000 },
    );
    await page.waitForTimeout(1000);
  }

  async function setTheme(theme: keyof typeof themes): Promise<void> {
    await page.evaluate(`jupyterapp.commands.execute("apputils:change-theme", { theme: ${JSON.stringify(themes[theme])} })`);
    await page.waitForFunction((light) => (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset["jpThemeLight"] === light, String(theme === "light"), { timeout: 30_000 });
    // Let the theme's CSS apply before measuring.
    await page.waitForTimeout(500);
  }

  const outputs = () => page.evaluate("tsgradProbe.outputs()") as Promise<RenderedCell[]>;
  const lowContrast = async () => ((await page.evaluate("tsgradProbe.contrast()")) as ContrastSample[]).filter((s) => s.ratio < minContrast);

  it("sends no announcements and no HTML where JupyterLab 4 asks jupyter_server 1.23 for JSON", async () => {
    for (const path of ["lab/api/news", "lab/api/update", "api/me"]) {
      const response = await fetch(`${server.url}${path}`, { headers: { Authorization: `token ${server.token}` } });
      expect(response.headers.get("content-type"), path).toContain("application/json");
      await response.json();
    }
  });

  it("keeps every style declaration of the saved HTML outputs through JupyterLab's sanitizer, except var()", async () => {
    const { Sanitizer } = (await import(join(HARNESS, "node_modules/@jupyterlab/apputils/lib/sanitizer.js"))) as { Sanitizer: new () => { sanitize(html: string): string } };
    const sanitizer = new Sanitizer();
    const declarations = (html: string) => [...html.matchAll(/style="([^"]*)"/g)].flatMap((m) => m[1]!.split(";").map((d) => d.trim()).filter(Boolean));
    let checked = 0;
    for (const notebook of notebooks) {
      const cells = (JSON.parse(readFileSync(join(notebooksDir, notebook), "utf8")) as { cells: { outputs?: { data?: Record<string, string | string[]> }[] }[] }).cells;
      for (const output of cells.flatMap((c) => c.outputs ?? [])) {
        const source = output.data?.["text/html"];
        if (source === undefined) continue;
        const html = Array.isArray(source) ? source.join("") : source;
        const clean = sanitizer.sanitize(html);
        const kept = new Set(declarations(clean).map((d) => d.replace(/\s+/g, "")));
        const lost = declarations(html).filter((d) => !d.includes("var(") && !kept.has(d.replace(/\s+/g, "")));
        expect(lost, `${notebook}: declarations JupyterLab's sanitizer drops`).toEqual([]);
        expect(clean.includes("<svg"), `${notebook}: inline SVG (the sanitizer removes it)`).toBe(false);
        expect((clean.match(/<img /g) ?? []).length, `${notebook}: images kept`).toBe((html.match(/<img /g) ?? []).length);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  }, 60_000);

  for (const notebook of notebooks) {
    it(`${notebook}: as saved (untrusted), every rich output renders richly and keeps its graphics; text is readable in light and dark`, async () => {
      pageErrors.length = 0;
      await open(notebook);
      const cells = await outputs();
      const all = cells.flatMap((c) => c.outputs);
      expect(all.length, `${notebook} has saved outputs`).toBeGreaterThan(0);
      expect(all.filter((o) => o.trusted), "outputs trusted without running").toEqual([]);
      expect(renderingProblems(cells), notebook).toEqual([]);
      expect(await lowContrast(), `${notebook}, light theme`).toEqual([]);
      await page.screenshot({ path: join(artifacts, `${notebook.replace(/\.ipynb$/, "")}-saved-light.png`) });
      await setTheme("dark");
      expect(await lowContrast(), `${notebook}, dark theme`).toEqual([]);
      await page.screenshot({ path: join(artifacts, `${notebook.replace(/\.ipynb$/, "")}-saved-dark.png`) });
      await setTheme("light");
      expect(pageErrors).toEqual([]);
    }, 180_000);
  }

  for (const notebook of notebooks) {
    it(`${notebook}: after Run All, every output renders, live displays update in place, text is readable in light and dark`, async () => {
      pageErrors.length = 0;
      consoleErrors.length = 0;
      await open(notebook);
      const saved = (JSON.parse(readFileSync(join(notebooksDir, notebook), "utf8")) as { cells: { cell_type: string; outputs?: { output_type: string; metadata?: { tsgrad?: { liveDisplay?: boolean } } }[] }[] }).cells.filter((c) => c.cell_type === "code");
      // The live slots (src/display/live-display.ts): outputs that show a live display while their cell runs.
      const liveSlots = saved.flatMap((c, cell) => (c.outputs ?? []).flatMap((o, index) => (o.metadata?.tsgrad?.liveDisplay === true ? [{ cell, index }] : [])));
      // Lessons 01 (TrainingLog) and 02 (the accumulation counter) show live displays; others may.
      if (/^0[12]-/.test(notebook)) expect(liveSlots.length, `${notebook} has live displays`).toBeGreaterThan(0);
      await page.waitForFunction(
        () => {
          const w = (globalThis as unknown as { jupyterapp: { shell: { currentWidget: { sessionContext?: { session?: { kernel?: { status: string } | null } | null } } | null } } }).jupyterapp.shell.currentWidget;
          return w?.sessionContext?.session?.kernel?.status === "idle";
        },
        undefined,
        { timeout: 90_000 },
      );
      // Cleared first (outputs and execution counts), so the saved ones cannot pass for this run's.
      await page.evaluate(`jupyterapp.commands.execute("notebook:clear-all-cell-outputs")`);
      expect(await page.evaluate(`jupyterapp.shell.currentWidget.content.widgets.filter((c) => c.model.type === "code").map((c) => c.model.outputs.length + (c.model.executionCount ?? 0))`)).toEqual(saved.map(() => 0));
      // While it runs, record in the page every state each live slot shows, at each change of the DOM:
      // a cell that runs in a fraction of a second may update between two polls from here.
      await page.evaluate(`(() => {
        const seen = (window.tsgradLiveSeen = new Map());
        const record = () => tsgradProbe.liveSample().forEach((outs, cell) => (outs || []).forEach((shown, index) => {
          if (!shown) return;
          const key = cell + ":" + index;
          if (!seen.has(key)) seen.set(key, new Set());
          seen.get(key).add(shown);
        }));
        window.tsgradLiveObserver = new MutationObserver(record);
        window.tsgradLiveObserver.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      })()`);
      // Not awaited in the page: the command's promise settles only once every cell has run.
      await page.evaluate(`void jupyterapp.commands.execute("notebook:run-all-cells")`);
      const seen = liveSlots.map(() => new Set<string>());
      const done = async () =>
        (await page.evaluate(`(() => {
          const w = jupyterapp.shell.currentWidget;
          const cells = w.content.widgets.filter((c) => c.model.type === "code");
          return w.sessionContext.session.kernel.status === "idle" && cells.every((c) => typeof c.model.executionCount === "number");
        })()`)) as boolean;
      const deadline = Date.now() + 15 * 60_000;
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`${notebook}: Run All did not finish`);
        const sample = (await page.evaluate("tsgradProbe.liveSample()")) as string[][];
        liveSlots.forEach(({ cell, index }, k) => {
          const shown = sample[cell]?.[index];
          if (shown) seen[k]!.add(shown);
        });
        await page.waitForTimeout(150);
      }
      const recorded = (await page.evaluate(`(() => {
        window.tsgradLiveObserver.disconnect();
        return Object.fromEntries([...window.tsgradLiveSeen].map(([key, states]) => [key, [...states]]));
      })()`)) as Record<string, string[]>;
      liveSlots.forEach(({ cell, index }, k) => {
        for (const shown of recorded[`${cell}:${index}`] ?? []) seen[k]!.add(shown);
      });
      const cells = await outputs();
      expect(renderingProblems(cells), notebook).toEqual([]);
      expect(cells.map((c) => c.executionCount), `${notebook}: each cell ran once, in order`).toEqual(cells.map((_, i) => i + 1));
      // Each live slot showed several states, and the cell still has as many outputs as saved: updated in place, not appended.
      liveSlots.forEach(({ cell }, k) => {
        expect(seen[k]!.size, `${notebook} cell ${cell}: distinct states of its live display seen while it ran`).toBeGreaterThanOrEqual(2);
        expect(cells[cell]!.outputs.length, `${notebook} cell ${cell}: outputs after the run`).toBe(saved[cell]!.outputs!.length);
      });
      // The screenshots show the first live display's cell, where the notebook has one.
      if (liveSlots[0]) await page.evaluate(`jupyterapp.shell.currentWidget.content.widgets.filter((c) => c.model.type === "code")[${liveSlots[0].cell}].node.scrollIntoView({ block: "start" })`);
      expect(await lowContrast(), `${notebook} after Run All, light theme`).toEqual([]);
      await page.screenshot({ path: join(artifacts, `${notebook.replace(/\.ipynb$/, "")}-run-light.png`) });
      await setTheme("dark");
      expect(await lowContrast(), `${notebook} after Run All, dark theme`).toEqual([]);
      await page.screenshot({ path: join(artifacts, `${notebook.replace(/\.ipynb$/, "")}-run-dark.png`) });
      await setTheme("light");
      expect(pageErrors).toEqual([]);
      expect(consoleErrors).toEqual([]);
    }, 20 * 60_000);
  }
});
