// PyTorch idioms a learner types into a notebook cell, type-checked and run by the kernel.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resultText, TestClient } from "./client.js";

describe("PyTorch idioms in kernel cells", () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start();
  });
  afterAll(async () => {
    await client?.close();
  });

  const run = async (code: string): Promise<string | undefined> => {
    const { reply, outputs } = await client.execute(code);
    expect(reply.content, code).toMatchObject({ status: "ok" });
    return resultText(outputs);
  };

  it("calls a module and a loss, typed by their forward", async () => {
    await run(
      [
        "manualSeed(0);",
        "class Net extends nn.Module {",
        "  fc = new nn.Linear(3, 2);",
        "  forward(x: Tensor): Tensor { return this.fc(x).relu(); }",
        "}",
        "const net = new Net();",
        "const lossFn = new nn.CrossEntropyLoss();",
      ].join("\n"),
    );
    expect(await run("const out: Tensor = net(tensor([[1, 2, 3]]));\nout.shape")).toBe("[ 1, 2 ]");
    expect(await run("typeof lossFn(net(tensor([[1, 2, 3]])), tensor([1])).item()")).toBe("'number'");
    // A wrong argument type is a type error in the cell, as calling forward would be.
    const wrong = await client.execute("net('x')");
    expect(wrong.reply.content["status"]).toBe("error");
  });
});
