// The library a notebook gets without a set-up cell: every export of tsgrad (and the kernel's own
// `prompt`) is a global, type-checked and completable from the first cell, and
// `import ... from "tsgrad"` works too, giving the same instance.
//
// Why globals and not a hidden first cell importing every name: tslab re-checks the previous cells'
// declarations on every cell, and ~100 imported names made each cell ~15% slower. A virtual module
// declaring the globals is checked once and costs nothing per cell.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as TS from "@tslab/typescript-for-tslab";
import { converterPath, ts } from "./tslab.js";

/** The installed package's root (this file lives in <root>/dist/kernel/). */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export const libraryName = "tsgrad";
/** The cell API module, as the globals module imports it (resolved like `tsgrad` itself). */
export const cellApiSpecifier = `${libraryName}/dist/kernel/cell-api.js`;

/** What the kernel adds to the scope from its cell API (the rest of that module is for the kernel). */
const cellApiNames = ["prompt", "StdinNotAvailableError"];

export interface Preload {
  /** Specifier → module namespace, for the cells' `require`. */
  modules: Map<string, object>;
  /** A TypeScript module whose `declare global` gives every preloaded name its type. */
  globals: string;
  /** The values to install on globalThis under the same names. */
  values: Record<string, unknown>;
  /** The library's namespace (the same instance cells use). */
  library: Record<string, unknown>;
}

/**
 * When the notebook's directory has no `@types/node` above it, tslab falls back to
 * `tslab/node_modules/@types`; npm may have hoisted those types elsewhere, so point there.
 */
function tslabTypeRoots(): [string, string][] {
  const expected = path.join(path.dirname(converterPath), "..", "node_modules", "@types");
  if (existsSync(path.join(expected, "node"))) return [];
  try {
    const nodeTypes = path.dirname(createRequire(converterPath).resolve("@types/node/package.json"));
    return [[expected, path.dirname(nodeTypes)]];
  } catch {
    return [];
  }
}

/**
 * Lets TypeScript resolve `tsgrad` (and `tsgrad/...`) from any notebook directory: paths under
 * `<cwd>/node_modules/tsgrad` are read from this package, and realpath maps them back so the library
 * has one identity however it is imported. Also finds Node's types for tslab wherever npm put them.
 * Must run before the converter is created.
 */
