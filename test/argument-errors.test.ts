// Bad arguments an adversarial run found answered with a bare RangeError or accepted until they
// failed later: each must be refused at once with an error that names the argument.
import { describe, expect, it } from "vitest";
import { arange, data, GradientAccumulator, nn, optim, tensor, zeros } from "../src/index.js";
import { ArgumentError } from "../src/tensor/errors.js";

describe("errors that name the argument", () => {
  it("zeros and arange too big for memory name the op, the shape and the size", () => {
    expect(() => zeros([1e6, 1e6])).toThrow(ArgumentError);
    expect(() => zeros([1e6, 1e6])).toThrow(/zeros: a tensor of shape \(1000000x1000000\) would have 1,000,000,000,000 elements \(3725\.3 GiB as float32\)/);
    expect(() => arange(0, 1e12)).toThrow(/arange\(0, 1000000000000, 1\): a tensor of shape \(1000000000000\) would have/);
  });

  it("Module.loadStateDict refuses null and values that are not tensors, naming the key", () => {
    const model = new nn.Linear(2, 1);
    expect(() => model.loadStateDict(null as never)).toThrow(/Linear\.loadStateDict: state should be an object of tensors \(from stateDict\(\)\), got null/);
    expect(() => model.loadStateDict({ weight: [[1, 2]], bias: tensor([0]) } as never)).toThrow(/state\['weight'\] should be a Tensor, got object/);
  });

  it("Optimizer.loadStateDict refuses what is not a state dict, listing its keys", () => {
    const opt = new optim.SGD(new nn.Linear(2, 1).parameters(), { lr: 0.1 });
    expect(() => opt.loadStateDict({ foo: 1 } as never)).toThrow(/SGD\.loadStateDict: dict should be a stateDict\(\) result with 'state' and 'paramGroups', got an object with keys \[foo\]/);
    expect(() => opt.loadStateDict(null as never)).toThrow(ArgumentError);
  });

  it("GradientAccumulator without an optimizer says so", () => {
    expect(() => new GradientAccumulator({ steps: 2 } as never)).toThrow(/GradientAccumulator: optimizer should be an optimizer .*got undefined/);
  });

  it("DataLoader refuses a dataset without length and get()", () => {
    expect(() => new data.DataLoader(null as never)).toThrow(/DataLoader: dataset should have a length and get\(index\).*got null/);
    expect(() => new data.DataLoader({ length: 3 } as never)).toThrow(ArgumentError);
  });
});
