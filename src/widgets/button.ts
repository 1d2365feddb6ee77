// Button: clicks arrive from the front end as `custom` messages ({ event: "click" }).
import { controlsModule, defineAccessors, domTraits, identityTraits, spec, withParts } from "./dom-widget.js";
import { Layout, Style } from "./layout.js";
import { buttonStyles } from "./toggles.js";
import { trait } from "./traits.js";
import { Widget } from "./widget.js";

export interface ButtonOptions {
  description?: string;
  disabled?: boolean;
  buttonStyle?: "primary" | "success" | "info" | "warning" | "danger" | "";
  /** A Font Awesome icon name (without the fa- prefix). */
  icon?: string;
  tooltip?: string | null;
  layout?: Layout;
  style?: Style;
}

const buttonSpec = spec("Button", controlsModule);
const buttonTraits = {
  ...identityTraits(buttonSpec),
  ...domTraits,
  buttonStyle: trait("button_style", "string", "", buttonStyles),
  description: trait("description", "string", ""),
  disabled: trait("disabled", "bool", false),
  icon: trait("icon", "string", ""),
  style: trait("style", "widget", null),
};

export interface Button extends Required<Omit<ButtonOptions, "tooltip">> {
  tooltip: string | null;
}
/** A push button: `stop.onClick(() => (running = false))`. */
export class Button extends Widget {
  /** How many times the front end reported a click. */
  clicks = 0;
  private readonly clickHandlers: ((button: Button) => void)[] = [];

  constructor(options: ButtonOptions = {}) {
    super(buttonSpec, buttonTraits, withParts({ ...options }, { layout: () => new Layout(), style: () => new Style("ButtonStyle") }));
    this.onCustom((content) => {
      if (typeof content === "object" && content !== null && (content as { event?: unknown }).event === "click") this.click();
    });
  }

  /** Calls `handler` on every click; returns a function that removes it. */
  onClick(handler: (button: Button) => void): () => void {
    this.clickHandlers.push(handler);
    return () => {
      const at = this.clickHandlers.indexOf(handler);
      if (at >= 0) this.clickHandlers.splice(at, 1);
    };
  }

  /** Clicks the button from the kernel (runs the handlers as a front-end click does). */
  click(): void {
    this.clicks++;
    for (const handler of [...this.clickHandlers]) handler(this);
  }
}
defineAccessors(Button, Object.keys(buttonTraits));
