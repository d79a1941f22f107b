/**
 * The cost bench's bill (bench/bill.ts): prices × usage past what the plan includes, the Free
 * plan's daily quotas as fractions, and docs/COST.md's price table equal to the module's.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { averageStoredGb, FREE, freeQuotaUse, monthlyBill, PAID, perDay, PRICES_CHECKED, type DailyUsage, type Rate } from "../../bench/bill";

const GB = 1024 ** 3;
const none: DailyUsage = { workerRequests: 0, objectRequests: 0, objectGbSeconds: 0, rowsRead: 0, rowsWritten: 0, storedBytes: 0, storedBytesPerDay: 0 };

describe("monthly bill on Workers Paid", () => {
  test("nothing used: the $5 minimum", () => {
    const b = monthlyBill(none);
    expect(b.total).toBe(5);
    expect(Object.values(b.lines)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test("each line charges only what is past the included amount", () => {
    // Per day ×30: 20 M Worker requests (10 M over), 2 M DO requests (1 M over), 500,000 GB-s (100,000 over),
    // 26 G rows read (1 G over), 60 M rows written (10 M over), 6 GB stored all month (1 GB over).
    const b = monthlyBill({
      workerRequests: 20e6 / 30,
      objectRequests: 2e6 / 30,
      objectGbSeconds: 500_000 / 30,
      rowsRead: 26e9 / 30,
      rowsWritten: 60e6 / 30,
      storedBytes: 6 * GB,
      storedBytesPerDay: 0,
    });
    expect(b.lines.workerRequests).toBeCloseTo(3, 9);
    expect(b.lines.objectRequests).toBeCloseTo(0.15, 9);
    expect(b.lines.objectGbSeconds).toBeCloseTo(1.25, 9);
    expect(b.lines.rowsRead).toBeCloseTo(1, 9);
    expect(b.lines.rowsWritten).toBeCloseTo(10, 9);
    expect(b.lines.storedGbMonths).toBeCloseTo(0.2, 9);
    expect(b.total).toBeCloseTo(5 + 3 + 0.15 + 1.25 + 1 + 10 + 0.2, 9);
  });

  test("the issue's idle node: 484 M rows written a month is about $434 of rows", () => {
    expect(monthlyBill({ ...none, rowsWritten: 484e6 / 30 }).lines.rowsWritten).toBeCloseTo(434, 6);
  });

  test("storage growing through the month is billed at its average", () => {
    const u = { ...none, storedBytes: 4 * GB, storedBytesPerDay: (4 * GB) / 30 };
    expect(averageStoredGb(u)).toBeCloseTo(6, 9);
    expect(monthlyBill(u).lines.storedGbMonths).toBeCloseTo(0.2, 9);
  });
});

describe("Workers Free daily quotas", () => {
  test("each dimension as a share of its quota; storage after 30 days", () => {
    const q = freeQuotaUse({
      workerRequests: 50_000,
      objectRequests: 25_000,
      objectGbSeconds: 13_000,
      rowsRead: 500_000,
      rowsWritten: 200_000,
      storedBytes: 1 * GB,
      storedBytesPerDay: (0.1 * GB) / 1,
    });
    expect(q).toEqual({ workerRequests: 0.5, objectRequests: 0.25, objectGbSeconds: 1, rowsRead: 0.1, rowsWritten: 2, storedGb: expect.closeTo(0.8, 9) });
  });

  test("a stretch's counts scale to a day", () => {
    const d = perDay({ workerRequests: 10, objectRequests: 20, objectGbSeconds: 1, rowsRead: 30, rowsWritten: 40, storedBytes: 1000, addedBytes: 60 }, 60);
    expect(d).toEqual({
      workerRequests: 14_400,
      objectRequests: 28_800,
      objectGbSeconds: 1440,
      rowsRead: 43_200,
      rowsWritten: 57_600,
      storedBytes: 1000,
      storedBytesPerDay: 86_400,
    });
  });
});

describe("docs/COST.md", () => {
  const doc = fs.readFileSync(path.join(__dirname, "../../docs/COST.md"), "utf8");
  /** The Free and Paid cells of a price row (the formatter pads the table). */
  const row = (name: string): [string, string] => {
    const cells = doc
      .split("\n")
      .map((l) => l.split("|").map((c) => c.trim()))
      .find((c) => c[1] === name);
    if (cells === undefined) throw new Error(`docs/COST.md has no price row "${name}"`);
    return [cells[2], cells[3]];
  };
  const n = (x: number) => x.toLocaleString("en-US");
  const paid = (r: Rate) => `${n(r.included)} / month + $${r.price} / million`;

  test("its price table is bench/bill.ts's, with the same date", () => {
    expect(doc).toContain(`checked ${PRICES_CHECKED}`);
    expect(row("Worker requests")).toEqual([`${n(FREE.workerRequests)} / day`, paid(PAID.workerRequests)]);
    expect(row("Durable Object requests")).toEqual([`${n(FREE.objectRequests)} / day`, paid(PAID.objectRequests)]);
    expect(row("Durable Object duration (GB-s)")).toEqual([`${n(FREE.objectGbSeconds)} / day`, paid(PAID.objectGbSeconds)]);
    expect(row("SQLite rows read")).toEqual([`${n(FREE.rowsRead)} / day`, paid(PAID.rowsRead)]);
    expect(row("SQLite rows written")).toEqual([`${n(FREE.rowsWritten)} / day`, paid(PAID.rowsWritten)]);
    expect(row("SQLite stored data")).toEqual([
      `${n(FREE.storedGb)} GB total`,
      `${n(PAID.storedGbMonths.included)} GB-month + $${PAID.storedGbMonths.price} / GB-month`,
    ]);
    expect(row("Workers Paid minimum")).toEqual(["–", `$${PAID.base} / month`]);
  });
});
