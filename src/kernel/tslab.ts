// tslab's TypeScript engine, loaded from tslab's own location so that we patch and parse with the
// very TypeScript instance its converter uses (@tslab/typescript-for-tslab).
import { createRequire } from "node:module";
import type * as TS from "@tslab/typescript-for-tslab";
import type * as ConverterModule from "tslab/dist/converter.js";

const requireHere = createRequire(import.meta.url);
/** Where tslab's converter lives: tslab resolves its fallback type roots from here. */
export const converterPath = requireHere.resolve("tslab/dist/converter.js");
const requireFromTslab = createRequire(converterPath);

export const ts = requireFromTslab("@tslab/typescript-for-tslab") as typeof TS;
export const { createConverter, isCompleteCode } = requireHere(converterPath) as typeof ConverterModule;
export type { Converter, ConvertResult, Diagnostic, CompletionInfo } from "tslab/dist/converter.js";
export type QuickInfo = TS.QuickInfo;
