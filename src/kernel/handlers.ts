// What the kernel does with each request: busy, the work, the reply, idle. Shell requests run one
// at a time, in order; control requests do not wait behind them.
import type { KernelMessage } from "@jupyterlab/services";
import { toMimeBundle } from "../display/mime-bundle.js";
import type { Channels } from "./channels.js";
import type { CellOutcome, Engine } from "./engine.js";
import type { IopubPublisher } from "./iopub-publisher.js";
import { makeMessage, protocolVersion } from "./wire.js";
import type { Envelope, WireMessage } from "./wire.js";
import { log } from "./log.js";
import { globMatches } from "./glob.js";

export interface KernelIdentity {
  implementationVersion: string;
  typescriptVersion: string;
}

/** One executed cell as `history` reports it: (session, line, input) or (session, line, [input, output]). */
interface HistoryEntry {
  line: number;
  input: string;
  output: string | null;
}

type HistoryTuple = [number, number, string | [string, string | null]];

const historySession = 1;

export interface HandlerHooks {
  /** Called after `shutdown_reply` is sent; ends the process. */
  shutdown(restart: boolean): void;
  /** Called at the end of every cell (flushes throttled displays). */
  afterCell(): void;
}

export class Handlers {
  private executionCount = 0;
  private readonly history: HistoryEntry[] = [];

  constructor(
    private readonly channels: Channels,
    private readonly engine: Engine,
    private readonly output: IopubPublisher,
    private readonly identity: KernelIdentity,
    private readonly hooks: HandlerHooks,
  ) {}

  /** Serves one shell request to the end (the channels read the next one only after it). */
  serveShell(envelope: Envelope): Promise<void> {
    return this.serve("shell", envelope);
  }

  /** Serves a control request at once, without waiting behind a running cell. */
  serveControl(envelope: Envelope): void {
    void this.serve("control", envelope);
  }

  /** Busy and idle around an interrupt the control thread served (iopub is this thread's socket). */
  interrupted(parent: KernelMessage.IHeader): void {
    this.output.status("busy", parent);
    this.output.status("idle", parent);
  }

  private reply(channel: "shell" | "control", request: Envelope, msgType: KernelMessage.MessageType, content: object): void {
    this.channels.send(channel, request.identities, makeMessage(msgType, content, request.message.header, this.channels.session));
  }

