/** Closes something gracefully when the process is asked to stop. */
export type Closer = (signal: NodeJS.Signals) => Promise<void>;

const SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];
const closers = new Set<Closer>();

/**
 * Closes `close` gracefully on SIGTERM and SIGINT (what `app.listen` does unless told
 * `signals: false`). One process listener per signal serves every registered app; it is
 * removed as soon as none is registered, so nothing leaks past `app.close()`.
 *
 * Once every app has closed, the signal is raised again with Vial's listeners gone, so the
 * process ends the way it would have without them (exit status 128 + signal number), unless
 * the program listens for that signal itself. A second Ctrl-C during the drain therefore stops
 * the process at once: the app unregisters when its close begins.
 *
 * Returns the function that unregisters `close`.
 */
export function closeOnSignals(close: Closer): () => void {
  if (closers.size === 0) for (const signal of SIGNALS) process.on(signal, onSignal);
  closers.add(close);
  return () => {
    if (!closers.delete(close) || closers.size > 0) return;
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
}

function onSignal(signal: NodeJS.Signals): void {
  const closing = [...closers].map((close) => close(signal));
  Promise.allSettled(closing).then(() => {
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}
