// Images that survive the sanitisers of untrusted notebooks. JupyterLab shows an untrusted
// image/svg+xml not at all and strips <svg> from untrusted text/html, but keeps <img> with a data: URI
// (measured in JupyterLab 4.6 by test/jupyterlab) and renders image/png everywhere. So: SVG inside
// HTML cards goes in as a data-URI <img>; a standalone plot carries an image/png twin of its SVG.
import { createRequire } from "node:module";
import { escapeHtml } from "./html.js";

/** An `<img>` showing `svg` (a standalone SVG document) at its own size. */
export function svgImg(svg: string, size: { width: number; height: number }, alt: string, className: string): string {
  const src = `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
  return `<img class="${escapeHtml(className)}" src="${src}" width="${size.width}" height="${size.height}" alt="${escapeHtml(alt)}" style="vertical-align:top"/>`;
}

type Resvg = typeof import("@resvg/resvg-js");
let resvg: Resvg | null | undefined;

/** resvg's native binding, or null where its package has no binary for this platform. */
function loadResvg(): Resvg | null {
  if (resvg === undefined) {
    try {
      resvg = createRequire(import.meta.url)("@resvg/resvg-js") as Resvg;
    } catch {
      resvg = null;
    }
  }
  return resvg;
}

/**
 * `svg` rasterised at its own size, as base64 PNG (the form image/png takes in a MIME bundle), by
 * resvg in-process; undefined when resvg cannot load, so the bundle still has its SVG and text.
 */
export function pngOfSvg(svg: string): string | undefined {
  const lib = loadResvg();
  if (!lib) return undefined;
  // The generic sans-serif of our SVGs maps to Arial in resvg; DejaVu Sans is what Debian has when
  // Helvetica and Arial (tried first, by the SVG's own font list) are missing.
  const options = { font: { loadSystemFonts: true, sansSerifFamily: "DejaVu Sans", defaultFontFamily: "DejaVu Sans" } };
  return Buffer.from(new lib.Resvg(svg, options).render().asPng()).toString("base64");
}

/** A plot's MIME bundle: its text, its SVG and (with `raster`, when resvg loads) the PNG of that SVG. */
export function plotBundle(text: string, svg: string, raster = true): Record<string, string> {
  const png = raster ? pngOfSvg(svg) : undefined;
  return png === undefined ? { "text/plain": text, "image/svg+xml": svg } : { "text/plain": text, "image/svg+xml": svg, "image/png": png };
}
