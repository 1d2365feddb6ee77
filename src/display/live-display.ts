// A display that updates in place while its cell runs and, when the cell ends, gives way to a
// static display of its final state. Why: nbval (pytest --nbval) compares each output's *first*
// display_data with the saved output and ignores update_display_data, while a notebook saves a live
// display's *last* state. So the live output starts and ends as a blank image/png alone, which nbval
// (and tsgrad test) never compare, and the final state is a display of its own that both compare.
// Not an empty bundle: JupyterLab 4.6 cannot update an output that rendered nothing.
import { Figure } from "./figure.js";
import type { MimeBundle } from "./mime-bundle.js";
import { newDisplayIdFor, sendExactBundle, showDisplay, type DisplayHandle, type DisplayOptions } from "./output.js";

/** A 1×1 transparent PNG, marked in its metadata as a live display's slot. */
const blank: MimeBundle = { "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=" };
export const liveSlotMetadata = { tsgrad: { liveDisplay: true } };

// On globalThis, like the display sink, so the kernel's end-of-cell call reaches live displays made
// by a second copy of this module loaded through a cell's import.
const liveKey = Symbol.for("tsgrad.liveDisplays");
function running(): Set<LiveDisplay> {
  const holder = globalThis as { [liveKey]?: Set<LiveDisplay> };
  return (holder[liveKey] ??= new Set());
}

export class LiveDisplay {
  private readonly handle: DisplayHandle;
  private readonly liveView: Figure;
  private ended = false;

  /** `frame(final)` renders the current state; `final` is true once, for the static display at the end. */
  constructor(
    private readonly frame: (final: boolean) => MimeBundle,
    private readonly opts: DisplayOptions = {},
  ) {
    // Rendered when sent, so a throttled-away update costs no drawing.
    this.liveView = new Figure(() => this.frame(false));
    this.handle = sendExactBundle(blank, liveSlotMetadata, newDisplayIdFor(opts), false, opts);
    running().add(this);
    this.handle.update(this.liveView);
    this.handle.flush();
  }

  get displayId(): string {
    return this.handle.displayId;
  }

  /** Re-render in place (throttled); nothing once the cell has ended. */
  update(): void {
    if (!this.ended) this.handle.update(this.liveView);
  }

  /** Send a throttled, waiting update now. */
  flush(): void {
    if (!this.ended) this.handle.flush();
  }

  /** Empties the live output and shows the final state below the cell's other outputs. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    running().delete(this);
    this.handle.flush();
    sendExactBundle(blank, liveSlotMetadata, this.handle.displayId, true, this.opts);
    const final = this.frame(true);
    showDisplay(new Figure(() => final), { metadata: this.opts.metadata });
  }
}

/** Ends every live display still running; the kernel calls this when a cell finishes. */
export function endLiveDisplays(): void {
  for (const live of [...running()]) live.end();
}
