// "An email was queued": the core calls mailQueued() after committing an operation that wrote
// to the outbox, so that the app's sender delivers at once instead of at its next poll. Kept on
// globalThis because Next.js bundles instrumentation and the app's routes separately.
type Listener = () => void;

const g = globalThis as unknown as { __rosterMailListeners?: Set<Listener> };
const listeners = (g.__rosterMailListeners ??= new Set<Listener>());

export function mailQueued(): void {
  for (const listener of listeners) listener();
}

/** Subscribes to mailQueued(); returns the unsubscribe. */
export function onMailQueued(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
