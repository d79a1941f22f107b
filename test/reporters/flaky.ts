/**
 * A vitest reporter for CI (`.ci/run`) that names every test passing only on a retry (the network
 * projects retry once: vitest.config.ts), with the error of each failed try, at the end of the run
 * and in test-artifacts/flaky.json. A retry lets a submission land past a slot missed on a loaded
 * machine; this keeps each such miss in the record, to be fixed as a failure would be.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Reporter, TestCase } from "vitest/node";

const OUT = "test-artifacts/flaky.json";

export default class Flaky implements Reporter {
  private flaky: { project: string; file: string; test: string; retries: number; errors: string[] }[] = [];

  onTestCaseResult(t: TestCase): void {
    const d = t.diagnostic();
    if (!d?.flaky) return;
    this.flaky.push({
      project: t.project.name,
      file: path.relative(process.cwd(), t.module.moduleId),
      test: t.fullName,
      retries: d.retryCount,
      // The message alone ("expected [ …(3) ] to deeply equal []", CI run 32) names neither the assertion nor what it
      // saw: the diff and the test file's frame do.
      errors: (t.result().errors ?? []).map((e) =>
        [
          e.message,
          e.diff,
          e.stack
            ?.split("\n")
            .find((l) => l.includes(".test.ts"))
            ?.trim(),
        ]
          .filter(Boolean)
          .join("\n"),
      ),
    });
  }

  onTestRunEnd(): void {
    mkdirSync(path.dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(this.flaky, null, 2)}\n`);
    if (this.flaky.length === 0) return;
    const lines = [`[flaky] ${this.flaky.length} test(s) passed only on a retry:`];
    for (const f of this.flaky) lines.push(`  ${f.project} ${f.file} > ${f.test} (${f.retries} retry)`, ...f.errors.map((e) => `    failed try: ${e}`));
    console.error(lines.join("\n"));
  }
}
