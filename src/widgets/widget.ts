// A widget model in the kernel, mirrored by one in the front end over a `jupyter.widget` comm
// (ipywidgets message protocol 2.1): full state on open, `update` both ways, `echo_update` back to
// every front end, `request_state`, and `custom` messages. Displayed as
// application/vnd.jupyter.widget-view+json with a text/plain fallback.
import { jupyterDisplay } from "../display/mime-bundle.js";
import type { MimeBundle } from "../display/mime-bundle.js";
import { joinBuffers, splitBuffers } from "./buffer-paths.js";
import type { Comm, CommMessage } from "./comm.js";
import { comms } from "./comm-manager.js";
import { currentCommTransport } from "./comm-transport.js";
import { checkTrait, TraitError } from "./traits.js";
import type { TraitTable } from "./traits.js";
import { displayLegacy, fromLegacy, legacyFrontEnd, toLegacy } from "./legacy-protocol.js";

export const widgetTarget = "jupyter.widget";
/** The message protocol this kernel speaks (2.1 adds echo_update). */
export const protocolVersion = "2.1.0";
export const widgetViewMime = "application/vnd.jupyter.widget-view+json";
const modelPrefix = "IPY_MODEL_";

/** Which front-end classes a model and its view are (names and versions @jupyter-widgets/controls 5 expects). */
export interface ModelSpec {
  modelName: string;
  modelModule: string;
  modelModuleVersion: string;
  viewName: string | null;
  viewModule: string;
  viewModuleVersion: string;
}

/** A change of one trait, as `observe` handlers get it. */
export interface TraitChange<W extends Widget = Widget> {
  name: string;
  old: unknown;
  new: unknown;
  owner: W;
  /** Where the change came from. */
  source: "kernel" | "frontend";
}

export type ChangeHandler<W extends Widget = Widget> = (change: TraitChange<W>) => void;
export type CustomHandler = (content: unknown, buffers: Uint8Array[]) => void;

// Every live widget by model id, shared process-wide (references resolve through it).
const registryKey = Symbol.for("tsgrad.widgets");
const registry: Map<string, Widget> = ((globalThis as { [registryKey]?: Map<string, Widget> })[registryKey] ??= new Map());

/** The live widget with this model id. */
export function widgetById(modelId: string): Widget | undefined {
  return registry.get(modelId);
}

/** Every live widget (the widget state a notebook saves). */
export function liveWidgets(): Widget[] {
  return [...registry.values()];
}

export function isWidget(value: unknown): value is Widget {
  return value instanceof Widget;
}

export class Widget {
  readonly modelId: string;
  private readonly state: Record<string, unknown> = {};
  private readonly handlers: { names: string[] | null; handler: ChangeHandler }[] = [];
  private readonly customHandlers: CustomHandler[] = [];
  private comm: Comm | null;

  constructor(
    readonly spec: ModelSpec,
    readonly traits: TraitTable,
    options: Record<string, unknown> = {},
  ) {
    for (const t of Object.values(traits)) this.state[t.key] = structuredCloneValue(t.default);
    for (const [name, value] of Object.entries(options)) {
      if (value === undefined) continue;
      const t = traits[name];
      if (!t) throw new TraitError(`${this.kind} has no option '${name}' (it has ${Object.keys(traits).join(", ")})`);
      this.state[t.key] = checkTrait(this.kind, name, t, value, isWidget);
    }
    this.validate();
    const comm = this.openComm();
    this.comm = comm;
    this.modelId = comm.commId;
    registry.set(this.modelId, this);
    comm.onMsg((message) => this.receive(message));
    comm.onClose(() => {
      registry.delete(this.modelId);
      this.comm = null;
    });
  }

  /** The widget's class as users know it ("IntSlider"). */
  get kind(): string {
    return this.spec.modelName.replace(/Model$/, "");
  }

  /** Reads a trait by its camelCase name. */
  get(name: string): unknown {
    const t = this.traits[name];
    if (!t) throw new TraitError(`${this.kind} has no trait '${name}'`);
    return this.state[t.key];
  }

  /** Sets traits by camelCase name; the front end gets one `update` with what changed. */
  set(values: Record<string, unknown>): this {
    const changes: [string, unknown, unknown][] = [];
    const before = { ...this.state };
    try {
      for (const [name, value] of Object.entries(values)) {
        const t = this.traits[name];
        if (!t) throw new TraitError(`${this.kind} has no trait '${name}'`);
        this.state[t.key] = checkTrait(this.kind, name, t, value, isWidget);
      }
      this.validate();
    } catch (error) {
      Object.assign(this.state, before);
      throw error;
    }
    for (const [name, t] of Object.entries(this.traits)) {
      if (!sameValue(before[t.key], this.state[t.key])) changes.push([name, before[t.key], this.state[t.key]]);
    }
    if (changes.length === 0) return this;
    this.sendState(changes.map(([name]) => this.traits[name]!.key));
    this.notify(changes, "kernel");
    return this;
  }

