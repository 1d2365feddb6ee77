// A cell's outputs as nbval's plugin (pytest --nbval) records them while the cell runs:
// display_data, execute_result, stream and error in the order they arrive; update_display_data and
// clear_output ignored (nbval leaves both unhandled). The saved notebook instead holds what those
// messages leave on screen (nbclient's rules, ./cell-outputs.ts), so a live display compares its
// *first* frame with its *last* under nbval. Compared with `compareOutputs`, this tells whether a
// notebook passes the real nbval; `tsgrad test` keeps checking the final states.
import { outputFromMessage } from "./cell-outputs.js";
import type { JupyterMessage } from "./messages.js";
import type { Output } from "./notebook-file.js";

const recorded = new Set(["display_data", "execute_result", "stream", "error"]);

export function nbvalOutputs(messages: readonly JupyterMessage[]): Output[] {
  return messages.flatMap((message) => {
    if (!recorded.has(message.header.msg_type)) return [];
    const output = outputFromMessage(message);
    return output ? [output] : [];
  });
}
