// ipywidgets message protocol 2.1 over real ZeroMQ, the kernel's side of what JupyterLab's widget
// manager does: comm_open with full state and buffer_paths, display through the widget-view MIME
// type, update both ways, echo_update, request_state, custom (Button clicks), the control comm, Output
// capture, and bad updates logged without harm. A second kernel checks the ipywidgets 6 dialect.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resultText, streamText, TestClient } from "./client.js";
import type { WireMessage } from "../../src/kernel/wire.js";

const viewMime = "application/vnd.jupyter.widget-view+json";

/** comm_open messages among outputs, by comm id. */
function openedModels(outputs: WireMessage[]): Map<string, WireMessage> {
  return new Map(outputs.filter((m) => m.header.msg_type === "comm_open").map((m) => [String(m.content["comm_id"]), m]));
}
const stateOf = (open: WireMessage): Record<string, unknown> => (open.content["data"] as { state: Record<string, unknown> }).state;
const commMsgs = (outputs: WireMessage[]): Record<string, unknown>[] =>
  outputs.filter((m) => m.header.msg_type === "comm_msg").map((m) => m.content["data"] as Record<string, unknown>);

describe("ipywidgets protocol 2.1 over ZeroMQ", () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start();
  });
  afterAll(async () => {
    await client?.close();
  });

  async function frontEnd(content: object, buffers: Uint8Array[] = []): Promise<WireMessage[]> {
    return client.idle(client.send("shell", "comm_msg", content, undefined, { buffers }));
  }

  let sliderId = "";

  it("opens an IntSlider with its full state, Layout and SliderStyle first, and displays it with a text fallback", async () => {
    const { reply, outputs } = await client.execute(`const steps = new widgets.IntSlider({ value: 4, min: 1, max: 16, description: "steps" });\nsteps`);
    expect(reply.content["status"]).toBe("ok");
    const models = openedModels(outputs);
    expect(models.size).toBe(3);
    const opens = [...models.values()];
    for (const open of opens) {
      expect(open.content["target_name"]).toBe("jupyter.widget");
      expect(open.metadata).toEqual({ version: "2.1.0" });
      expect((open.content["data"] as { buffer_paths: unknown }).buffer_paths).toEqual([]);
    }
    const [layout, style, slider] = opens.map(stateOf);
    expect(layout).toMatchObject({ _model_name: "LayoutModel", _model_module: "@jupyter-widgets/base", _model_module_version: "2.0.0", _view_name: "LayoutView" });
    expect(style).toMatchObject({ _model_name: "SliderStyleModel", _model_module: "@jupyter-widgets/controls", _view_name: "StyleView", _view_module: "@jupyter-widgets/base" });
    expect(slider).toMatchObject({
      _model_name: "IntSliderModel",
      _model_module: "@jupyter-widgets/controls",
      _model_module_version: "2.0.0",
      _view_name: "IntSliderView",
      _view_module: "@jupyter-widgets/controls",
      _view_module_version: "2.0.0",
      value: 4,
      min: 1,
      max: 16,
      step: 1,
      description: "steps",
      continuous_update: true,
      readout_format: "d",
    });
    sliderId = String(opens[2]!.content["comm_id"]);
    expect(slider!["layout"]).toBe(`IPY_MODEL_${String(opens[0]!.content["comm_id"])}`);
    expect(slider!["style"]).toBe(`IPY_MODEL_${String(opens[1]!.content["comm_id"])}`);
    const result = outputs.find((m) => m.header.msg_type === "execute_result")!;
    expect(result.content["data"]).toEqual({
      [viewMime]: { model_id: sliderId, version_major: 2, version_minor: 0 },
      "text/plain": "IntSlider(value=4, description='steps', max=16, min=1)",
    });
  });

  it("takes a front-end update, echoes it to every front end, and tells observers", async () => {
    await client.execute(`const changes: string[] = []; steps.observe((c) => changes.push(\`\${c.name}: \${c.old} -> \${c.new} (\${c.source})\`), "value");`);
    const sent = await frontEnd({ comm_id: sliderId, data: { method: "update", state: { value: 9 }, buffer_paths: [] } });
    expect(commMsgs(sent)).toEqual([{ method: "echo_update", state: { value: 9 }, buffer_paths: [] }]);
    expect(resultText((await client.execute("[steps.value, changes]")).outputs)).toBe("[ 9, [ 'value: 4 -> 9 (frontend)' ] ]");
  });

  it("clamps an out-of-range front-end value and sends the corrected value back", async () => {
    const sent = await frontEnd({ comm_id: sliderId, data: { method: "update", state: { value: 50 }, buffer_paths: [] } });
    expect(commMsgs(sent)).toEqual([
      { method: "echo_update", state: { value: 16 }, buffer_paths: [] },
      { method: "update", state: { value: 16 }, buffer_paths: [] },
    ]);
    expect(resultText((await client.execute("steps.value")).outputs)).toBe("16");
  });

  it("sends a kernel-side change as an update with only what changed", async () => {
    const { outputs } = await client.execute(`steps.value = 3; steps.set({ max: 20, description: "accumulation steps" }); steps.value`);
    expect(commMsgs(outputs)).toEqual([
      { method: "update", state: { value: 3 }, buffer_paths: [] },
      { method: "update", state: { description: "accumulation steps", max: 20 }, buffer_paths: [] },
    ]);
    expect(outputs.filter((m) => m.header.msg_type === "comm_msg").every((m) => m.content["comm_id"] === sliderId)).toBe(true);
  });

  it("refuses bad values from a cell with an error naming the widget, the trait and the value", async () => {
    const { reply } = await client.execute(`steps.value = 2.5`);
    expect(reply.content).toMatchObject({ status: "error", ename: "TraitError", evalue: "IntSlider.value must be a whole number, got 2.5" });
    const unknown = await client.execute(`new widgets.IntSlider({ valu: 3 } as never)`);
    expect(String(unknown.reply.content["evalue"])).toContain("IntSlider has no option 'valu'");
    const range = await client.execute(`steps.set({ min: 30 })`);
    expect(range.reply.content["evalue"]).toBe("IntSlider: min (30) must not exceed max (20)");
    expect(resultText((await client.execute("[steps.min, steps.max, steps.value]")).outputs)).toBe("[ 1, 20, 3 ]");
  });

  it("logs bad front-end updates (wrong type, unknown key, bad buffer paths, unknown method, min above max) and keeps the old values", async () => {
    const before = client.stderr.length;
    expect(await frontEnd({ comm_id: sliderId, data: { method: "update", state: { value: "abc" }, buffer_paths: [] } })).toEqual([]);
    expect(await frontEnd({ comm_id: sliderId, data: { method: "update", state: { nonsense: 1 } } })).toEqual([]);
    expect(await frontEnd({ comm_id: sliderId, data: { method: "update", state: {}, buffer_paths: [["value"]] } })).toEqual([]);
    expect(await frontEnd({ comm_id: sliderId, data: { method: "update", state: 7 } })).toEqual([]);
    expect(await frontEnd({ comm_id: sliderId, data: { method: "teleport" } })).toEqual([]);
    // Values that do not fit together are refused as a whole, and the front end gets the kernel's back.
    const reverted = await frontEnd({ comm_id: sliderId, data: { method: "update", state: { min: 50 }, buffer_paths: [] } });
    expect(commMsgs(reverted)).toEqual([{ method: "update", state: { min: 1 }, buffer_paths: [] }]);
    await expect.poll(() => client.stderr.slice(before), { timeout: 5000 }).toContain("IntSlider: min (50) must not exceed max (20); update ignored");
    const log = client.stderr.slice(before);
    expect(log).toContain("IntSlider.value must be a whole number, got 'abc'; ignored");
    expect(log).toContain("the front end set unknown key 'nonsense'; ignored");
    expect(log).toContain("buffer_paths names 1 buffer(s) but the message carries 0; update ignored");
    expect(log).toContain("update without a state object; ignored");
    expect(log).toContain('unknown widget message method "teleport"; ignored');
    expect(resultText((await client.execute("steps.value")).outputs)).toBe("3");
  });

  it("answers request_state with the full state", async () => {
    const sent = await frontEnd({ comm_id: sliderId, data: { method: "request_state" } });
    const [update] = commMsgs(sent);
    expect(update).toMatchObject({ method: "update", buffer_paths: [] });
    expect((update!["state"] as Record<string, unknown>)).toMatchObject({ _model_name: "IntSliderModel", value: 3, max: 20, description: "accumulation steps" });
  });

  it("answers the control comm's request_states with every widget's state", async () => {
    await client.idle(client.send("shell", "comm_open", { comm_id: "control-1", target_name: "jupyter.widget.control", data: {} }));
    const [reply] = commMsgs(await frontEnd({ comm_id: "control-1", data: { method: "request_states" } }));
    expect(reply!["method"]).toBe("update_states");
    const states = reply!["states"] as Record<string, Record<string, unknown>>;
    expect(states[sliderId]).toMatchObject({ _model_name: "IntSliderModel", value: 3 });
    expect(Object.values(states).map((s) => s["_model_name"])).toEqual(expect.arrayContaining(["LayoutModel", "SliderStyleModel", "IntSliderModel"]));
  });

  it("runs a Button's click handlers on a custom click message, printing under that message", async () => {
    const { outputs } = await client.execute(`const stopButton = new widgets.Button({ description: "Stop", buttonStyle: "danger" }); stopButton.onClick((b) => console.log("clicked", b.clicks)); stopButton`);
    const button = [...openedModels(outputs).values()].map(stateOf).find((s) => s["_model_name"] === "ButtonModel")!;
    expect(button).toMatchObject({ description: "Stop", button_style: "danger", _view_name: "ButtonView" });
    const id = [...openedModels(outputs).entries()].find(([, m]) => stateOf(m)["_model_name"] === "ButtonModel")![0];
    const click = await frontEnd({ comm_id: id, data: { method: "custom", content: { event: "click" } } });
    expect(streamText(click, "stdout")).toBe("clicked 1\n");
  });

  it("stops a running async loop from a Button click, and an FloatLogSlider change reaches the loop in flight", async () => {
    const setup = await client.execute(`
      const stop = new widgets.Button({ description: "Stop" });
      const lr = new widgets.FloatLogSlider({ value: 0.01, min: -4, max: 0, description: "lr" });
      let running = true;
      stop.onClick(() => (running = false));
      const seenLr: number[] = [];
      [stop.modelId, lr.modelId]`);
    const [stopId, lrId] = JSON.parse(resultText(setup.outputs)!.replace(/'/g, '"')) as [string, string];
    const loop = client.sendExecute(`
      let step = 0;
      console.log("training");
      while (running && step < 5000) {
        step++;
        if (seenLr[seenLr.length - 1] !== lr.value) seenLr.push(lr.value);
        await new Promise((r) => setTimeout(r, 2));
      }
      [step, seenLr]`);
    await client.inboxes.iopub.take((m) => m.parent_header.msg_id === loop && m.header.msg_type === "stream", 10_000, "loop started");
    await frontEnd({ comm_id: lrId, data: { method: "update", state: { value: 0.1 }, buffer_paths: [] } });
    await new Promise((r) => setTimeout(r, 100));
    await frontEnd({ comm_id: stopId, data: { method: "custom", content: { event: "click" } } });
    const outputs = await client.idle(loop);
    const [steps, lrs] = JSON.parse(resultText(outputs)!.replace(/'/g, '"').replace(/(\d)\s*,\s*\[/, "$1,[")) as [number, number[]];
    expect(steps).toBeLessThan(5000);
    expect(lrs).toEqual([0.01, 0.1]);
  });

  it("lets a busy loop that awaits only widgets.pollEvents() see a click while it runs", async () => {
    const setup = await client.execute(`const halt = new widgets.Button({ description: "Halt" }); let going = true; halt.onClick(() => (going = false)); halt.modelId`);
    const haltId = JSON.parse(resultText(setup.outputs)!.replace(/'/g, '"')) as string;
    const loop = client.sendExecute(`
      let spins = 0;
      console.log("spinning");
      const began = Date.now();
      while (going && Date.now() - began < 20_000) { spins++; if (spins % 1000 === 0) await widgets.pollEvents(); }
      [going, Date.now() - began < 20_000]`);
    await client.inboxes.iopub.take((m) => m.parent_header.msg_id === loop && m.header.msg_type === "stream", 10_000, "loop started");
    await frontEnd({ comm_id: haltId, data: { method: "custom", content: { event: "click" } } });
    expect(resultText(await client.idle(loop, 30_000))).toBe("[ false, true ]");
  });

  it("captures a cell's output into an Output widget (its msg_id names the request while capturing)", async () => {
    const run = client.sendExecute(`const out = new widgets.Output(); display(out); out.capture(() => console.log("inside")); console.log("outside")`);
    const outputs = await client.idle(run);
    const outId = [...openedModels(outputs).entries()].find(([, m]) => stateOf(m)["_model_name"] === "OutputModel")![0];
    const model = stateOf(openedModels(outputs).get(outId)!);
    expect(model).toMatchObject({ _model_module: "@jupyter-widgets/output", _model_module_version: "1.0.0", msg_id: "", outputs: [] });
    // msg_id set to this request before "inside", cleared after it: front ends route "inside" into the widget.
    const sequence = outputs
      .filter((m) => (m.header.msg_type === "comm_msg" && m.content["comm_id"] === outId) || m.header.msg_type === "stream")
      .map((m) => (m.header.msg_type === "stream" ? String(m.content["text"]) : JSON.stringify((m.content["data"] as { state: unknown }).state)));
    expect(sequence).toEqual([`{"msg_id":"${run}"}`, "inside\n", `{"msg_id":""}`, "outside\n"]);
  });

  it("reruns an interact function on each control change, its output captured", async () => {
    const { outputs } = await client.execute(`const ui = interact(({ n, loud }) => console.log(loud ? "N=" + n : "n=" + n), { n: [1, 9], loud: false }); await ui.lastRun; ui.values()`);
    expect(resultText(outputs)).toBe("{ n: 5, loud: false }");
    expect(streamText(outputs, "stdout")).toBe("n=5\n");
    const models = [...openedModels(outputs).entries()];
    const n = models.find(([, m]) => stateOf(m)["_model_name"] === "IntSliderModel")![0];
    const changed = await frontEnd({ comm_id: n, data: { method: "update", state: { value: 7 }, buffer_paths: [] } });
    expect(streamText(changed, "stdout")).toBe("n=7\n");
    expect(changed.some((m) => m.header.msg_type === "clear_output")).toBe(true);
    const shown = outputs.filter((m) => m.header.msg_type === "display_data").map((m) => (m.content["data"] as Record<string, unknown>)["text/plain"]);
    expect(shown).toEqual(["VBox(children=[IntSlider(value=5, description='n', max=9, min=1), Checkbox(value=false, description='loud'), Output()])"]);
  });

  it("carries binary values in a widget's state as buffers with buffer_paths, both ways", async () => {
    const { outputs } = await client.execute(`
      const spec = { modelName: "ArrayModel", modelModule: "test-arrays", modelModuleVersion: "1.0.0", viewName: "ArrayView", viewModule: "test-arrays", viewModuleVersion: "1.0.0" };
      const arr = new widgets.Widget(spec, { data: { key: "data", kind: "json", default: null } }, { data: { shape: [3], bytes: new Uint8Array([1, 2, 3]) } });
      arr.modelId`);
    const id = JSON.parse(resultText(outputs)!.replace(/'/g, '"')) as string;
    const open = openedModels(outputs).get(id)!;
    expect(open.content["data"]).toEqual({ state: expect.objectContaining({ data: { shape: [3] } }), buffer_paths: [["data", "bytes"]] });
    expect(open.buffers.map((b) => [...b])).toEqual([[1, 2, 3]]);
    await frontEnd({ comm_id: id, data: { method: "update", state: { data: { shape: [2] } }, buffer_paths: [["data", "bytes"]] } }, [new Uint8Array([7, 8])]);
    expect(resultText((await client.execute("[...(arr.get('data') as { bytes: Uint8Array }).bytes]")).outputs)).toBe("[ 7, 8 ]");
  });

  it("closes a widget's comm from the kernel, and forgets a widget the front end closed", async () => {
    const { outputs } = await client.execute(`const gone = new widgets.Label({ value: "bye" }); gone.close(); gone.closed`);
    expect(resultText(outputs)).toBe("true");
    const label = [...openedModels(outputs).entries()].find(([, m]) => stateOf(m)["_model_name"] === "LabelModel")![0];
    expect(outputs.some((m) => m.header.msg_type === "comm_close" && m.content["comm_id"] === label)).toBe(true);
    await client.idle(client.send("shell", "comm_close", { comm_id: sliderId, data: {} }));
    expect(resultText((await client.execute("steps.closed")).outputs)).toBe("true");
  });
});

describe("an ipywidgets 6 front end (widget protocol 1) over ZeroMQ", () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start();
  });
  afterAll(async () => {
    await client?.close();
  });

  it("is answered on jupyter.widget.version and then gets models from jupyter-js-widgets ~2.1, shown by a display message", async () => {
    const check = client.send("shell", "comm_open", { comm_id: "version-1", target_name: "jupyter.widget.version", data: {} });
    const asked = commMsgs(await client.idle(check));
    expect(asked).toEqual([{ version: "~2.1.0" }]);
    await client.idle(client.send("shell", "comm_msg", { comm_id: "version-1", data: { validated: true, frontend_version: "2.1.4" } }));

    const { outputs } = await client.execute(`const choice = new widgets.Dropdown({ options: [["SGD", "sgd"], ["Adam", "adam"]], value: "adam", description: "optimizer" }); choice`);
    const opens = [...openedModels(outputs).values()];
    const dropdown = opens.map((m) => m.content["data"] as Record<string, unknown>).find((d) => d["_model_name"] === "DropdownModel")!;
    expect(dropdown).toMatchObject({ _model_module: "jupyter-js-widgets", _model_module_version: "~2.1.0", _view_name: "DropdownView", value: "Adam", _options_labels: ["SGD", "Adam"] });
    // An unknown style model becomes the base StyleModel, which ipywidgets 6 has.
    expect(opens.map((m) => (m.content["data"] as Record<string, unknown>)["_model_name"])).toContain("StyleModel");
    const id = String(opens.find((m) => (m.content["data"] as Record<string, unknown>)["_model_name"] === "DropdownModel")!.content["comm_id"]);
    expect(commMsgs(outputs).filter((d) => d["method"] === "display")).toHaveLength(1);
    const result = outputs.find((m) => m.header.msg_type === "execute_result")!;
    expect((result.content["data"] as Record<string, unknown>)["text/plain"]).toBe("");

    // Protocol 1's backbone message, with the label as value.
    const sent = await client.idle(client.send("shell", "comm_msg", { comm_id: id, data: { method: "backbone", sync_data: { value: "SGD" } } }));
    expect(commMsgs(sent)).toEqual([]);
    expect(resultText((await client.execute("[choice.value, choice.label]")).outputs)).toBe("[ 'sgd', 'SGD' ]");
    const back = await client.execute(`choice.value = "adam"`);
    expect(commMsgs(back.outputs)).toEqual([{ method: "update", state: { index: 1, value: "Adam" }, buffers: [] }]);
  });
});