export function resolveLibraryFrom(cwd: string): void {
  const slashes = (file: string): string => file.replace(/\\/g, "/");
  const forwards: [string, string][] = [[path.join(cwd, "node_modules", libraryName), packageRoot], ...tslabTypeRoots()].map(
    ([from, to]) => [slashes(from), to],
  );
  const forward = (file: string): string => {
    const normal = slashes(file);
    for (const [from, to] of forwards) {
      if (normal === from) return to;
      if (normal.startsWith(from + "/")) return path.join(to, normal.slice(from.length + 1));
    }
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

const validName = (name: string): boolean => /^[A-Za-z_$][\w$]*$/.test(name) && name !== "default";

/** The declarations' doc comment (text and tags), re-emitted so hover keeps the library's docs. */
function docComment(symbol: TS.Symbol, checker: TS.TypeChecker, indent: string): string {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker));
  const tags = symbol
    .getJsDocTags(checker)
    .map((tag) => `@${tag.name}${tag.text ? " " + ts.displayPartsToString(tag.text) : ""}`);
  const lines = [...(text ? text.split("\n") : []), ...tags];
  if (lines.length === 0) return "";
  return `${indent}/**\n${lines.map((line) => `${indent} * ${line.replace(/\*\//g, "*\\/")}`).join("\n")}\n${indent} */\n`;
}

/** `<T extends X = Y>` as written in the declaration, and `<T>` to pass them on. */
function typeParameters(symbol: TS.Symbol): { params: string; args: string } {
  for (const declaration of symbol.declarations ?? []) {
    const list = (declaration as TS.Node & { typeParameters?: TS.NodeArray<TS.TypeParameterDeclaration> }).typeParameters;
    if (list && list.length > 0) {
      const source = declaration.getSourceFile();
      return {
        params: `<${list.map((p) => p.getText(source)).join(", ")}>`,
        args: `<${list.map((p) => p.name.text).join(", ")}>`,
      };
    }
  }
  return { params: "", args: "" };
}

/**
 * Global declarations for every export of `moduleFile`, each typed from the module itself
 * (`var tensor: typeof lib.tensor`, `type Tensor = lib.Tensor`), namespaces with their types.
 */
function globalDeclarations(
  program: TS.Program,
  moduleFile: string,
  alias: string,
  keep: (name: string) => boolean,
): { lines: string[]; names: string[] } {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(moduleFile);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return { lines: [], names: [] };
  const lines: string[] = [];
  const names: string[] = [];
  const resolve = (symbol: TS.Symbol): TS.Symbol =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const name = exported.getName();
    if (!validName(name) || !keep(name)) continue;
    const target = resolve(exported);
    const doc = docComment(target, checker, "  ");
    const isNamespace = (target.flags & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) !== 0;
    if (target.flags & ts.SymbolFlags.Value) {
      lines.push(`${doc}  var ${name}: typeof ${alias}.${name};`);
      names.push(name);
    }
    if (isNamespace) {
      // `nn.Linear` as a type: a type-only namespace merged with the `nn` value.
      const members = checker
        .getExportsOfModule(target)
        .filter((member) => resolve(member).flags & ts.SymbolFlags.Type && validName(member.getName()))
        .map((member) => {
          const { params, args } = typeParameters(resolve(member));
          return `    type ${member.getName()}${params} = ${alias}.${name}.${member.getName()}${args};`;
        });
      if (members.length > 0) lines.push(`  namespace ${name} {\n${members.join("\n")}\n  }`);
    } else if (target.flags & ts.SymbolFlags.Type) {
      const { params, args } = typeParameters(target);
      lines.push(`${target.flags & ts.SymbolFlags.Value ? "" : doc}  type ${name}${params} = ${alias}.${name}${args};`);
    }
  }
  return { lines, names };
}

/** Loads the compiled library and the cell API, and writes the module declaring them as globals. */
export async function loadPreload(): Promise<Preload> {
  const libraryFile = path.join(packageRoot, "dist", "index.js");
  const cellApiFile = path.join(packageRoot, "dist", "kernel", "cell-api.js");
  const library = (await import(pathToFileURL(libraryFile).href)) as Record<string, unknown>;
  const cellApi = (await import(pathToFileURL(cellApiFile).href)) as Record<string, unknown>;
  const libraryTypes = path.join(packageRoot, "dist", "index.d.ts");
  const cellApiTypes = path.join(packageRoot, "dist", "kernel", "cell-api.d.ts");
  const program = ts.createProgram([libraryTypes, cellApiTypes], {
    noEmit: true,
    skipLibCheck: true,
    types: [],
    // Only the library's own declarations are read: its export list, type parameters and docs.
    noLib: true,
    target: ts.ScriptTarget.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  });
  // Names Node already has (e.g. a future `fetch`) stay Node's; cells can still import ours.
  const free = (name: string): boolean => !(name in globalThis);
  const own = globalDeclarations(program, libraryTypes, "__tsgrad", free);
  const taken = new Set(own.names);
  const api = globalDeclarations(program, cellApiTypes, "__kernel", (name) => cellApiNames.includes(name) && free(name) && !taken.has(name));
  const values: Record<string, unknown> = {};
  for (const name of own.names) values[name] = library[name];
  for (const name of api.names) values[name] = cellApi[name];
  const globals = [
    `import * as __tsgrad from "${libraryName}";`,
    `import * as __kernel from "${cellApiSpecifier}";`,
    "declare global {",
    ...own.lines,
    ...api.lines,
    "}",
  ].join("\n");
  return {
    modules: new Map<string, object>([
      [libraryName, library],
      [cellApiSpecifier, cellApi],
    ]),
    globals,
    values,
    library,
  };
}

/** Installs the preloaded values on globalThis (writable, so a cell may reassign one). */
export function installGlobals(values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