  /**
   * Calls `handler` after a trait changes (from the kernel or the front end); `names` limits it
   * to those traits. Returns a function that removes the handler.
   */
  observe(handler: ChangeHandler<this>, names?: string | string[]): () => void {
    const entry = { names: names === undefined ? null : Array.isArray(names) ? names : [names], handler: handler as ChangeHandler };
    for (const name of entry.names ?? []) if (!this.traits[name]) throw new TraitError(`${this.kind} has no trait '${name}' to observe`);
    this.handlers.push(entry);
    return () => {
      const at = this.handlers.indexOf(entry);
      if (at >= 0) this.handlers.splice(at, 1);
    };
  }

  /** Calls `handler` with `custom` messages from the front end (a Button's clicks arrive this way). */
  onCustom(handler: CustomHandler): () => void {
    this.customHandlers.push(handler);
    return () => {
      const at = this.customHandlers.indexOf(handler);
      if (at >= 0) this.customHandlers.splice(at, 1);
    };
  }

  /** Sends a `custom` message to the front-end model. */
  sendCustom(content: unknown, buffers: readonly Uint8Array[] = []): void {
    this.comm?.send({ method: "custom", content }, { buffers });
  }

  /** Closes the comm: the front end removes its views. */
  close(): void {
    registry.delete(this.modelId);
    this.comm?.close();
    this.comm = null;
  }

  get closed(): boolean {
    return this.comm === null || this.comm.closed;
  }

