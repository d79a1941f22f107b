/**
 * Cloudflare's published prices and the bill arithmetic of `npm run bench -- --only cost`
 * (docs/COST.md "Prices" shows this table; test/node/bill.test.ts checks the two agree).
 * All figures in US dollars; "per day" quotas reset at 00:00 UTC.
 */

/** When the prices were read, and where. */
export const PRICES_CHECKED = "2026-12-03";
export const PRICE_SOURCES = [
  "https://developers.cloudflare.com/durable-objects/platform/pricing/",
  "https://developers.cloudflare.com/workers/platform/pricing/",
] as const;

/** One metered dimension on Workers Paid: what the month includes, and `price` dollars for each further `per` units. */
export interface Rate {
  included: number;
  price: number;
  per: number;
}

const M = 1_000_000;

export const PAID = {
  /** The plan's monthly minimum. */
  base: 5,
  workerRequests: { included: 10_000_000, price: 0.3, per: M },
  objectRequests: { included: 1_000_000, price: 0.15, per: M },
  /** Durable Object duration, GB-s (128 MB per active object, whatever it uses). */
  objectGbSeconds: { included: 400_000, price: 12.5, per: M },
  rowsRead: { included: 25_000_000_000, price: 0.001, per: M },
  rowsWritten: { included: 50_000_000, price: 1, per: M },
  /** SQLite stored data: GB-month (the average of each day's peak over the month). */
  storedGbMonths: { included: 5, price: 0.2, per: 1 },
} as const satisfies Record<string, Rate | number>;

/** Workers Free: per-day quotas (storage: the account's total). Over one, further operations of that kind fail. */
export const FREE = {
  workerRequests: 100_000,
  objectRequests: 100_000,
  objectGbSeconds: 13_000,
  rowsRead: 5_000_000,
  rowsWritten: 100_000,
  storedGb: 5,
} as const;

/** GB billed per second an object is active: 128 MB. */
export const OBJECT_GB = 128 / 1024;
export const DAYS_PER_MONTH = 30;

/** What a node (or a network) uses per day, and what it stores. */
export interface DailyUsage {
  workerRequests: number;
  objectRequests: number;
  objectGbSeconds: number;
  rowsRead: number;
  rowsWritten: number;
  /** Bytes stored now, and bytes added per day. */
  storedBytes: number;
  storedBytesPerDay: number;
}

export interface Bill {
  lines: Record<Exclude<keyof typeof PAID, "base">, number>;
  base: number;
  total: number;
}

const GB = 1024 ** 3;

function charge(units: number, rate: Rate): number {
  return (Math.max(0, units - rate.included) / rate.per) * rate.price;
}

/** Average GB stored over a month that starts at `storedBytes` and grows by `perDay`. */
export function averageStoredGb(u: DailyUsage): number {
  return (u.storedBytes + (u.storedBytesPerDay * DAYS_PER_MONTH) / 2) / GB;
}

/** A month (30 days) on Workers Paid. */
export function monthlyBill(u: DailyUsage): Bill {
  const m = (x: number) => x * DAYS_PER_MONTH;
  const lines = {
    workerRequests: charge(m(u.workerRequests), PAID.workerRequests),
    objectRequests: charge(m(u.objectRequests), PAID.objectRequests),
    objectGbSeconds: charge(m(u.objectGbSeconds), PAID.objectGbSeconds),
    rowsRead: charge(m(u.rowsRead), PAID.rowsRead),
    rowsWritten: charge(m(u.rowsWritten), PAID.rowsWritten),
    storedGbMonths: charge(averageStoredGb(u), PAID.storedGbMonths),
  };
  const total = PAID.base + Object.values(lines).reduce((a, b) => a + b, 0);
  return { lines, base: PAID.base, total };
}

/** Share of each Free-plan daily quota one day uses (1 = all of it); storage after 30 days against the account's 5 GB. */
export function freeQuotaUse(u: DailyUsage): Record<keyof typeof FREE, number> {
  return {
    workerRequests: u.workerRequests / FREE.workerRequests,
    objectRequests: u.objectRequests / FREE.objectRequests,
    objectGbSeconds: u.objectGbSeconds / FREE.objectGbSeconds,
    rowsRead: u.rowsRead / FREE.rowsRead,
    rowsWritten: u.rowsWritten / FREE.rowsWritten,
    storedGb: (u.storedBytes + u.storedBytesPerDay * DAYS_PER_MONTH) / GB / FREE.storedGb,
  };
}

/** Scales what was counted over `seconds` to a day. */
export function perDay(
  counted: Omit<DailyUsage, "storedBytes" | "storedBytesPerDay"> & { storedBytes: number; addedBytes: number },
  seconds: number,
): DailyUsage {
  const k = 86_400 / seconds;
  return {
    workerRequests: counted.workerRequests * k,
    objectRequests: counted.objectRequests * k,
    objectGbSeconds: counted.objectGbSeconds * k,
    rowsRead: counted.rowsRead * k,
    rowsWritten: counted.rowsWritten * k,
    storedBytes: counted.storedBytes,
    storedBytesPerDay: Math.max(0, counted.addedBytes) * k,
  };
}
