// A module's MIME bundle: PyTorch's repr tree, each submodule annotated with its parameter count.
import { Figure } from "./figure.js";
import { escapeHtml, fontFamily, monoFamily } from "./html.js";
import type { MimeBundle } from "./mime-bundle.js";
import { shapeNumel } from "../tensor/shape.js";
import type { ModuleLike } from "./structural.js";

export interface TreeLine {
  /** The repr line as printed. */
  text: string;
  /** Dotted path of the submodule the line opens ("" for the root), or null for closing lines. */
  path: string | null;
  /** Parameters under that path. */
  params: number;
}

export interface ModuleSummary {
  lines: TreeLine[];
  total: number;
  trainable: number;
}

/** Walks the repr: `(name): Child(` lines nest by indentation, as PyTorch prints them. */
export function summarizeModule(model: ModuleLike): ModuleSummary {
  const params = [...model.namedParameters()].map(([name, p]) => ({ name, count: shapeNumel(p.shape), trainable: p.requiresGrad !== false }));
  const total = params.reduce((s, p) => s + p.count, 0);
  const trainable = params.reduce((s, p) => s + (p.trainable ? p.count : 0), 0);
  const under = (path: string) => params.filter((p) => path === "" || p.name === path || p.name.startsWith(`${path}.`)).reduce((s, p) => s + p.count, 0);
  const stack: string[] = [];
  const lines = String(model).split("\n").map((text, i): TreeLine => {
    if (i === 0) return { text, path: "", params: total };
    const match = /^(\s*)\(([^)]+)\): /.exec(text);
    if (!match) return { text, path: null, params: 0 };
    const depth = Math.floor(match[1]!.length / 2);
    stack.length = Math.max(0, depth - 1);
    stack.push(match[2]!);
    const path = stack.join(".");
    // Keep the name on the stack only while its block is open.
    if (!text.trimEnd().endsWith("(")) stack.pop();
    return { text, path, params: under(path) };
  });
  return { lines, total, trainable };
}

function countLabel(n: number): string {
  return `${n.toLocaleString("en-US")} param${n === 1 ? "" : "s"}`;
}

export function moduleText(model: ModuleLike): string {
  const { lines, total, trainable } = summarizeModule(model);
  const width = Math.max(...lines.map((l) => l.text.length));
  const body = lines.map((l) => (l.path !== null && l.params > 0 ? `${l.text.padEnd(width)}  # ${countLabel(l.params)}` : l.text));
  return `${body.join("\n")}\nTotal parameters: ${total.toLocaleString("en-US")} (trainable: ${trainable.toLocaleString("en-US")})`;
}

export function moduleHtml(model: ModuleLike): string {
  const { lines, total, trainable } = summarizeModule(model);
  const rows = lines.map((l) => {
    const count = l.path !== null && l.params > 0 ? countLabel(l.params) : "";
    const pct = total > 0 && l.path !== null && l.params > 0 ? l.params / total : 0;
    const bar = pct > 0 ? `<span style="display:inline-block;height:8px;width:${Math.max(1, Math.round(pct * 60))}px;background:#9ecae1;margin-left:6px;vertical-align:middle"></span>` : "";
    return `<tr><td style="white-space:pre;padding:0 16px 0 0;font-family:${monoFamily}">${escapeHtml(l.text)}</td><td style="text-align:right;color:#666;white-space:nowrap;padding:0">${escapeHtml(count)}</td><td style="padding:0;text-align:left">${bar}</td></tr>`;
  });
  return (
    `<div class="tsgrad-module" style="display:inline-block;font-family:${fontFamily};font-size:12px;line-height:1.4">` +
    `<table style="border-collapse:collapse;border:none">${rows.join("")}</table>` +
    `<div style="margin-top:4px;color:#444">Total parameters: <b>${total.toLocaleString("en-US")}</b> (trainable: ${trainable.toLocaleString("en-US")})</div></div>`
  );
}

export function moduleBundle(model: ModuleLike): MimeBundle {
  return { "text/plain": moduleText(model), "text/html": moduleHtml(model) };
}

export function moduleView(model: ModuleLike): Figure {
  return new Figure(() => moduleBundle(model));
}
