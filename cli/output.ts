/** Human output by default, JSON with --json; progress on stderr only when it is a terminal. */

export function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write((json ? JSON.stringify(value, null, 2) : human()) + "\n");
}

/** Aligned "label  value" lines. */
export function lines(pairs: [string, unknown][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${String(v)}`).join("\n");
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Runs `work` with a spinner on stderr; silent when stderr is not a terminal (pipes, CI, tests). */
export async function withSpinner<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return work();
  let i = 0;
  const started = Date.now();
  const timer = setInterval(() => {
    process.stderr.write(`\r${FRAMES[i++ % FRAMES.length]} ${label} ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }, 80);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    process.stderr.write("\r\x1b[K");
  }
}