  private async serve(channel: "shell" | "control", request: Envelope): Promise<void> {
    const { header } = request.message;
    this.output.status("busy", header);
    try {
      await this.dispatch(channel, request);
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`handling ${header.msg_type} failed: ${text}`);
      // The front end still gets its reply, so it does not wait forever.
      if (header.msg_type.endsWith("_request") && header.msg_type !== "shutdown_request") {
        const replyType = header.msg_type.replace(/_request$/, "_reply") as KernelMessage.MessageType;
        this.reply(channel, request, replyType, { status: "error", ename: "KernelError", evalue: String(error), traceback: text.split("\n") });
      }
    } finally {
      // A shutdown has already said idle before its reply; the sockets are closing now.
      if (header.msg_type !== "shutdown_request") this.output.status("idle", header);
    }
  }

  private async dispatch(channel: "shell" | "control", request: Envelope): Promise<void> {
    const message = request.message;
    switch (message.header.msg_type) {
      case "kernel_info_request":
        return this.reply(channel, request, "kernel_info_reply", this.kernelInfo());
      case "execute_request":
        // Control serves at once, beside a running cell: code run there would mix with the cell's.
        if (channel === "control") return this.refuseExecute(request);
        return this.execute(channel, request);
      case "complete_request":
        return this.reply(channel, request, "complete_reply", this.complete(message));
      case "inspect_request":
        return this.reply(channel, request, "inspect_reply", this.inspect(message));
      case "is_complete_request":
        return this.reply(channel, request, "is_complete_reply", this.engine.isComplete(String(message.content["code"] ?? "")));
      case "history_request":
        return this.reply(channel, request, "history_reply", { status: "ok", history: this.historyReply(message.content) });
      case "comm_info_request":
        return this.reply(channel, request, "comm_info_reply", { status: "ok", comms: {} } satisfies KernelMessage.ICommInfoReplyMsg["content"]);
      case "comm_open":
        // No comm targets are registered: close it, as ipykernel does for an unknown target.
        this.output.publish("comm_close", { comm_id: message.content["comm_id"], data: {} }, message.header);
        return;
      case "comm_msg":
      case "comm_close":
        return;
      case "shutdown_request": {
        const restart = message.content["restart"] === true;
        const content = { status: "ok", restart };
        this.output.status("idle", message.header);
        await this.channels.sendAndWait(channel, request.identities, makeMessage("shutdown_reply", content, message.header, this.channels.session));
        this.hooks.shutdown(restart);
        return;
      }
      default:
        log(`unsupported request '${message.header.msg_type}' on ${channel}; ignored`);
    }
  }

  private kernelInfo(): KernelMessage.IInfoReply & { status: "ok"; debugger: boolean } {
    const { implementationVersion, typescriptVersion } = this.identity;
    return {
      status: "ok",
      protocol_version: protocolVersion,
      implementation: "tsgrad",
      implementation_version: implementationVersion,
      language_info: {
        name: "typescript",
        version: typescriptVersion,
        mimetype: "text/x.typescript",
        file_extension: ".ts",
        pygments_lexer: "typescript",
        codemirror_mode: { name: "javascript", typescript: true },
        nbconvert_exporter: "script",
      },
      banner: `tsgrad ${implementationVersion}: TypeScript ${typescriptVersion} on Node.js ${process.version}, with the tsgrad library preloaded`,
      debugger: false,
      help_links: [
        { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/" },
        { text: "Node.js API", url: "https://nodejs.org/api/" },
      ],
    };
  }

  private async execute(channel: "shell" | "control", request: Envelope): Promise<void> {
    const message = request.message;
    const content = message.content as unknown as KernelMessage.IExecuteRequestMsg["content"];
    const code = String(content.code ?? "");
    const silent = content.silent === true;
    const storeHistory = !silent && content.store_history !== false;
    const stopOnError = content.stop_on_error !== false;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    const label = storeHistory ? `Cell In[${count}]` : "Cell";

    this.output.parent = message.header;
    this.output.enabled = !silent;
    if (!silent) this.output.publish("execute_input", { code, execution_count: count });

    let outcome: CellOutcome;
    const payload: Record<string, unknown>[] = [];
    const helpName = helpRequest(code);
    if (helpName !== undefined) {
      // IPython's `name?`: the documentation goes to the front end's pager, nothing runs.
      const page = this.documentation(helpName, helpName.length);
      if (page) payload.push({ source: "page", data: page, start: 0 });
      outcome = page
        ? { status: "ok", hasValue: false }
        : { status: "error", ename: "NameError", evalue: `no documentation for '${helpName}'`, traceback: [`NameError: no documentation for '${helpName}'`] };
    } else {
      this.inputTarget = content.allow_stdin === false ? null : request;
      try {
        outcome = await this.engine.execute(code, label);
      } finally {
        this.inputTarget = null;
      }
    }
    try {
      this.hooks.afterCell();
    } catch (error) {
      // A display that fails to render at the final flush is this cell's error; the reply still goes.
      if (outcome.status === "ok") outcome = this.engine.errorOutcome(error);
      else log(`flushing displays failed: ${String(error)}`);
    }
    let shown: string | null = null;
    if (outcome.status === "ok" && outcome.hasValue && !silent) {
      let data: Record<string, unknown>;
      try {
        data = toMimeBundle(outcome.value);
      } catch (error) {
        outcome = this.engine.errorOutcome(error);
        data = {};
      }
      // An empty bundle is a value that shows nothing (a display handle, like Python's None).
      if (outcome.status === "ok" && Object.keys(data).length > 0) {
        shown = typeof data["text/plain"] === "string" ? data["text/plain"] : null;
        this.output.publish("execute_result", { execution_count: count, data, metadata: {} });
      }
    }
    if (outcome.status === "error") this.output.error(outcome, message.header);
    if (storeHistory) this.history.push({ line: count, input: code, output: shown });
    this.output.enabled = true;

    const reply =
      outcome.status === "ok"
        ? { status: "ok", execution_count: count, payload, user_expressions: {} }
        : { status: "error", execution_count: count, ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
    // Taken before the reply leaves, so nothing sent after the front end saw the failure is among them.
    const waiting = outcome.status === "error" && stopOnError ? await this.channels.takeWaitingShellRequests() : [];
    this.reply(channel, request, "execute_reply", reply);
    await this.abortExecutions(waiting);
  }

  private refuseExecute(request: Envelope): void {
    const evalue = "execute_request is served on the shell channel only; the control channel does not run code";
    this.reply("control", request, "execute_reply", {
      status: "error",
      execution_count: this.executionCount,
      ename: "ChannelError",
      evalue,
      traceback: [`ChannelError: ${evalue}`],
    });
  }

  /**
   * After a failed cell with stop_on_error, the execute requests that were already waiting are
   * answered `aborted`, not run; other requests among them are served, in order (as ipykernel does).
   */
  private async abortExecutions(waitingRequests: Envelope[]): Promise<void> {
    for (const waiting of waitingRequests) {
      const { header } = waiting.message;
      if (header.msg_type !== "execute_request") {
        await this.serve("shell", waiting);
        continue;
      }
      this.output.status("busy", header);
      this.reply("shell", waiting, "execute_reply", { status: "aborted", execution_count: this.executionCount });
      this.output.status("idle", header);
    }
  }

  /** The request a cell's prompt() answers to (null when the front end disallowed stdin). */
  inputTarget: Envelope | null = null;

  private complete(message: WireMessage): KernelMessage.ICompleteReplyMsg["content"] {
    const code = String(message.content["code"] ?? "");
    const cursor = toUtf16(code, Number(message.content["cursor_pos"] ?? codePoints(code)));
    const result = this.engine.complete(code, cursor);
    return {
      status: "ok",
      matches: result.matches,
      cursor_start: toCodePoints(code, result.start),
      cursor_end: toCodePoints(code, result.end),
      metadata: {},
    };
  }

  private inspect(message: WireMessage): KernelMessage.IInspectReplyMsg["content"] {
    const code = String(message.content["code"] ?? "");
    const cursor = toUtf16(code, Number(message.content["cursor_pos"] ?? codePoints(code)));
    const data = this.documentation(code, cursor);
    return data ? { status: "ok", found: true, data, metadata: {} } : { status: "ok", found: false, data: {}, metadata: {} };
  }

  /** Signature and docs of the symbol at `cursor`, as text/plain and text/markdown. */
  private documentation(code: string, cursor: number): Record<string, string> | undefined {
    const info = this.engine.inspect(code, cursor);
    if (!info) return undefined;
    const plain = info.documentation ? `${info.signature}\n\n${info.documentation}` : info.signature;
    const markdown = "```typescript\n" + info.signature + "\n```" + (info.documentation ? `\n\n${info.documentation}` : "");
    return { "text/plain": plain, "text/markdown": markdown };
  }

  private historyReply(content: Record<string, unknown>): HistoryTuple[] {
    const withOutput = content["output"] === true;
    const tuple = (entry: HistoryEntry): HistoryTuple => [
      historySession,
      entry.line,
      withOutput ? [entry.input, entry.output] : entry.input,
    ];
    const n = typeof content["n"] === "number" ? content["n"] : undefined;
    switch (content["hist_access_type"]) {
      case "tail":
        return this.history.slice(n === undefined ? 0 : -n || this.history.length).map(tuple);
      case "range": {
        if (content["session"] !== undefined && Number(content["session"]) !== historySession && Number(content["session"]) !== 0) return [];
        const start = Number(content["start"] ?? 1);
        const stop = content["stop"] === undefined || content["stop"] === null ? Infinity : Number(content["stop"]);
        return this.history.filter((entry) => entry.line >= start && entry.line < stop).map(tuple);
      }
      case "search": {
        const pattern = String(content["pattern"] ?? "*");
        let found = this.history.filter((entry) => globMatches(pattern, entry.input));
        if (content["unique"] === true) {
          const seen = new Set<string>();
          found = found.reverse().filter((entry) => !seen.has(entry.input) && seen.add(entry.input)).reverse();
        }
        return (n === undefined ? found : found.slice(-n)).map(tuple);
      }
      default:
        return [];
    }
  }
}

/** `tensor?`, `?tensor` or `nn.Linear?`: the name asked about, else undefined. */
function helpRequest(code: string): string | undefined {
  const match = /^\s*(?:\?\s*([A-Za-z_$][\w$.]*)|([A-Za-z_$][\w$.]*)\s*\?)\s*$/.exec(code);
  return match ? (match[1] ?? match[2]) : undefined;
}

function codePoints(text: string): number {
  return [...text].length;
}

/** Jupyter counts cursor positions in Unicode code points; JavaScript strings in UTF-16 units. */
function toUtf16(text: string, codePoint: number): number {
  let units = 0;
  let points = 0;
  for (const char of text) {
    if (points >= codePoint) break;
    units += char.length;
    points++;
  }
  return units;
}

function toCodePoints(text: string, utf16: number): number {
  return codePoints(text.slice(0, utf16));
}
