// The library a notebook gets without a set-up cell: every export of tsgrad (and the kernel's own
// `prompt`), type-checked and completable from the first cell, and `import ... from "tsgrad"` too.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ts } from "./tslab.js";

/** The installed package's root (this file lives in <root>/dist/kernel/). */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export const libraryName = "tsgrad";
/** The cell API module, as cells import it (resolved through the same `node_modules/tsgrad` mapping). */
export const cellApiSpecifier = `${libraryName}/dist/kernel/cell-api.js`;

/** What the kernel adds to the scope from its cell API (the rest of that module is for the kernel). */
const cellApiNames = ["prompt", "StdinNotAvailableError"];

export interface Preload {
  /** Specifier → module namespace, for the cells' `require`. */
  modules: Map<string, object>;
  /** The hidden first cell that brings every export into scope. */
  cell: string;
  /** The library's namespace (the same instance cells use). */
  library: Record<string, unknown>;
}

/**
 * Lets TypeScript resolve `tsgrad` (and `tsgrad/...`) from any notebook directory: paths under
 * `<cwd>/node_modules/tsgrad` are read from this package, and realpath maps them back so the library
 * has one identity however it is imported. Must run before the converter is created.
 */
export function resolveLibraryFrom(cwd: string): void {
  const fake = path.join(cwd, "node_modules", libraryName).replace(/\\/g, "/");
  const forward = (file: string): string => {
    const normal = file.replace(/\\/g, "/");
    if (normal === fake) return packageRoot;
    if (normal.startsWith(fake + "/")) return path.join(packageRoot, normal.slice(fake.length + 1));
    return file;
  };
  const sys = ts.sys as typeof ts.sys & { __tsgradForwarded?: boolean };
  if (sys.__tsgradForwarded) return;
  sys.__tsgradForwarded = true;
  const { fileExists, readFile, directoryExists, realpath, getDirectories } = sys;
  sys.fileExists = (file) => fileExists.call(sys, forward(file));
  sys.readFile = (file, encoding) => readFile.call(sys, forward(file), encoding);
  sys.directoryExists = (dir) => directoryExists.call(sys, forward(dir));
  sys.getDirectories = (dir) => getDirectories.call(sys, forward(dir));
  if (realpath) sys.realpath = (file) => realpath.call(sys, forward(file));
}

/** Names a module exports, types included, read from its declaration file. */
function exportedNames(declarationFile: string): string[] {
  const program = ts.createProgram([declarationFile], {
    noEmit: true,
    skipLibCheck: true,
    types: [],
    noLib: true,
    target: ts.ScriptTarget.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(declarationFile);
  const symbol = source && checker.getSymbolAtLocation(source);
  if (!symbol) return [];
  return checker.getExportsOfModule(symbol).map((s) => s.getName());
}

/** Loads the compiled library and the cell API, and writes the hidden cell importing all of it. */
export async function loadPreload(): Promise<Preload> {
  const libraryFile = path.join(packageRoot, "dist", "index.js");
  const cellApiFile = path.join(packageRoot, "dist", "kernel", "cell-api.js");
  const library = (await import(pathToFileURL(libraryFile).href)) as Record<string, unknown>;
  const cellApi = (await import(pathToFileURL(cellApiFile).href)) as Record<string, unknown>;
  const declarations = path.join(packageRoot, "dist", "index.d.ts");
  const libraryNames = existsSync(declarations) ? exportedNames(declarations) : Object.keys(library);
  const valid = (name: string): boolean => /^[A-Za-z_$][\w$]*$/.test(name) && name !== "default";
  const ownNames = libraryNames.filter(valid);
  const apiNames = cellApiNames.filter((name) => name in cellApi && !ownNames.includes(name));
  const lines = [`import { ${ownNames.join(", ")} } from "${libraryName}";`];
  if (apiNames.length > 0) lines.push(`import { ${apiNames.join(", ")} } from "${cellApiSpecifier}";`);
  return {
    modules: new Map<string, object>([
      [libraryName, library],
      [cellApiSpecifier, cellApi],
      [cellApiSpecifier.replace(/\.js$/, ""), cellApi],
    ]),
    cell: lines.join("\n"),
    library,
  };
}
