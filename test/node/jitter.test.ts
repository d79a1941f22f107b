/**
 * The alarm-jitter knob (durable-objects/coordinator/jitter.ts) and the link
 * proxies' delay draws (scripts/link-proxy.ts): honoured only on a dev node,
 * malformed values refused by name, and the same seed gives the same timings.
 */
import { describe, expect, it } from "vitest";
import { alarmJitter, DOUBLE_EVERY, seededRandom } from "../../durable-objects/coordinator/jitter";
import { delayDraw } from "../../scripts/link-proxy";

const draws = <T>(next: () => T, n: number): T[] => Array.from({ length: n }, next);

describe("alarm jitter knob", () => {
  it("is off unless set, and ignored on a production node", () => {
    expect(alarmJitter({ DEV: "true" })).toBeNull();
    expect(alarmJitter({ DEV: "true", ALARM_JITTER_MS: "0" })).toBeNull();
    expect(alarmJitter({ DEV: "false", ALARM_JITTER_MS: "250" })).toBeNull();
    expect(alarmJitter({ ALARM_JITTER_MS: "250" })).toBeNull();
  });

  it("refuses malformed values, naming them", () => {
    expect(() => alarmJitter({ DEV: "true", ALARM_JITTER_MS: "-5" })).toThrow('invalid ALARM_JITTER_MS "-5": whole ms, 0 to 999999');
    expect(() => alarmJitter({ DEV: "true", ALARM_JITTER_MS: "1.5" })).toThrow(/invalid ALARM_JITTER_MS "1.5"/);
    expect(() => alarmJitter({ DEV: "true", ALARM_JITTER_MS: "250", ALARM_JITTER_SEED: "x" })).toThrow('invalid ALARM_JITTER_SEED "x": a whole number');
  });

  it("draws late deliveries within the bound, some twice, the same for the same seed", () => {
    const runs = draws(alarmJitter({ DEV: "true", ALARM_JITTER_MS: "250", ALARM_JITTER_SEED: "7" })!, 2000);
    expect(runs).toEqual(draws(alarmJitter({ DEV: "true", ALARM_JITTER_MS: "250", ALARM_JITTER_SEED: "7" })!, 2000));
    expect(runs).not.toEqual(draws(alarmJitter({ DEV: "true", ALARM_JITTER_MS: "250", ALARM_JITTER_SEED: "8" })!, 2000));
    for (const r of runs) {
      expect(r.length === 1 || r.length === 2).toBe(true);
      expect(r[0]).toBeGreaterThanOrEqual(0);
      expect(r[0]).toBeLessThanOrEqual(250);
      if (r.length === 2) expect(r[1] - r[0]).toBeGreaterThanOrEqual(0);
      if (r.length === 2) expect(r[1] - r[0]).toBeLessThanOrEqual(250);
    }
    const twice = runs.filter((r) => r.length === 2).length;
    expect(twice).toBeGreaterThan(2000 / DOUBLE_EVERY / 2);
    expect(twice).toBeLessThan((2000 / DOUBLE_EVERY) * 2);
    // Spread over the whole range, not stuck at one end.
    expect(Math.min(...runs.map((r) => r[0]))).toBeLessThan(25);
    expect(Math.max(...runs.map((r) => r[0]))).toBeGreaterThan(225);
  });
});

describe("link delay draws", () => {
  it("uniform whole ms in min..max, replayable by seed", () => {
    const a = draws(delayDraw({ minMs: 100, maxMs: 250, seed: 42 }), 1000);
    expect(a).toEqual(draws(delayDraw({ minMs: 100, maxMs: 250, seed: 42 }), 1000));
    expect(a.every((d) => Number.isInteger(d) && d >= 100 && d <= 250)).toBe(true);
    expect(Math.min(...a)).toBeLessThan(110);
    expect(Math.max(...a)).toBeGreaterThan(240);
    expect(draws(delayDraw({ minMs: 80, maxMs: 80, seed: 1 }), 5)).toEqual([80, 80, 80, 80, 80]);
    expect(draws(delayDraw(undefined), 3)).toEqual([0, 0, 0]);
    expect(() => delayDraw({ minMs: 200, maxMs: 100, seed: 1 })).toThrow("link delay wants whole ms 0 ≤ min ≤ max, got 200–100");
    expect(seededRandom(3)()).toBe(seededRandom(3)());
  });
});
