/**
 * Alarm jitter, a dev/test knob (issue 14 item 6; docs/FINALITY.md "Timing
 * under production conditions"). On Cloudflare a Durable Object's alarm
 * arrives late (tens to hundreds of ms) and at least once, so now and then
 * twice; workerd on loopback delivers it on time and once. With DEV = "true"
 * and ALARM_JITTER_MS = "<max>", each delivery of the coordinator's alarm runs
 * its handler a drawn 0..max ms late, and one delivery in DOUBLE_EVERY is
 * followed by a second one, drawn late again from the first (so it may
 * overlap the first run or follow it).
 *
 * It only moves when the handler runs, never what the handler decides (it
 * reads the clock as before), so it tests that production is idempotent and
 * that finality holds its bound with late blocks. Draws come from a PRNG
 * seeded with ALARM_JITTER_SEED (default 1), so a run can be replayed; the
 * harness gives each node its own seed. Ignored unless DEV is "true".
 */

/** One alarm delivery in this many is delivered twice. */
export const DOUBLE_EVERY = 8;

export interface JitterEnv {
  DEV?: string;
  ALARM_JITTER_MS?: string;
  ALARM_JITTER_SEED?: string;
}

/**
 * mulberry32: a small seeded PRNG, uniform in [0, 1). Test timing only (the
 * link proxies use it too), never consensus.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The delays (ms) of the deliveries of each alarm, drawn in order: [late] or
 * [late, later] for a double delivery. Null when the knob is off (unset, 0,
 * or DEV not "true"); a malformed value throws, naming it.
 */
export function alarmJitter(env: JitterEnv): (() => number[]) | null {
  const max = env.ALARM_JITTER_MS?.trim();
  if (max === undefined || max === "" || max === "0") return null;
  if (env.DEV !== "true") {
    console.warn('coordinator: ALARM_JITTER_MS ignored: a dev/test knob, honoured only when DEV is "true"');
    return null;
  }
  if (!/^[1-9][0-9]{0,5}$/.test(max)) throw new Error(`invalid ALARM_JITTER_MS ${JSON.stringify(env.ALARM_JITTER_MS)}: whole ms, 0 to 999999`);
  const seedText = env.ALARM_JITTER_SEED?.trim() || "1";
  if (!/^[0-9]{1,10}$/.test(seedText)) throw new Error(`invalid ALARM_JITTER_SEED ${JSON.stringify(env.ALARM_JITTER_SEED)}: a whole number`);
  const random = seededRandom(Number(seedText));
  const late = () => Math.floor(random() * (Number(max) + 1));
  return () => {
    const first = late();
    return random() * DOUBLE_EVERY < 1 ? [first, first + late()] : [first];
  };
}
