import { inspect } from "node:util";
import { jupyterDisplay, type Displayable, type MimeBundle } from "./mime-bundle.js";

/**
 * A rendered view (chart, counter, histogram) that shows itself through the display protocol.
 * Rendering is lazy: a figure over live state draws what the state holds when it is displayed.
 */
export class Figure implements Displayable {
  constructor(private readonly render: () => MimeBundle) {}

  /** The MIME bundle as of now. */
  bundle(): MimeBundle {
    return this.render();
  }

  [jupyterDisplay](): MimeBundle {
    return this.render();
  }

  toString(): string {
    return String(this.render()["text/plain"] ?? "");
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
