// The Jupyter wire protocol: connection files, message frames and their HMAC signatures.
// Knows nothing of sockets or of what a message means.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { KernelMessage } from "@jupyterlab/services";

/** The protocol version this kernel speaks. */
export const protocolVersion = "5.3";

const delimiter = "<IDS|MSG>";

/** What Jupyter writes into the connection file it passes with `-f`. */
export interface ConnectionInfo {
  ip: string;
  transport: "tcp" | "ipc";
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

/** A decoded message: header, parent header, metadata and content as JSON, plus binary buffers. */
export interface WireMessage {
  header: KernelMessage.IHeader;
  parent_header: KernelMessage.IHeader | Record<string, never>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Uint8Array[];
}

/** A message as it arrives from a ROUTER socket: who sent it, and what. */
export interface Envelope {
  identities: Uint8Array[];
  message: WireMessage;
  /** The HMAC it came with ("" when signing is off; absent once handed between threads). */
  signature?: string;
}

export class SignatureError extends Error {
  override name = "SignatureError";
}

export class FrameError extends Error {
  override name = "FrameError";
}

/** Signs and verifies frames with the connection's key (`hmac-sha256`; an empty key disables signing). */
export class Signer {
  private readonly key: string;
  private readonly algorithm: string;

  constructor(key: string, scheme = "hmac-sha256") {
    const match = /^hmac-(\w+)$/.exec(scheme);
    if (!match) throw new SignatureError(`unsupported signature_scheme '${scheme}' (expected hmac-<hash>)`);
    this.key = key;
    this.algorithm = match[1]!;
  }

  /** Hex HMAC over header, parent header, metadata and content, in that order. */
  sign(parts: readonly Uint8Array[]): string {
    if (this.key === "") return "";
    const hmac = createHmac(this.algorithm, this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  }

  verify(signature: string, parts: readonly Uint8Array[]): boolean {
    const expected = Buffer.from(this.sign(parts));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/** Splits ROUTER frames into identities and a message; throws when the signature does not match. */
export function decode(frames: readonly Uint8Array[], signer: Signer): Envelope {
  const at = frames.findIndex((frame) => Buffer.from(frame).toString() === delimiter);
  if (at < 0) throw new FrameError(`no ${delimiter} delimiter among ${frames.length} frames`);
  if (frames.length < at + 6) throw new FrameError(`expected 5 frames after the delimiter, got ${frames.length - at - 1}`);
  const signature = Buffer.from(frames[at + 1]!).toString();
  const parts = frames.slice(at + 2, at + 6);
  if (!signer.verify(signature, parts)) {
    throw new SignatureError(signature === "" ? "missing signature" : `bad signature '${signature.slice(0, 16)}…'`);
  }
  const [header, parent, metadata, content] = parts.map((part) => JSON.parse(Buffer.from(part).toString()) as unknown);
  if (!isObject(header) || typeof header["msg_type"] !== "string" || typeof header["msg_id"] !== "string") {
    throw new FrameError("the header is not an object with a msg_type and a msg_id");
  }
  if (!isObject(content)) throw new FrameError(`the content of ${header["msg_type"]} is not an object`);
  return {
    identities: frames.slice(0, at),
    signature,
    message: {
      header: header as unknown as KernelMessage.IHeader,
      // Optional parts: a null here is taken as empty, as jupyter_client does.
      parent_header: isObject(parent) ? (parent as unknown as KernelMessage.IHeader) : {},
      metadata: isObject(metadata) ? metadata : {},
      content,
      buffers: frames.slice(at + 6),
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The four JSON parts of a message (header, parent header, metadata, content), as signed and sent. */
export type JsonParts = [string, string, string, string];

export function jsonParts(message: WireMessage): JsonParts {
  return [JSON.stringify(message.header), JSON.stringify(message.parent_header), JSON.stringify(message.metadata), JSON.stringify(message.content)];
}

/** Frames for sending: identities (or an iopub topic), delimiter, signature, JSON parts, buffers. */
export function encode(identities: readonly Uint8Array[], message: WireMessage, signer: Signer): Buffer[] {
  return encodeParts(identities, jsonParts(message), signer, message.buffers);
}

/** `encode` for parts already serialized (by another thread, say). */
export function encodeParts(identities: readonly Uint8Array[], json: JsonParts, signer: Signer, buffers: readonly Uint8Array[] = []): Buffer[] {
  const parts = json.map((part) => Buffer.from(part));
  return [
    ...identities.map((identity) => Buffer.from(identity)),
    Buffer.from(delimiter),
    Buffer.from(signer.sign(parts)),
    ...parts,
    ...buffers.map((buffer) => Buffer.from(buffer)),
  ];
}

/** A fresh header for a message sent in `session`: by this kernel, or by a client as `username`. */
export function makeHeader<T extends string>(msgType: T, session: string, username = "kernel") {
  return {
    msg_id: randomUUID(),
    username,
    session,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: protocolVersion,
  };
}

/** A message answering (or caused by) `parent`. */
export function makeMessage(
  msgType: KernelMessage.MessageType,
  content: object,
  parent: KernelMessage.IHeader | Record<string, never>,
  session: string,
  metadata: Record<string, unknown> = {},
): WireMessage {
  return {
    header: makeHeader(msgType, session),
    parent_header: parent,
    metadata,
    content: content as Record<string, unknown>,
    buffers: [],
  };
}

/** The iopub topic ipykernel uses, so clients filtering by prefix see our messages. */
export function iopubTopic(session: string, msgType: string): Buffer {
  return Buffer.from(`kernel.${session}.${msgType}`);
}

/** The ZeroMQ endpoint of one port in the connection file. */
export function endpoint(info: ConnectionInfo, port: number): string {
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}
