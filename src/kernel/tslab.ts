// tslab's TypeScript engine, loaded from tslab's own location so that we patch and parse with the
// very TypeScript instance its converter uses (@tslab/typescript-for-tslab). The converter itself is
// compiled from its source with our fixes applied (converter-patches.ts).
import { readFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import path from "node:path";
import { patchConverter } from "./converter-patches.js";
import type * as TS from "@tslab/typescript-for-tslab";
import type * as ConverterModule from "tslab/dist/converter.js";

const requireHere = createRequire(import.meta.url);
/** Where tslab's converter lives: tslab resolves its fallback type roots from here. */
export const converterPath = requireHere.resolve("tslab/dist/converter.js");
const requireFromTslab = createRequire(converterPath);

export const ts = requireFromTslab("@tslab/typescript-for-tslab") as typeof TS;

function loadPatchedConverter(): typeof ConverterModule {
  const module = new Module(converterPath) as NodeJS.Module & { _compile(code: string, filename: string): void };
  module.filename = converterPath;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(converterPath));
  module._compile(patchConverter(readFileSync(converterPath, "utf8")), converterPath);
  return module.exports as typeof ConverterModule;
}

export const { createConverter, isCompleteCode } = loadPatchedConverter();
export type { Converter, ConvertResult, Diagnostic, CompletionInfo } from "tslab/dist/converter.js";
export type QuickInfo = TS.QuickInfo;
