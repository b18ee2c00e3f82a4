/**
 * Waits `ms`, or less when `signal` aborts. It always resolves, never rejects: a caller that must stop on
 * abort checks `signal.aborted` after (or throws its own CancelledError). The abort listener is removed
 * either way, so a long-lived signal does not collect one per wait.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
