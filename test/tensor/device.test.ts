// Device lines of PyTorch code run unchanged on the CPU; any other device is a clear error.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { accelerator, arange, cuda, device, Device, full, ones, rand, tensor, zeros, zerosLike } from "../../src/tensor/index.js";
import { Linear, Sequential } from "../../src/nn/index.js";

describe("devices", () => {
  it("picks the CPU the way tutorials do, and prints like torch.device", () => {
    const dev = cuda.isAvailable() ? "cuda" : accelerator.isAvailable() ? "mps" : "cpu";
    expect(dev).toBe("cpu");
    expect(cuda.deviceCount()).toBe(0);
    expect(accelerator.currentAccelerator()).toBeNull();
    expect(device("cpu")).toBeInstanceOf(Device);
    expect(inspect(device("cpu"))).toBe("device(type='cpu')");
    expect(String(device("cpu", 0))).toBe("cpu:0");
    expect(device("cpu:0").index).toBe(0);
    expect(tensor([1]).device.type).toBe("cpu");
  });

  it("x.to(device) and x.cpu() return the tensor itself; x.to(dtype) copies with a gradient", () => {
    const x = tensor([1.5, -2], { requiresGrad: true });
    expect(x.to("cpu")).toBe(x);
    expect(x.to(device("cpu"))).toBe(x);
    expect(x.to({ device: "cpu" })).toBe(x);
    expect(x.cpu()).toBe(x);
    expect(x.to("float32")).toBe(x);
    const y = x.to("float64");
    expect(y.dtype).toBe("float64");
    expect(y.gradFn).toBe("ToCopyBackward0");
    y.mul(y).sum().backward();
    expect(x.grad!.dtype).toBe("float32");
    expect(x.grad!.tolist()).toEqual([3, -4]);
    expect(x.to("cpu", "float64").dtype).toBe("float64");
    expect(x.to(tensor([1], { dtype: "float64" })).dtype).toBe("float64");
  });

  it("creation functions take device: 'cpu'", () => {
    expect(zeros([2], { device: "cpu" }).tolist()).toEqual([0, 0]);
    expect(ones(2, { device: device("cpu") }).tolist()).toEqual([1, 1]);
    expect(full([1], 3, { device: "cpu" }).item()).toBe(3);
    expect(arange(3, { device: "cpu" }).tolist()).toEqual([0, 1, 2]);
    expect(tensor([1], { device: "cpu" }).item()).toBe(1);
    expect(zerosLike(tensor([1, 2]), { device: "cpu" }).tolist()).toEqual([0, 0]);
    expect(rand([2], { device: "cpu" }).shape).toEqual([2]);
  });

  it("model.to(device) returns the model; cuda() anywhere is an error saying why", () => {
    const model = new Sequential(new Linear(2, 2));
    expect(model.to("cpu")).toBe(model);
    expect(model.cpu()).toBe(model);
    expect(() => model.cuda()).toThrow(/Sequential.cuda: device "cuda" is not available: tsgrad computes on the CPU only, so use "cpu"/);
    expect(() => model.to("cuda:0")).toThrow(/Sequential.to: device "cuda:0" is not available/);
    expect(() => tensor([1]).cuda()).toThrow(/cuda: device "cuda" is not available/);
    expect(() => tensor([1]).to("mps")).toThrow(/to: device "mps" is not available/);
    expect(() => zeros([2], { device: "cuda" })).toThrow(/zeros: device: device "cuda" is not available/);
    expect(() => tensor([1], { device: "gpu" })).toThrow(/tensor: device: unknown device "gpu" \(expected "cpu"\)/);
    expect(() => tensor([1]).to({ device: "cpu", dtyp: "float64" } as never)).toThrow(/to: unknown option "dtyp"/);
    expect(() => tensor([1]).to("float16" as never)).toThrow(/to: unknown device "float16"/);
    expect(() => device("cpu", -1)).toThrow(/device: index must be a non-negative integer, got -1/);
  });
});

describe("float() and double()", () => {
  it("are to('float32') and to('float64'), differentiable", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.float()).toBe(x);
    const d = x.double();
    expect(d.dtype).toBe("float64");
    d.float().mul(3).sum().backward();
    expect(x.grad!.tolist()).toEqual([3, 3]);
  });
});
