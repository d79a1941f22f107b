/**
 * /execTx on four shards (src/executor/dry-across.ts): the edge has the publisher's shard run the tx as one shard
 * would, fetching the records of other shards it reads (Shard.stateValues), so a transfer to an account of another
 * shard is answered with the gas of its final receipt, and nothing is written.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import type { ShardInternal } from "../../durable-objects/api";
import { MAX_READ_KEYS } from "../../src/sharding/reads";
import { shardOf } from "../../src/sharding/placement";
import { txToRequestJson } from "../../src/tx/index";
import { nodeEnv } from "../workers/helpers";
import { makeTx } from "../workers/txs";

const N = 4;
const remote = ["foundation", "producer000", "deadaddr"].find((a) => shardOf(a, N) !== shardOf("admin", N))!;

async function call(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const init = body === undefined ? {} : { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) };
  return (await (await SELF.fetch(`http://node${path}`, init)).json()) as Record<string, unknown>;
}

describe("/execTx of a tx crossing shards", () => {
  test("answers the final receipt's gas and RAM, and writes nothing", async () => {
    const balance = async () => (await call(`/getTokenBalance/${remote}/iost/true`)).balance;
    const before = await balance();
    const t = makeTx({ to: remote, amount: "2" });
    const dry = await call("/execTx", txToRequestJson(t.tx));
    expect(dry.status_code, JSON.stringify(dry)).toBe("SUCCESS");
    expect(await balance()).toBe(before);
    expect((await call("/sendTx", txToRequestJson(t.tx))).hash).toBe(t.hash);
    let final: Record<string, unknown> = {};
    for (let i = 0; i < 12 && final.status_code === undefined; i++) {
      await call("/dev/mine", { blocks: 1 });
      final = await call(`/getTxReceiptByTxHash/${t.hash}`);
    }
    const pick = (r: Record<string, unknown>) => ({ gas_usage: r.gas_usage, ram_usage: r.ram_usage, status_code: r.status_code, receipts: r.receipts });
    expect(pick(dry)).toEqual(pick(final));
  });

  test("a shard's stateValues answers head values of at most MAX_READ_KEYS strings, and refuses more", async () => {
    const home = nodeEnv.SHARD.getByName(`shard-${shardOf(remote, N)}`) as unknown as ShardInternal;
    const key = `m-token.iost-TB${remote}-iost`;
    const [[k, raw]] = (await home.stateValues([key])) as [string, string | null][];
    expect(k).toBe(key);
    // The raw value: the balance at full scale, then its payer.
    expect(raw).toMatch(/^i\d+@/);
    expect(await home.stateValues(["m-token.iost-TBnobody-iost"])).toEqual([["m-token.iost-TBnobody-iost", null]]);
    const many = Array.from({ length: MAX_READ_KEYS + 1 }, (_, i) => `b-x-${i}`);
    expect(await home.stateValues(many)).toEqual({ error: `keys: at most ${MAX_READ_KEYS} strings` });
    expect(await home.stateValues([5 as unknown as string])).toEqual({ error: `keys: at most ${MAX_READ_KEYS} strings` });
  });
});
