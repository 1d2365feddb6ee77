// Devices: tsgrad computes on the CPU only, so "cpu" is accepted wherever PyTorch takes a device
// (`x.to(device)`, `model.cuda()`, `zeros(3, { device })`) and anything else is a clear error, so
// a tutorial's device lines port unchanged.
import { ArgumentError } from "./errors.js";

/** What a `device` argument may be: `"cpu"`, `"cpu:0"` or a `Device`. */
export type DeviceLike = Device | string;

/** A device, as PyTorch's `torch.device`; only the CPU exists here. */
export class Device {
  readonly type = "cpu";
  private constructor(readonly index: number | null) {}

  /** @internal */
  static of(index: number | null): Device {
    return new Device(index);
  }

  toString(): string {
    return this.index === null ? "cpu" : `cpu:${this.index}`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.index === null ? "device(type='cpu')" : `device(type='cpu', index=${this.index})`;
  }
}

const CPU = Device.of(null);
const ACCELERATORS = ["cuda", "mps", "xpu", "xla", "meta", "hip", "vulkan", "mkldnn", "opengl", "opencl", "ideep", "ve", "ipu", "mtia", "hpu", "lazy"];

/**
 * The device `spec` names, checked: `"cpu"` (or `"cpu:N"`) is fine; an accelerator is an error that
 * says tsgrad runs on the CPU; `what` names the call and argument in the message.
 */
export function checkDevice(spec: unknown, what: string): Device {
  if (spec instanceof Device) return spec;
  if (typeof spec !== "string") {
    throw new ArgumentError(`${what}: expected a device such as "cpu", got ${spec === null ? "null" : typeof spec}`);
  }
  const match = /^([a-z_]+)(?::(\d+))?$/.exec(spec.trim());
  if (match?.[1] === "cpu") return match[2] === undefined ? CPU : Device.of(Number(match[2]));
  if (match && ACCELERATORS.includes(match[1]!)) {
    throw new ArgumentError(
      `${what}: device ${JSON.stringify(spec)} is not available: tsgrad computes on the CPU only, so use "cpu" ` +
        `(cuda.isAvailable() is false, as PyTorch reports on a machine without a GPU)`,
    );
  }
  throw new ArgumentError(`${what}: unknown device ${JSON.stringify(spec)} (expected "cpu")`);
}

/** `device("cpu")` as PyTorch's `torch.device("cpu")`; any other device throws. */
export function device(spec: DeviceLike, index?: number): Device {
  if (index !== undefined) {
    if (!Number.isInteger(index) || index < 0) throw new ArgumentError(`device: index must be a non-negative integer, got ${index}`);
    checkDevice(spec, "device");
    return Device.of(index);
  }
  return checkDevice(spec, "device");
}

/** `torch.cuda`: no GPU here, so tutorials' `cuda.isAvailable() ? "cuda" : "cpu"` picks the CPU. */
export const cuda = Object.freeze({
  isAvailable: (): boolean => false,
  deviceCount: (): number => 0,
});

/** `torch.accelerator` (PyTorch 2.6+): no accelerator here. */
export const accelerator = Object.freeze({
  isAvailable: (): boolean => false,
  currentAccelerator: (): Device | null => null,
});
