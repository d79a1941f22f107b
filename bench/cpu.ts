/**
 * CPU time per request, two ways (BENCHMARKS.md "Worker CPU per request"):
 *   - the Worker's own time, from the dev header X-Worker-Ms (workers/lib/usage.ts): the edge's time
 *     for the request minus its waits for Durable Objects. Locally the clock runs during CPU work, so
 *     with one request at a time this is the edge Worker's CPU, what a Workers bill counts (the mean
 *     of a batch: the clock steps by whole milliseconds);
 *   - the CPU the node's workerd processes used (Linux /proc: user + system) over a batch of
 *     requests, divided by the count: the edge, the objects and the runtime's HTTP handling
 *     together (the objects' part is billed by duration on Cloudflare, not CPU).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** user + system ticks and the parent of process `pid`, from /proc/<pid>/stat (the name may hold spaces and parentheses). */
function stat(pid: string): { name: string; ppid: number; ticks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const f = text.slice(close + 2).split(" ");
    return { name: text.slice(text.indexOf("(") + 1, close), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null; // gone meanwhile
  }
}

let tick: number | undefined;

/** CPU ms used so far by the workerd processes under this one (the bench's nodes), or null off Linux. */
export function workerdCpuMs(): number | null {
  if (process.platform !== "linux") return null;
  tick ??= 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
  const all = new Map<number, { name: string; ppid: number; ticks: number }>();
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    const s = stat(pid);
    if (s !== null) all.set(Number(pid), s);
  }
  const under = (pid: number): boolean => {
    for (let p = all.get(pid)?.ppid; p !== undefined && p > 1; p = all.get(p)?.ppid) if (p === process.pid) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, s] of all) if (s.name === "workerd" && under(pid)) ticks += s.ticks;
  return ticks * tick;
}

/** Per-request figures of a batch sent one at a time. */
export interface CpuSample {
  /**
   * X-Worker-Ms, the mean over the batch: the Worker's clock steps by whole milliseconds here, so a
   * single request reads 0 or 1 and only a mean over many says anything. Locally the objects run on
   * the Worker's thread, so a request whose turn came while a block was being built holds that wait too.
   */
  workerMs: number;
  /** workerd CPU ms over the batch ÷ its requests (null off Linux). */
  processMs: number | null;
}

/** Runs `send` `n` times one after another; `send` answers the X-Worker-Ms of its request. */
export async function cpuPerRequest(n: number, send: (i: number) => Promise<number>): Promise<CpuSample> {
  const before = workerdCpuMs();
  let own = 0;
  for (let i = 0; i < n; i++) own += await send(i);
  const after = workerdCpuMs();
  return { workerMs: own / n, processMs: before === null || after === null ? null : (after - before) / n };
}
