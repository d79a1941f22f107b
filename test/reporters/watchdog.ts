/**
 * A vitest reporter for CI (`.ci/run`) that names what a quiet run is waiting on. vitest's default
 * reporter is silent off a terminal until a file ends, so a network file stuck in its 240 s hooks and
 * a pool that never starts the next file look alike (README "What runs where"). After QUIET_S
 * seconds without a test result or a file start or end (WATCHDOG_QUIET_S, default 180), and again
 * every QUIET_S while it stays quiet, it prints the files running (project, time, tests passed,
 * failed and still open) — or that none is, so vitest waits on a pool worker between files — and
 * the processes under vitest (workerd runtimes of the Durable Object pool or of started nodes).
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

const QUIET_S = Number(process.env.WATCHDOG_QUIET_S ?? 180);

export default class Watchdog implements Reporter {
  private running = new Map<TestModule, number>();
  private ended = 0;
  private last = Date.now();
  private reported = 0;
  private timer?: NodeJS.Timeout;

  onTestRunStart(): void {
    this.timer = setInterval(() => this.check(), 10_000);
    this.timer.unref(); // never what keeps vitest alive
  }

  onTestModuleStart(m: TestModule): void {
    this.running.set(m, Date.now());
    this.touch();
  }

  onTestModuleEnd(m: TestModule): void {
    this.running.delete(m);
    this.ended++;
    this.touch();
  }

  onTestCaseResult(): void {
    this.touch();
  }

  onTestRunEnd(): void {
    clearInterval(this.timer);
  }

  private touch(): void {
    this.last = Date.now();
    this.reported = 0;
  }

  private check(): void {
    const quiet = (Date.now() - this.last) / 1000;
    if (quiet < QUIET_S * (this.reported + 1)) return;
    this.reported++;
    const lines = [`[watchdog] ${Math.round(quiet)} s without a test result; ${this.ended} files ended`];
    if (this.running.size === 0) lines.push("  no file running: vitest waits on a pool worker before the next file or group");
    for (const [m, since] of this.running) {
      const states = [...m.children.allTests()].map((t) => t.result().state);
      const count = (s: string) => states.filter((x) => x === s).length;
      const file = path.relative(process.cwd(), m.moduleId);
      lines.push(
        `  running ${m.project.name} ${file}: ${Math.round((Date.now() - since) / 1000)} s, ${count("passed")} passed, ${count("failed")} failed, ${count("pending")} open`,
      );
    }
    lines.push(...descendants().map((p) => `  process ${p}`));
    console.error(lines.join("\n"));
  }
}

/** `pid elapsed-s cpu% command` of every process under this one (ps; none where ps is missing). */
function descendants(): string[] {
  let rows: { pid: number; ppid: number; line: string }[];
  try {
    rows = execFileSync("ps", ["-eo", "pid=,ppid=,etimes=,pcpu=,args="], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [pid, ppid, ...rest] = l.trim().split(/\s+/);
        return { pid: Number(pid), ppid: Number(ppid), line: `${pid} ${rest.join(" ").slice(0, 200)}` };
      });
  } catch {
    return [];
  }
  const mine = new Set([process.pid]);
  const out: string[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows)
      if (mine.has(r.ppid) && !mine.has(r.pid) && !r.line.includes(" ps -eo ")) {
        mine.add(r.pid);
        out.push(r.line);
        grew = true;
      }
  }
  return out;
}
