// Weight initialisation, PyTorch's `torch.nn.init`: functions that overwrite a tensor's values in place
// (without recording a graph, as under `torch.no_grad()`) and return it, plus the layers' default init.
import { ArgumentError, DTypeError, Tensor, rand, type DType } from "../tensor/index.js";
import { generatorOf, type RandomGenerator } from "../tensor/generator.js";
import { bumpVersion } from "../tensor/version.js";
import { castValue, isFloatingDType } from "../tensor/dtype.js";
import { checkOptions } from "../tensor/options.js";
import { formatShape } from "../tensor/shape.js";
import { Parameter } from "./module.js";

/** A parameter drawn from U(−bound, bound) with the library's seeded RNG (`manualSeed`). */
export function uniformParameter(shape: number[], bound: number, dtype: DType = "float32"): Tensor {
  const t = rand(shape, { dtype });
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = (2 * d[i]! - 1) * bound;
  return Parameter(t);
}

/**
 * PyTorch's default for Linear and Conv2d: kaiming_uniform(a = √5) for the weight and
 * U(−1/√fanIn, 1/√fanIn) for the bias, which both come to bound = 1/√fanIn.
 */
export function defaultInitBound(fanIn: number): number {
  return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
}

/** The random stream an init function draws from: `{ generator }` (PyTorch 2.2's argument), else the global one. */
export interface InitOptions {
  generator?: RandomGenerator;
}

/** A nonlinearity as `calculateGain` knows it; PyTorch's spelling ("leaky_relu") or camelCase ("leakyRelu"). */
export type Nonlinearity =
  | "linear" | "identity" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d"
  | "convTranspose1d" | "convTranspose2d" | "convTranspose3d" | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "leakyRelu" | "selu";

/** Which fan keeps the variance: "fan_in" (forward pass) or "fan_out" (backward pass); "fanIn"/"fanOut" too. */
export type FanMode = "fan_in" | "fan_out" | "fanIn" | "fanOut";

const LINEAR = ["linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"];

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The recommended gain for a nonlinearity: 1 for linear, convolutions and sigmoid, 5/3 for tanh, √2 for
 * relu, √(2/(1 + negativeSlope²)) for leaky_relu (slope `param`, default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  const name = typeof nonlinearity === "string" ? snakeCase(nonlinearity) : String(nonlinearity);
  if (LINEAR.includes(name) || name === "sigmoid") return 1;
  if (name === "tanh") return 5 / 3;
  if (name === "relu") return Math.sqrt(2);
  if (name === "selu") return 3 / 4;
  if (name === "leaky_relu") {
    const slope = param ?? 0.01;
    if (typeof slope !== "number" || !Number.isFinite(slope)) throw new ArgumentError(`calculateGain: negative_slope ${String(param)} not a valid number`);
    return Math.sqrt(2 / (1 + slope ** 2));
  }
  throw new ArgumentError(`calculateGain: Unsupported nonlinearity ${String(nonlinearity)}`);
}

/**
 * PyTorch's fans of a weight shaped [out, in, k…]: fanIn = in·∏k, fanOut = out·∏k (a Linear's
 * weight [out, in] gives in and out; a Conv2d's [out, in, kh, kw] multiplies by kh·kw).
 */
export function calculateFanInAndFanOut(tensor: Tensor): { fanIn: number; fanOut: number } {
  checkTensor(tensor, "calculateFanInAndFanOut");
  if (tensor.ndim < 2) {
    throw new ArgumentError(
      `calculateFanInAndFanOut: Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (tensor has shape ${formatShape(tensor.shape)})`,
    );
  }
  const receptive = tensor.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: tensor.shape[1]! * receptive, fanOut: tensor.shape[0]! * receptive };
}

function checkTensor(tensor: unknown, what: string): asserts tensor is Tensor {
  if (!(tensor instanceof Tensor)) throw new ArgumentError(`${what}: tensor should be a Tensor, got ${tensor === null ? "null" : typeof tensor}`);
}

