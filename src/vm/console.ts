/**
 * Contract console output (IOST's console.log/info/debug/warn/error): never
 * consensus, so it is not in the receipt. Whoever executes collects it with
 * `captureLogs` (the shard does when DEV is "true") and prints it; otherwise
 * the lines are dropped at the host boundary.
 */

export interface ContractLog {
  contract: string;
  level: string;
  text: string;
}

/** Bounds what one capture keeps (a dev aid, not an archive). */
const MAX_LINES = 1000;
const MAX_CHARS = 4096;

let sink: ContractLog[] | undefined;

/** Run `run` (synchronous) and return its value with the lines contracts logged meanwhile; `on = false` keeps none. */
export function captureLogs<T>(on: boolean, run: () => T): { value: T; logs: ContractLog[] } {
  const outer = sink;
  const logs: ContractLog[] = [];
  sink = on ? logs : undefined;
  try {
    return { value: run(), logs };
  } finally {
    sink = outer;
  }
}

/** The logger of one contract call, or undefined when nobody captures (the sandbox then skips the copy). */
export function contractLogger(contract: string): ((level: string, text: string) => void) | undefined {
  const logs = sink;
  if (!logs) return undefined;
  return (level, text) => {
    if (logs.length < MAX_LINES) logs.push({ contract, level, text: text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) + "…" : text });
  };
}
