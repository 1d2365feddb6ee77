// The wire protocol: frames round-trip, and a signature covers exactly header, parent, metadata, content.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decode, encode, makeMessage, Signer, SignatureError, FrameError } from "../../src/kernel/wire.js";

const signer = new Signer("secret-key", "hmac-sha256");
const message = makeMessage("execute_request", { code: "1 + 1" }, {}, "session-1", { tag: 1 });

describe("wire protocol", () => {
  it("round-trips a message with identities and buffers", () => {
    const frames = encode([Buffer.from("client-a")], { ...message, buffers: [Buffer.from([1, 2, 3])] }, signer);
    const { identities, message: back } = decode(frames, signer);
    expect(identities.map((id) => Buffer.from(id).toString())).toEqual(["client-a"]);
    expect(back.header).toEqual(message.header);
    expect(back.content).toEqual({ code: "1 + 1" });
    expect(back.metadata).toEqual({ tag: 1 });
    expect([...back.buffers[0]!]).toEqual([1, 2, 3]);
  });

  it("signs with HMAC-SHA256 over header, parent header, metadata and content in order", () => {
    const frames = encode([], message, signer);
    const expected = createHmac("sha256", "secret-key");
    for (const part of frames.slice(2, 6)) expected.update(part);
    expect(frames[1]!.toString()).toBe(expected.digest("hex"));
  });

  it("rejects a bad, missing or other-key signature, and a tampered body", () => {
    const frames = encode([], message, signer);
    expect(() => decode([frames[0]!, Buffer.from("f".repeat(64)), ...frames.slice(2)], signer)).toThrow(SignatureError);
    expect(() => decode([frames[0]!, Buffer.from(""), ...frames.slice(2)], signer)).toThrow(/missing signature/);
    expect(() => decode(encode([], message, new Signer("other-key")), signer)).toThrow(SignatureError);
    const tampered = [...frames];
    tampered[5] = Buffer.from(JSON.stringify({ code: "process.exit()" }));
    expect(() => decode(tampered, signer)).toThrow(SignatureError);
  });

  it("accepts unsigned messages only when the key is empty", () => {
    const open = new Signer("");
    const frames = encode([], message, open);
    expect(frames[1]!.toString()).toBe("");
    expect(decode(frames, open).message.content).toEqual({ code: "1 + 1" });
    expect(() => decode(frames, signer)).toThrow(SignatureError);
  });

  it("rejects frames without the delimiter or with parts missing", () => {
    expect(() => decode([Buffer.from("x")], signer)).toThrow(FrameError);
    expect(() => decode(encode([], message, signer).slice(0, 4), signer)).toThrow(FrameError);
  });
});
