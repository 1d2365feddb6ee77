// PyTorch 1.13's own printouts, the reference for the tensor text form
// (regenerate with /usr/bin/python3 test/display/fixtures/make-torch-repr.py).
import { readFileSync } from "node:fs";

export interface TorchReprCase {
  name: string;
  shape: number[];
  dtype: "float32" | "float64";
  /** Row-major values, NaN and ±Infinity included. */
  values: number[];
  requiresGrad: boolean;
  gradFn: string | null;
  repr: string;
}

interface StoredCase extends Omit<TorchReprCase, "values"> {
  data: (number | string)[];
}

export function torchReprCases(): TorchReprCase[] {
  const stored = JSON.parse(
    readFileSync(new URL("../display/fixtures/torch-repr.json", import.meta.url), "utf8"),
  ) as StoredCase[];
  // JSON has no NaN or Infinity: the fixture spells them as Python does ("nan", "inf", "-inf").
  const special: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity };
  return stored.map(({ data, ...c }) => ({ ...c, values: data.map((v) => (typeof v === "number" ? v : special[v]!)) }));
}
