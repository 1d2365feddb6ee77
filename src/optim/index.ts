// Filled in by the optim layer.
export {};