/**
 * Reads PyTorch-style arguments: positional values in `names` order, then an optional options object
 * with any of `names` and `generator`. A value given both ways is an error, as in Python.
 */
function readArgs(what: string, names: readonly string[], given: readonly unknown[]): { values: Record<string, unknown>; generator: RandomGenerator } {
  const values: Record<string, unknown> = {};
  let options: Record<string, unknown> = {};
  const last = given[given.length - 1];
  const positional = typeof last === "object" && last !== null ? given.slice(0, -1) : given;
  if (positional !== given) {
    checkOptions(last, [...names, "generator"], what);
    options = last as Record<string, unknown>;
  }
  if (positional.length > names.length) throw new ArgumentError(`${what}: takes at most ${names.length} arguments after the tensor (${names.join(", ")}), got ${positional.length}`);
  positional.forEach((v, i) => {
    if (v !== undefined) values[names[i]!] = v;
  });
  for (const [key, v] of Object.entries(options)) {
    if (key === "generator" || v === undefined) continue;
    if (key in values) throw new ArgumentError(`${what}: got multiple values for argument '${key}'`);
    values[key] = v;
  }
  return { values, generator: generatorOf(options.generator, what) };
}

function numberArg(what: string, values: Record<string, unknown>, name: string, fallback: number): number {
  const v = values[name] ?? fallback;
  if (typeof v !== "number" || Number.isNaN(v)) throw new ArgumentError(`${what}: ${name} should be a number, got ${String(v)}`);
  return v;
}

/** Writes `value(i)` into every element of `tensor` as an untracked in-place op (bumps its version). */
function overwrite(tensor: Tensor, value: (i: number) => number): Tensor {
  const d = tensor.data;
  for (let i = 0; i < d.length; i++) d[i] = value(i);
  bumpVersion(d);
  return tensor;
}

/** Random draws need a floating-point tensor (PyTorch: "normal_" not implemented for 'Long'). */
function checkFloat(tensor: Tensor, what: string): void {
  if (!isFloatingDType(tensor.dtype)) throw new DTypeError(`${what}: tensor should be float32 or float64, got ${tensor.dtype}`);
}

function drawUniform(what: string, tensor: Tensor, a: number, b: number, g: RandomGenerator): Tensor {
  checkFloat(tensor, what);
  return overwrite(tensor, () => a + (b - a) * g.uniform());
}

function drawNormal(what: string, tensor: Tensor, mean: number, std: number, g: RandomGenerator): Tensor {
  checkFloat(tensor, what);
  return overwrite(tensor, () => mean + std * g.normal());
}

/** Fills `tensor` from U(a, b) (defaults 0, 1): `uniform_(w, -0.1, 0.1)` or `uniform_(w, { a: -0.1, b: 0.1 })`. */
export function uniform_(tensor: Tensor, a?: number, b?: number, options?: InitOptions): Tensor;
export function uniform_(tensor: Tensor, options: { a?: number; b?: number } & InitOptions): Tensor;
export function uniform_(tensor: Tensor, ...args: unknown[]): Tensor {
  checkTensor(tensor, "nn.init.uniform_");
  const { values, generator } = readArgs("nn.init.uniform_", ["a", "b"], args);
  const a = numberArg("nn.init.uniform_", values, "a", 0);
  const b = numberArg("nn.init.uniform_", values, "b", 1);
  if (!(a <= b)) throw new ArgumentError(`nn.init.uniform_: expects a <= b, but got a=${a} and b=${b}`);
  return drawUniform("nn.init.uniform_", tensor, a, b, generator);
}

