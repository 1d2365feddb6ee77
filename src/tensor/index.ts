// Filled in by the tensor layer.
export {};
