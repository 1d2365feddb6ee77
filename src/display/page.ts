// A static HTML page of MIME bundles, or of a saved notebook's outputs, rendered the way a
// Jupyter front end would pick them: the richest type it knows, no scripts.
import { escapeHtml, fontFamily, monoFamily } from "./html.js";
import type { MimeBundle } from "./mime-bundle.js";

/** Richest first, like JupyterLab's renderer ranking for the types we emit. */
export const mimePreference = ["text/html", "image/svg+xml", "image/png", "text/plain"] as const;

function joined(value: unknown): string {
  return Array.isArray(value) ? value.join("") : String(value ?? "");
}

/** The HTML a front end would insert for one bundle, and the MIME type it chose. */
export function renderBundle(bundle: MimeBundle): { mime: string; html: string } {
  for (const mime of mimePreference) {
    if (!(mime in bundle)) continue;
    const content = joined(bundle[mime]);
    if (mime === "text/html" || mime === "image/svg+xml") return { mime, html: content };
    if (mime === "image/png") return { mime, html: `<img src="data:image/png;base64,${escapeHtml(content.replace(/\s/g, ""))}"/>` };
    return { mime, html: `<pre style="margin:0;font-family:${monoFamily};font-size:12px">${escapeHtml(content)}</pre>` };
  }
  return { mime: "none", html: "" };
}

export interface PageItem {
  title: string;
  bundle: MimeBundle;
}

/** One page with a titled section per bundle; each output sits in a `.tsgrad-output` box tagged with its MIME type. */
export function bundlesPage(items: readonly PageItem[], title = "tsgrad displays"): string {
  const sections = items.map(({ title: t, bundle }, i) => {
    const { mime, html } = renderBundle(bundle);
    return `<section id="output-${i}"><h3 style="font-size:13px;color:#666;margin:18px 0 6px">${escapeHtml(t)}</h3><div class="tsgrad-output" data-mime="${escapeHtml(mime)}">${html}</div></section>`;
  });
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"/><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:${fontFamily};margin:16px 24px;background:#fff;color:#111">${sections.join("")}</body></html>`
  );
}

interface NotebookOutput {
  output_type: string;
  data?: MimeBundle;
  text?: string | string[];
  name?: string;
  ename?: string;
  evalue?: string;
}

interface Notebook {
  cells: { cell_type: string; source: string | string[]; outputs?: NotebookOutput[] }[];
}

/** The displayable outputs of a saved notebook, in order, titled by cell number and the cell's first line. */
export function notebookOutputs(notebook: Notebook): PageItem[] {
  const items: PageItem[] = [];
  notebook.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const firstLine = joined(cell.source).split("\n")[0] ?? "";
    for (const out of cell.outputs ?? []) {
      const title = `[${i}] ${firstLine}`;
      // An empty bundle shows nothing anywhere (a live display's slot once its cell ended).
      if ((out.output_type === "display_data" || out.output_type === "execute_result") && out.data && Object.keys(out.data).length > 0) items.push({ title, bundle: out.data });
      else if (out.output_type === "stream") items.push({ title, bundle: { "text/plain": joined(out.text) } });
      else if (out.output_type === "error") items.push({ title, bundle: { "text/plain": `${out.ename}: ${out.evalue}` } });
    }
  });
  return items;
}