/** Fills `tensor` from N(mean, std²) (defaults 0, 1): `normal_(w, 0, 0.02)` or `normal_(w, { mean: 0, std: 0.02 })`. */
export function normal_(tensor: Tensor, mean?: number, std?: number, options?: InitOptions): Tensor;
export function normal_(tensor: Tensor, options: { mean?: number; std?: number } & InitOptions): Tensor;
export function normal_(tensor: Tensor, ...args: unknown[]): Tensor {
  checkTensor(tensor, "nn.init.normal_");
  const { values, generator } = readArgs("nn.init.normal_", ["mean", "std"], args);
  const mean = numberArg("nn.init.normal_", values, "mean", 0);
  const std = numberArg("nn.init.normal_", values, "std", 1);
  if (!(std >= 0)) throw new ArgumentError(`nn.init.normal_: expects std >= 0.0, but found std ${std}`);
  return drawNormal("nn.init.normal_", tensor, mean, std, generator);
}

/** Draws per element before a truncated normal gives up: the interval then holds almost none of the mass. */
const TRUNCATED_TRIES = 10_000;

/**
 * Fills `tensor` from N(mean, std²) truncated to [a, b] (defaults 0, 1, −2, 2; a and b are values, not
 * multiples of std, as in PyTorch): `truncNormal_(w, { std: 0.02 })`. Sampled by rejection.
 */
export function truncNormal_(tensor: Tensor, mean?: number, std?: number, a?: number, b?: number, options?: InitOptions): Tensor;
export function truncNormal_(tensor: Tensor, options: { mean?: number; std?: number; a?: number; b?: number } & InitOptions): Tensor;
export function truncNormal_(tensor: Tensor, ...args: unknown[]): Tensor {
  const what = "nn.init.truncNormal_";
  checkTensor(tensor, what);
  const { values, generator } = readArgs(what, ["mean", "std", "a", "b"], args);
  const mean = numberArg(what, values, "mean", 0);
  const std = numberArg(what, values, "std", 1);
  const a = numberArg(what, values, "a", -2);
  const b = numberArg(what, values, "b", 2);
  if (!(std >= 0)) throw new ArgumentError(`${what}: expects std >= 0.0, but found std ${std}`);
  if (!(a <= b)) throw new ArgumentError(`${what}: expects a <= b, but got a=${a} and b=${b}`);
  checkFloat(tensor, what);
  return overwrite(tensor, () => {
    for (let k = 0; k < TRUNCATED_TRIES; k++) {
      const x = mean + std * generator.normal();
      if (x >= a && x <= b) return x;
    }
    throw new ArgumentError(`${what}: [a, b] = [${a}, ${b}] holds too little of N(${mean}, ${std}²) to sample (no value inside in ${TRUNCATED_TRIES} draws)`);
  });
}

/** Fills `tensor` with `val` (converted to its dtype: truncated for integers, 0/1 for bool). */
export function constant_(tensor: Tensor, val: number): Tensor {
  checkTensor(tensor, "nn.init.constant_");
  if (typeof val !== "number") throw new ArgumentError(`nn.init.constant_: val should be a number, got ${typeof val}`);
  const stored = castValue(val, tensor.dtype);
  return overwrite(tensor, () => stored);
}

/** Fills `tensor` with ones. */
export function ones_(tensor: Tensor): Tensor {
  checkTensor(tensor, "nn.init.ones_");
  return overwrite(tensor, () => 1);
}

/** Fills `tensor` with zeros. */
export function zeros_(tensor: Tensor): Tensor {
  checkTensor(tensor, "nn.init.zeros_");
  return overwrite(tensor, () => 0);
}

/** Glorot's std: gain·√(2/(fanIn + fanOut)). */
function xavierStd(what: string, tensor: Tensor, args: readonly unknown[]): { std: number; generator: RandomGenerator } {
  checkTensor(tensor, what);
  const { values, generator } = readArgs(what, ["gain"], args);
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  return { std: numberArg(what, values, "gain", 1) * Math.sqrt(2 / (fanIn + fanOut)), generator };
}

