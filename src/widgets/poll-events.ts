// Widget events reach a cell only when it yields: the kernel reads comm messages between the
// cell's turns of the event loop. A loop that awaits this every few steps sees clicks and slider
// moves while it runs; a loop that never awaits sees them when the cell ends (as in ipykernel).

/** Lets the kernel serve the widget events that arrived meanwhile: `await widgets.pollEvents()`. */
export function pollEvents(): Promise<void> {
  // One turn of the event loop: I/O (the kernel's sockets) is polled before immediates run.
  return new Promise((resolve) => setImmediate(resolve));
}
