/**
 * README.md's "Compatibility" count stays true: the passed and total scenarios it states are those
 * of test/e2e/compat (an `it` passes, an `it.fails` is a known difference), and every known
 * difference is named in its list.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const DIR = join(ROOT, "test", "e2e", "compat");

it("README.md states test/e2e/compat's passed and total scenarios and names every known difference", () => {
  const sources = readdirSync(DIR)
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => readFileSync(join(DIR, f), "utf8"));
  const titles = (re: RegExp) => sources.flatMap((s) => [...s.matchAll(re)].map((m) => m[1]));
  const passing = titles(/^\s*it\(\s*"([^"]+)"/gm);
  const failing = titles(/^\s*it\.fails\(\s*"([^"]+)"/gm);
  const total = passing.length + failing.length;
  expect(total).toBeGreaterThanOrEqual(30);
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const pct = Math.floor((passing.length * 100) / total + 0.5);
  expect(readme).toContain(`**${passing.length} of ${total} scenarios pass (${pct} %).**`);
  const section = readme.slice(readme.indexOf("## Compatibility"));
  for (const t of failing) expect(section.replace(/\n\s*/g, " "), t).toContain(`\`${t}\``);
});
