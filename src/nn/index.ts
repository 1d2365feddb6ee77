// Filled in by the nn layer.
export {};