/** Glorot/Xavier uniform: U(−bound, bound), bound = gain·√(6/(fanIn + fanOut)). */
export function xavierUniform_(tensor: Tensor, gain?: number, options?: InitOptions): Tensor;
export function xavierUniform_(tensor: Tensor, options: { gain?: number } & InitOptions): Tensor;
export function xavierUniform_(tensor: Tensor, ...args: unknown[]): Tensor {
  const { std, generator } = xavierStd("nn.init.xavierUniform_", tensor, args);
  const bound = Math.sqrt(3) * std;
  return drawUniform("nn.init.xavierUniform_", tensor, -bound, bound, generator);
}

/** Glorot/Xavier normal: N(0, std²), std = gain·√(2/(fanIn + fanOut)). */
export function xavierNormal_(tensor: Tensor, gain?: number, options?: InitOptions): Tensor;
export function xavierNormal_(tensor: Tensor, options: { gain?: number } & InitOptions): Tensor;
export function xavierNormal_(tensor: Tensor, ...args: unknown[]): Tensor {
  const { std, generator } = xavierStd("nn.init.xavierNormal_", tensor, args);
  return drawNormal("nn.init.xavierNormal_", tensor, 0, std, generator);
}

/** He's std: calculateGain(nonlinearity, a)/√fan, fan by `mode`; null for an empty tensor (left as is, as PyTorch). */
function kaimingStd(what: string, tensor: Tensor, args: readonly unknown[]): { std: number | null; generator: RandomGenerator } {
  checkTensor(tensor, what);
  const { values, generator } = readArgs(what, ["a", "mode", "nonlinearity"], args);
  const a = numberArg(what, values, "a", 0);
  const mode = snakeCase(String(values.mode ?? "fan_in"));
  if (mode !== "fan_in" && mode !== "fan_out") throw new ArgumentError(`${what}: Mode ${String(values.mode)} not supported, please use one of fan_in, fan_out`);
  const nonlinearity = (values.nonlinearity ?? "leaky_relu") as Nonlinearity;
  if (tensor.numel() === 0) return { std: null, generator };
  const { fanIn, fanOut } = calculateFanInAndFanOut(tensor);
  return { std: calculateGain(nonlinearity, a) / Math.sqrt(mode === "fan_in" ? fanIn : fanOut), generator };
}

/**
 * He/Kaiming uniform: U(−bound, bound), bound = gain·√(3/fan), gain = calculateGain(nonlinearity, a)
 * (defaults a = 0, mode "fan_in", nonlinearity "leaky_relu").
 */
export function kaimingUniform_(tensor: Tensor, a?: number, mode?: FanMode, nonlinearity?: Nonlinearity, options?: InitOptions): Tensor;
export function kaimingUniform_(tensor: Tensor, options: { a?: number; mode?: FanMode; nonlinearity?: Nonlinearity } & InitOptions): Tensor;
export function kaimingUniform_(tensor: Tensor, ...args: unknown[]): Tensor {
  const { std, generator } = kaimingStd("nn.init.kaimingUniform_", tensor, args);
  if (std === null) return tensor;
  const bound = Math.sqrt(3) * std;
  return drawUniform("nn.init.kaimingUniform_", tensor, -bound, bound, generator);
}

/** He/Kaiming normal: N(0, std²), std = calculateGain(nonlinearity, a)/√fan (defaults as `kaimingUniform_`). */
export function kaimingNormal_(tensor: Tensor, a?: number, mode?: FanMode, nonlinearity?: Nonlinearity, options?: InitOptions): Tensor;
export function kaimingNormal_(tensor: Tensor, options: { a?: number; mode?: FanMode; nonlinearity?: Nonlinearity } & InitOptions): Tensor;
export function kaimingNormal_(tensor: Tensor, ...args: unknown[]): Tensor {
  const { std, generator } = kaimingStd("nn.init.kaimingNormal_", tensor, args);
  if (std === null) return tensor;
  return drawNormal("nn.init.kaimingNormal_", tensor, 0, std, generator);
}
