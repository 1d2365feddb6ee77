// A widget whose value lies between min and max (sliders, progress bars, Play): min ≤ max is
// required, and a value outside is clamped, whether a cell or a front end set it.
import { TraitError } from "./traits.js";
import { Widget } from "./widget.js";

export class RangedWidget extends Widget {
  /** Where the value may lie: [min, max] (a log slider's is base**min to base**max). */
  protected valueRange(): [number, number] {
    return [this.get("min") as number, this.get("max") as number];
  }

  protected override validate(): void {
    const min = this.get("min") as number;
    const max = this.get("max") as number;
    if (min > max) throw new TraitError(`${this.kind}: min (${min}) must not exceed max (${max})`);
    const [lo, hi] = this.valueRange();
    this.adjust("value", Math.min(hi, Math.max(lo, this.get("value") as number)));
  }
}