  /** The state as the front end knows it (widget references as "IPY_MODEL_<id>"), binary values kept. */
  serializedState(keys?: readonly string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of keys ?? Object.keys(this.state)) out[key] = serialize(this.state[key]);
    return out;
  }

  /** Shown as the live widget, with a text/plain description for front ends without widgets. */
  [jupyterDisplay](): MimeBundle {
    if (this.spec.viewName === null) return { "text/plain": this.toString() };
    const view = { [widgetViewMime]: { model_id: this.modelId, version_major: 2, version_minor: 0 } };
    // ipywidgets 6 front ends show a widget when told so on its comm, and would print a text
    // fallback next to it; they get the view alone (see legacy-protocol.ts).
    if (legacyFrontEnd()) return displayLegacy(this.comm, view);
    return { ...view, "text/plain": this.toString() };
  }

  /** `IntSlider(value=3, description='steps', max=10)`: the text fallback of its display. */
  toString(): string {
    return `${this.kind}(${this.reprFields().map(([name, value]) => `${name}=${repr(value)}`).join(", ")})`;
  }

  /** What `toString` shows: the value, then every public trait not at its default. */
  protected reprFields(): [string, unknown][] {
    const fields: [string, unknown][] = "value" in this.traits ? [["value", this.get("value")]] : [];
    for (const [name, t] of Object.entries(this.traits)) {
      if (name === "value" || name.startsWith("_") || t.kind === "widget") continue;
      const value = this.state[t.key];
      if (!sameValue(value, t.default)) fields.push([name, value]);
    }
    return fields;
  }

  /** Keeps traits consistent with each other (a slider clamps its value); subclasses override. */
  protected validate(): void {}

  /** Inside `validate`: corrects a trait; the caller's change detection sends it. */
  protected adjust(name: string, value: unknown): void {
    this.state[this.traits[name]!.key] = value;
  }

  /** Sends an `update` with these state keys (all when omitted). */
  protected sendState(keys?: readonly string[], method: "update" | "echo_update" = "update"): void {
    if (!this.comm || this.comm.closed) return;
    const { state, bufferPaths, buffers } = splitBuffers(this.serializedState(keys));
    if (legacyFrontEnd()) {
      if (method === "echo_update") return;
      const full = this.serializedState();
      this.comm.send({ method: "update", state: toLegacy(this.spec, state, full), buffers: bufferPaths.map((p) => p[0]) }, { buffers });
      return;
    }
    this.comm.send({ method, state, buffer_paths: bufferPaths }, { buffers });
  }

  private openComm(): Comm {
    const { state, bufferPaths, buffers } = splitBuffers(this.serializedState());
    if (legacyFrontEnd()) return comms.openComm(widgetTarget, toLegacy(this.spec, state), { buffers });
    return comms.openComm(widgetTarget, { state, buffer_paths: bufferPaths }, { buffers, metadata: { version: protocolVersion } });
  }

  /** A message from the front-end model. */
  private receive(message: CommMessage): void {
    const data = fromLegacy(this.spec, message.data, this.state);
    const method = data["method"];
    if (method === "update") this.receiveUpdate(data, message.buffers);
    else if (method === "request_state") this.sendState();
    else if (method === "custom") {
      for (const handler of [...this.customHandlers]) handler(data["content"], message.buffers);
    } else currentCommTransport().log(`${this.kind} ${this.modelId}: unknown widget message method ${JSON.stringify(method)}; ignored`);
  }

  private receiveUpdate(data: Record<string, unknown>, buffers: Uint8Array[]): void {
    const incoming = data["state"];
    if (typeof incoming !== "object" || incoming === null || Array.isArray(incoming)) {
      currentCommTransport().log(`${this.kind} ${this.modelId}: update without a state object; ignored`);
      return;
    }
    const state = { ...(incoming as Record<string, unknown>) };
    try {
      joinBuffers(state, data["buffer_paths"], buffers);
    } catch (error) {
      currentCommTransport().log(`${this.kind} ${this.modelId}: ${error instanceof Error ? error.message : String(error)}; update ignored`);
      return;
    }
    const byKey = new Map(Object.entries(this.traits).map(([name, t]) => [t.key, name]));
    const accepted: string[] = [];
    const before = { ...this.state };
    for (const [key, raw] of Object.entries(state)) {
      const name = byKey.get(key);
      if (name === undefined || name.startsWith("_")) {
        if (name === undefined) currentCommTransport().log(`${this.kind} ${this.modelId}: the front end set unknown key '${key}'; ignored`);
        continue;
      }
      try {
        this.state[key] = checkTrait(this.kind, name, this.traits[name]!, deserialize(raw), isWidget);
        accepted.push(key);
      } catch (error) {
        currentCommTransport().log(`${this.kind} ${this.modelId}: ${error instanceof Error ? error.message : String(error)}; ignored`);
      }
    }
    if (accepted.length === 0) return;
    const echoed = [...accepted];
    try {
      this.validate();
    } catch (error) {
      // Values that do not fit together (min above max, an index past the options): keep the old ones.
      Object.assign(this.state, before);
      currentCommTransport().log(`${this.kind} ${this.modelId}: ${error instanceof Error ? error.message : String(error)}; update ignored`);
      this.sendState(accepted);
      return;
    }
    // Other front ends learn what this one set; a value the kernel corrected goes out as an update.
    this.sendState(echoed, "echo_update");
    const corrected = accepted.filter((key) => !sameValue(state[key], serialize(this.state[key])));
    if (corrected.length > 0) this.sendState(corrected);
    const changes: [string, unknown, unknown][] = [];
    for (const [name, t] of Object.entries(this.traits)) {
      if (!sameValue(before[t.key], this.state[t.key])) changes.push([name, before[t.key], this.state[t.key]]);
    }
    this.notify(changes, "frontend");
  }

  private notify(changes: [string, unknown, unknown][], source: "kernel" | "frontend"): void {
    for (const [name, old, value] of changes) {
      for (const { names, handler } of [...this.handlers]) {
        if (names && !names.includes(name)) continue;
        handler({ name, old, new: value, owner: this, source });
      }
    }
  }
}

/** Widget references become "IPY_MODEL_<id>", recursively. */
function serialize(value: unknown): unknown {
  if (value instanceof Widget) return modelPrefix + value.modelId;
  if (Array.isArray(value)) return value.map(serialize);
  return value;
}

/** "IPY_MODEL_<id>" becomes the widget again (unknown ids stay strings and fail their trait check). */
function deserialize(value: unknown): unknown {
  if (typeof value === "string" && value.startsWith(modelPrefix)) return registry.get(value.slice(modelPrefix.length)) ?? value;
  if (Array.isArray(value)) return value.map(deserialize);
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  return false;
}

function structuredCloneValue(value: unknown): unknown {
  return Array.isArray(value) ? [...value] : value;
}

function repr(value: unknown): string {
  if (typeof value === "string") return `'${value.replace(/'/g, "\\'")}'`;
  if (value instanceof Widget) return value.toString();
  if (Array.isArray(value)) return `[${value.map(repr).join(", ")}]`;
  return JSON.stringify(value) ?? String(value);
}
