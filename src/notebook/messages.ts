// Jupyter messages (protocol 5.3) as both transports hand them to the runner.
import { userInfo } from "node:os";
import { makeHeader } from "../kernel/wire.js";

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export type JsonObject = Record<string, unknown>;

export interface JupyterMessage<Content = JsonObject> {
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: JsonObject;
  content: Content;
  buffers: Uint8Array[];
  channel?: string;
}

/** The content of an `execute_reply` (status "ok", "error" or "aborted"). */
export interface ExecuteReplyContent extends JsonObject {
  status: string;
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

/** The content of a `kernel_info_reply`. */
export interface KernelInfoContent extends JsonObject {
  status?: string;
  protocol_version?: string;
  implementation?: string;
  language_info?: JsonObject & { name?: string };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "tsgrad";
  }
}

/** Builds a request message of a client session. */
export function createMessage<Content extends JsonObject>(
  msgType: string,
  content: Content,
  session: string,
): JupyterMessage<Content> {
  return {
    header: makeHeader(msgType, session, currentUser()),
    parent_header: {},
    metadata: {},
    content,
    buffers: [],
  };
}

/** The content of an `execute_request` as a notebook runner sends it: no stdin, history kept. */
export function executeRequestContent(code: string, options: { stopOnError: boolean; storeHistory?: boolean }) {
  return {
    code,
    silent: false,
    store_history: options.storeHistory ?? true,
    user_expressions: {},
    allow_stdin: false,
    stop_on_error: options.stopOnError,
  };
}
