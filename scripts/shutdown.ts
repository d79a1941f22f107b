/**
 * Ctrl-C for the long-running scripts (`npm start`, `npm run network`): an
 * orderly stop (workerd closes its SQLite files), bounded in time.
 *
 * Why not process.removeAllListeners: wrangler installs SIGINT/SIGTERM
 * listeners that exit at once, and we must drop those; but removeAllListeners
 * also drops tsx's hidden listener (process.listeners() does not show it),
 * which tells the tsx parent that we handle the signal — without it tsx
 * SIGKILLs us about 30 ms later. Ctrl-C reaches us twice (from the terminal and
 * relayed by tsx), so a repeat within a second is the same one; a later one
 * exits at once.
 */
export function onInterrupt(what: string, stop: () => Promise<void>, timeoutMs: number): { stopping(): boolean } {
  let stoppingAt = 0;
  const handle = async (signal: string) => {
    if (stoppingAt !== 0) {
      if (Date.now() - stoppingAt > 1_000) process.exit(130);
      return;
    }
    stoppingAt = Date.now();
    console.log(`\n${signal}: stopping ${what}…`);
    const force = setTimeout(() => {
      console.error(`did not stop within ${timeoutMs / 1000} s; exiting`);
      process.exit(1);
    }, timeoutMs);
    force.unref();
    try {
      await stop();
      console.log("stopped.");
      process.exit(0);
    } catch (err) {
      console.error(`stopping failed: ${(err as Error).message}`);
      process.exit(1);
    }
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    for (const l of process.listeners(signal)) process.removeListener(signal, l);
    process.on(signal, () => void handle(signal));
  }
  return { stopping: () => stoppingAt !== 0 };
}
