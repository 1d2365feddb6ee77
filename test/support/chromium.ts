// Debian's Chromium, headless through playwright-core, with a throwaway profile and the flags every
// browser test uses (no sandbox for root, nothing fetched in the background).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export interface HeadlessChromium {
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

export async function launchChromium(viewport: { width: number; height: number }): Promise<HeadlessChromium> {
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "tsgrad-chromium-"));
  const removeProfile = () => rmSync(profile, { recursive: true, force: true });
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
      viewport,
    });
    return {
      context,
      close: async () => {
        await context.close();
        removeProfile();
      },
    };
  } catch (e) {
    removeProfile();
    throw e;
  }
}

/**
 * The browser's first tab, its uncaught errors pushed to `errors.page` and (when given) its console
 * errors to `errors.console`; every dialog is accepted (leaving a notebook with unsaved changes asks
 * "Leave page?", and nothing in the tests needs saving).
 */
export async function watchedPage(browser: HeadlessChromium, errors: { page: string[]; console?: string[] }): Promise<Page> {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on("pageerror", (e) => errors.page.push(String(e)));
  const consoleErrors = errors.console;
  if (consoleErrors !== undefined) {
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
  }
  page.on("dialog", (d) => void d.accept());
  return page;
}
