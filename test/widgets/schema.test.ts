// Our widget models against @jupyter-widgets/schema (the model specification of ipywidgets 8,
// @jupyter-widgets/controls 5): each model opens with exactly the schema's attributes, its module
// names and versions, the schema's defaults, and references to the right kind of model; a state
// made of the schema's defaults, sent back as a front end would, round-trips unchanged; and the
// widget state a run saves fits the schema's state format.
import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as w from "../../src/widgets/index.js";
import { WidgetStateRecorder } from "../../src/notebook/widget-state.js";
import type { JupyterMessage } from "../../src/notebook/messages.js";

interface SchemaAttribute {
  name: string;
  type: string;
  default: unknown;
  widget?: string;
  allow_none?: boolean;
  items?: unknown;
}
interface SchemaModel {
  model: { name: string; module: string; version: string };
  view: { name: string | null; module: string; version: string };
  attributes: SchemaAttribute[];
}
const require = createRequire(import.meta.url);
const schema = require("@jupyter-widgets/schema/jupyterwidgetmodels.latest.json") as SchemaModel[];
const stateSchema = require("@jupyter-widgets/schema/v2/state.schema.json") as { required: string[] };
const byName = new Map(schema.map((m) => [m.model.name, m]));

/** Records what widgets send, as a front end receives it. */
function recordComms() {
  const opens = new Map<string, { data: Record<string, unknown>; metadata: Record<string, unknown>; buffers: readonly Uint8Array[] }>();
  const sent: { commId: string; data: Record<string, unknown> }[] = [];
  const messages: JupyterMessage[] = [];
  const iopub = (msg_type: string, content: Record<string, unknown>, buffers: readonly Uint8Array[]): void => {
    messages.push({ header: { msg_id: String(messages.length), msg_type, session: "s", username: "u", date: "", version: "5.3" }, parent_header: {}, metadata: {}, content, buffers: [...buffers] });
  };
  w.setCommTransport({
    open: (commId, target, data, options) => {
      opens.set(commId, { data, metadata: options.metadata ?? {}, buffers: options.buffers ?? [] });
      iopub("comm_open", { comm_id: commId, target_name: target, data }, options.buffers ?? []);
    },
    send: (commId, data, options) => {
      sent.push({ commId, data });
      iopub("comm_msg", { comm_id: commId, data }, options.buffers ?? []);
    },
    close: (commId, data) => iopub("comm_close", { comm_id: commId, data }, []),
    parentMsgId: () => "parent-1",
    flushOutput: () => {},
    reportError: (error) => {
      throw error;
    },
    log: (text) => {
      throw new Error(`unexpected log: ${text}`);
    },
  });
  return { opens, sent, messages };
}

/** One of each widget the library offers, with the schema model it must match. */
const makers: [string, () => w.Widget][] = [
  ["IntSliderModel", () => new w.IntSlider()],
  ["FloatSliderModel", () => new w.FloatSlider()],
  ["FloatLogSliderModel", () => new w.FloatLogSlider()],
  ["DropdownModel", () => new w.Dropdown({ options: ["a", "b"] })],
  ["CheckboxModel", () => new w.Checkbox()],
  ["ToggleButtonModel", () => new w.ToggleButton()],
  ["ButtonModel", () => new w.Button()],
  ["LabelModel", () => new w.Label()],
  ["HTMLModel", () => new w.HTML()],
  ["IntProgressModel", () => new w.IntProgress()],
  ["OutputModel", () => new w.Output()],
  ["PlayModel", () => new w.Play()],
  ["HBoxModel", () => new w.HBox()],
  ["VBoxModel", () => new w.VBox()],
  ["LayoutModel", () => new w.Layout()],
  ...["DescriptionStyle", "SliderStyle", "ProgressStyle", "ButtonStyle", "CheckboxStyle", "ToggleButtonStyle", "LabelStyle", "HTMLStyle"].map(
    (name): [string, () => w.Widget] => [`${name}Model`, () => new w.Style(name as w.StyleName)],
  ),
];

/** Values that differ from what the kernel chose where the schema leaves the choice to the library. */
const libraryDefaults: Record<string, Record<string, unknown>> = {
  // A dropdown selects its first option (ipywidgets does the same when given options).
  DropdownModel: { _options_labels: ["a", "b"], index: 0 },
};

