import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createMessage } from "../../src/notebook/messages.js";
import { MessageSigner, SignatureError, deserializeMessage, serializeMessage } from "../../src/notebook/wire-protocol.js";
import { DEBIAN_PYTHON, hasIpykernel } from "./jupyter-available.js";

const key = "5e1f1c1a-0b2d-4c7e-9a41-3f3c2b9d7e10";

describe("wire protocol", () => {
  it("round-trips a message, buffers included", () => {
    const signer = new MessageSigner(key);
    const message = createMessage("execute_request", { code: "1 + 1", silent: false }, "session-1");
    message.buffers = [new Uint8Array([1, 2, 3])];
    const frames = serializeMessage(message, signer, [Buffer.from("routing-id")]);
    expect(frames[0]!.toString()).toBe("routing-id");
    expect(frames[1]!.toString()).toBe("<IDS|MSG>");
    const back = deserializeMessage(frames, signer);
    expect(back.header).toEqual(message.header);
    expect(back.content).toEqual({ code: "1 + 1", silent: false });
    expect([...back.buffers[0]!]).toEqual([1, 2, 3]);
  });

  it("rejects a tampered message or a wrong key", () => {
    const signer = new MessageSigner(key);
    const frames = serializeMessage(createMessage("kernel_info_request", {}, "s"), signer);
    const tampered = [...frames];
    tampered[5] = Buffer.from('{"evil":true}');
    expect(() => deserializeMessage(tampered, signer)).toThrow(SignatureError);
    expect(() => deserializeMessage(frames, new MessageSigner("other-key"))).toThrow(/signature does not match/);
    expect(() => new MessageSigner(key, "rsa-sha256")).toThrow(/unsupported signature_scheme/);
  });

  it("signs nothing with an empty key, as Jupyter does for unsigned connections", () => {
    const frames = serializeMessage(createMessage("kernel_info_request", {}, "s"), new MessageSigner(""));
    expect(frames[1]!.toString()).toBe("");
    expect(deserializeMessage(frames, new MessageSigner("")).header.msg_type).toBe("kernel_info_request");
  });

  it.skipIf(!hasIpykernel)("agrees with jupyter_client's Session on signatures both ways", () => {
    const signer = new MessageSigner(key);
    const ours = serializeMessage(createMessage("execute_request", { code: "print('ü')" }, "s"), signer);
    const script = `
import json, sys
from jupyter_client.session import Session
s = Session(key=${JSON.stringify(key)}.encode())
ours = [bytes.fromhex(h) for h in json.loads(sys.stdin.read())]
msg = s.deserialize(ours[1:])  # raises on a bad signature
theirs = s.serialize(s.msg("kernel_info_reply", content={"status": "ok", "text": msg["content"]["code"]}))
print(json.dumps([f.hex() if isinstance(f, bytes) else f.encode().hex() for f in theirs]))
`;
    const result = spawnSync(DEBIAN_PYTHON, ["-c", script], { input: JSON.stringify(ours.map((frame) => frame.toString("hex"))), encoding: "utf8" });
    expect(result.stderr).not.toMatch(/Error/);
    const theirs = (JSON.parse(result.stdout) as string[]).map((hex) => Buffer.from(hex, "hex"));
    const reply = deserializeMessage(theirs, signer);
    expect(reply.header.msg_type).toBe("kernel_info_reply");
    expect(reply.content.text).toBe("print('ü')");
  });
});
