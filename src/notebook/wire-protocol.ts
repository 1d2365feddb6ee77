// The ZeroMQ wire format of Jupyter messages: identities, "<IDS|MSG>", HMAC signature, four JSON
// frames, buffers. https://jupyter-client.readthedocs.io/en/stable/messaging.html#the-wire-protocol
import { createHmac, timingSafeEqual } from "node:crypto";
import type { JupyterMessage } from "./messages.js";

const DELIMITER = "<IDS|MSG>";

export class SignatureError extends Error {
  override name = "SignatureError";
}

/** Signs and verifies messages with the connection file's key (`hmac-sha256`; an empty key disables). */
export class MessageSigner {
  private readonly algorithm: string;

  constructor(
    private readonly key: string,
    scheme = "hmac-sha256",
  ) {
    const [kind, algorithm] = scheme.split("-");
    if (kind !== "hmac" || !algorithm) throw new SignatureError(`unsupported signature_scheme '${scheme}'`);
    this.algorithm = algorithm;
  }

  /** HMAC over header, parent_header, metadata and content frames, hex-encoded. */
  sign(frames: readonly Uint8Array[]): string {
    if (this.key === "") return "";
    const hmac = createHmac(this.algorithm, this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest("hex");
  }

  verify(frames: readonly Uint8Array[], signature: string): boolean {
    if (this.key === "") return true;
    const expected = Buffer.from(this.sign(frames));
    const actual = Buffer.from(signature);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

/** Turns a message into wire frames, prefixed with the routing identities (none for a DEALER client). */
export function serializeMessage(
  message: JupyterMessage,
  signer: MessageSigner,
  identities: readonly Uint8Array[] = [],
): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part)),
  );
  return [
    ...identities.map((id) => Buffer.from(id)),
    Buffer.from(DELIMITER),
    Buffer.from(signer.sign(parts)),
    ...parts,
    ...message.buffers.map((buffer) => Buffer.from(buffer)),
  ];
}

/** Parses wire frames and checks their signature; throws `SignatureError` on a bad one. */
export function deserializeMessage(frames: readonly Uint8Array[], signer: MessageSigner): JupyterMessage {
  const at = frames.findIndex((frame) => Buffer.from(frame).toString() === DELIMITER);
  if (at < 0 || frames.length < at + 6) {
    throw new SignatureError(`malformed message: ${frames.length} frames, delimiter at ${at}`);
  }
  const signature = Buffer.from(frames[at + 1]!).toString();
  const parts = frames.slice(at + 2, at + 6);
  if (!signer.verify(parts, signature)) throw new SignatureError("message signature does not match the key");
  const [header, parent, metadata, content] = parts.map((part) => JSON.parse(Buffer.from(part).toString()));
  return {
    header,
    parent_header: parent ?? {},
    metadata: metadata ?? {},
    content: content ?? {},
    buffers: frames.slice(at + 6).map((frame) => new Uint8Array(frame)),
  };
}
