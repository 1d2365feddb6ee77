// Jupyter comms and ipywidgets-compatible widgets (protocol 2.1, @jupyter-widgets/controls 5).
// No kernel knowledge: the kernel installs a comm transport and feeds incoming comm messages in.
import "./legacy-protocol.js";
import "./control-comm.js";

export { Comm, CommClosedError } from "./comm.js";
export type { CommMessage, CommMessageHandler, JsonValue, SendOptions } from "./comm.js";
export { CommManager, comms } from "./comm-manager.js";
export type { CommTargetHandler, OpenOutcome } from "./comm-manager.js";
export { setCommTransport, currentCommTransport } from "./comm-transport.js";
export type { CommTransport } from "./comm-transport.js";
export { Widget, widgetById, liveWidgets, isWidget, widgetTarget, widgetViewMime, protocolVersion } from "./widget.js";
export type { ModelSpec, TraitChange, ChangeHandler, CustomHandler } from "./widget.js";
export { TraitError } from "./traits.js";
export { Layout, Style } from "./layout.js";
export type { LayoutOptions, StyleOptions, StyleName } from "./layout.js";
export { IntSlider, FloatSlider, FloatLogSlider } from "./sliders.js";
export type { SliderOptions, FloatLogSliderOptions } from "./sliders.js";
export { Checkbox, ToggleButton } from "./toggles.js";
export type { CheckboxOptions, ToggleButtonOptions } from "./toggles.js";
export { Button } from "./button.js";
export type { ButtonOptions } from "./button.js";
export { Dropdown } from "./dropdown.js";
export type { DropdownOptions, DropdownChoices } from "./dropdown.js";
export { Label, HTML } from "./text-widgets.js";
export type { TextOptions } from "./text-widgets.js";
export { IntProgress, Play } from "./progress.js";
export type { IntProgressOptions, PlayOptions } from "./progress.js";
export { HBox, VBox } from "./boxes.js";
export type { BoxOptions } from "./boxes.js";
export { Output } from "./output-widget.js";
export type { OutputOptions } from "./output-widget.js";
export { interact, interactive, Interactive, InteractHandle } from "./interact.js";
export type { ControlSpec, ValuesOf } from "./interact.js";
export { allStates } from "./control-comm.js";
export { pollEvents } from "./poll-events.js";
