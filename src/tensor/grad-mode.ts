// Whether ops record a graph: the global switch behind noGrad/enableGrad.

let enabled = true;

/** True when new ops record a graph for backward. */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` with graph recording off (like `with torch.no_grad():`); returns its result. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with graph recording on, e.g. inside a `noGrad` block. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/** Sets the mode directly (like `torch.set_grad_enabled`). */
export function setGradEnabled(flag: boolean): void {
  enabled = flag;
}

function withGradMode<T>(flag: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = flag;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
