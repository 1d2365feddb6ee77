// Filled in by the display layer.
export {};