describe("widget models against @jupyter-widgets/schema", () => {
  let record: ReturnType<typeof recordComms>;
  beforeEach(() => {
    record = recordComms();
  });
  afterEach(() => {
    w.setCommTransport(null);
  });

  it.each(makers)("%s opens with the schema's attributes, modules, versions and defaults", (modelName, make) => {
    const model = byName.get(modelName)!;
    expect(model, modelName).toBeDefined();
    const widget = make();
    const open = record.opens.get(widget.modelId)!;
    expect(open.metadata).toEqual({ version: "2.1.0" });
    const state = (open.data as { state: Record<string, unknown> }).state;
    expect(Object.keys(state).sort()).toEqual(model.attributes.map((a) => a.name).sort());
    expect(state).toMatchObject({
      _model_name: model.model.name,
      _model_module: model.model.module,
      _model_module_version: model.model.version,
      _view_name: model.view.name,
      _view_module: model.view.module,
      _view_module_version: model.view.version,
    });
    for (const attribute of model.attributes) {
      const value = state[attribute.name];
      if (attribute.type === "reference") {
        // "reference to new instance": a model of the named kind, opened before this one.
        const id = String(value).replace(/^IPY_MODEL_/, "");
        const referenced = (record.opens.get(id)?.data as { state: Record<string, unknown> } | undefined)?.state;
        expect(referenced?.["_model_name"], `${modelName}.${attribute.name}`).toBe(`${attribute.widget}Model`);
      } else {
        const expected = libraryDefaults[modelName]?.[attribute.name] ?? attribute.default;
        expect(value, `${modelName}.${attribute.name}`).toEqual(expected);
      }
    }
  });

  it.each(makers)("%s round-trips a front end's state made of the schema defaults", (modelName, make) => {
    const model = byName.get(modelName)!;
    const widget = make();
    const before = widget.serializedState();
    const fromFrontEnd: Record<string, unknown> = {};
    for (const attribute of model.attributes) {
      if (attribute.name.startsWith("_") || attribute.type === "reference") continue;
      fromFrontEnd[attribute.name] = libraryDefaults[modelName]?.[attribute.name] ?? attribute.default;
    }
    // Delivered as the front end's comm_msg would be; the kernel echoes it and changes nothing.
    w.comms.receiveMessage(widget.modelId, { data: { method: "update", state: fromFrontEnd, buffer_paths: [] }, buffers: [], metadata: {}, msgId: "m" });
    expect(widget.serializedState()).toEqual(before);
    const echoes = record.sent.filter((s) => s.commId === widget.modelId);
    expect(echoes.map((s) => s.data["method"])).toEqual(Object.keys(fromFrontEnd).length > 0 ? ["echo_update"] : []);
  });

  it("saves the widget state a run leaves in the schema's state format, with buffers as base64", () => {
    const slider = new w.IntSlider({ value: 3 });
    const spec = { modelName: "ArrayModel", modelModule: "test", modelModuleVersion: "1.0.0", viewName: "ArrayView", viewModule: "test", viewModuleVersion: "1.0.0" };
    const array = new w.Widget(spec, { data: { key: "data", kind: "json", default: null } }, { data: { bytes: new Uint8Array([1, 2, 3]) } });
    slider.value = 7;
    const gone = new w.Label();
    gone.close();
    const recorder = new WidgetStateRecorder();
    for (const message of record.messages) recorder.handle(message);
    const saved = recorder.state()!;
    for (const key of stateSchema.required) expect(saved).toHaveProperty(key);
    expect(saved.version_major).toBe(2);
    expect(saved.state[slider.modelId]).toMatchObject({ model_name: "IntSliderModel", model_module: "@jupyter-widgets/controls", model_module_version: "2.0.0" });
    expect(saved.state[slider.modelId]!.state["value"]).toBe(7);
    expect(saved.state[array.modelId]!.buffers).toEqual([{ path: ["data", "bytes"], data: Buffer.from([1, 2, 3]).toString("base64"), encoding: "base64" }]);
    expect(saved.state[gone.modelId]).toBeUndefined();
    // Layout and style models are saved too: a front end needs them to draw the slider.
    expect(Object.values(saved.state).map((m) => m.model_name)).toEqual(expect.arrayContaining(["LayoutModel", "SliderStyleModel"]));
  });
});
