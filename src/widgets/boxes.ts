// HBox and VBox: lay their children out in a row or a column.
import { controlsModule, defineAccessors, domTraits, identityTraits, spec, withParts } from "./dom-widget.js";
import { Layout } from "./layout.js";
import { trait } from "./traits.js";
import { Widget } from "./widget.js";

export interface BoxOptions {
  boxStyle?: "success" | "info" | "warning" | "danger" | "";
  tooltip?: string | null;
  layout?: Layout;
}

function boxTraits(name: string) {
  const s = spec(name, controlsModule);
  return {
    s,
    traits: {
      ...identityTraits(s),
      ...domTraits,
      boxStyle: trait("box_style", "string", "", ["success", "info", "warning", "danger", ""]),
      children: trait("children", "widgets", []),
    },
  };
}

const hbox = boxTraits("HBox");
const vbox = boxTraits("VBox");

export interface HBox {
  children: Widget[];
  boxStyle: string;
  tooltip: string | null;
  layout: Layout;
}
/** Children side by side: `new HBox([steps, lr, stop])`. */
export class HBox extends Widget {
  constructor(children: Widget[] = [], options: BoxOptions = {}) {
    super(hbox.s, hbox.traits, withParts({ ...options, children }, { layout: () => new Layout() }));
  }
}
defineAccessors(HBox, Object.keys(hbox.traits));

export interface VBox extends HBox {}
/** Children one above the other. */
export class VBox extends Widget {
  constructor(children: Widget[] = [], options: BoxOptions = {}) {
    super(vbox.s, vbox.traits, withParts({ ...options, children }, { layout: () => new Layout() }));
  }
}
defineAccessors(VBox, Object.keys(vbox.traits));
