/**
 * A tx running out of gas after a transfer to another shard is charged its gas limit, as on one shard: the receiver's
 * half of the transfer (a probe of the failed tx) counts no more gas than the tx had left (CrossReceipt `payer.gasLeft`),
 * and probes to several shards no more together (executor/probes.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { checkReceipt, type CrossReceipt, ReceiptRefused } from "../../../src/sharding/receipts";
import { joinedReceipts } from "../../../src/sharding/joined";
import { outReceiptsRoot, sentProof } from "../../../src/sharding/receipt-proof";
import { txId } from "../../../src/tx/bytes";
import { receiptToJson } from "../../../src/tx/view";
import { act, fakeKey, makeTx } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import { BLOCK_TIME, config, N, on, run, T0, txBy } from "./workload";

const LOOP = `class Loop {
  init() {}
  loop(n) { let s = 0; for (let i = 0; i < n; i++) { s += i; storage.put("k", String(s)); } return s; }
}
module.exports = Loop;`;

describe("out of gas after a transfer to another shard", () => {
  let one: SimChain;
  let four: SimChain;
  let loop = "";
  beforeAll(async () => {
    await vmReady();
    [one, four] = [new SimChain(config(), 1), new SimChain(config(), N)];
    const deploy = txBy(on(1), [act("system.iost", "setCode", [contractJson(LOOP, [{ name: "loop", args: ["number"] }])])]);
    for (const chain of [one, four]) expect((run(chain, deploy).receipt as { statusCode: string }).statusCode).toBe("SUCCESS");
    loop = `Contract${txId(deploy)}`;
  }, 120_000);

  /** `actions` by `from` with a gas limit of 300,000, run on both chains: N = 4's outcome, equal to one shard's. */
  const outOfGas = (from: string, actions: ReturnType<typeof act>[], time: bigint) => {
    const tx = makeTx(actions, {
      publisher: from,
      key: fakeKey(Number(from.slice(4))),
      time,
      gasLimit: 300_000n,
      amountLimit: [{ token: "*", value: "unlimited" }],
    });
    const b = run(four, tx);
    expect(b).toEqual(run(one, tx));
    return b;
  };

  it("is charged its gas limit, the receiver's half included, as one shard charges it", () => {
    const [from, to] = [on(1), on(2)];
    const b = outOfGas(from, [act("token.iost", "transfer", ["iost", from, to, "1", ""]), act(loop, "loop", [100000])], T0 + 999_999n);
    expect(b.receipt).toMatchObject({ gasUsage: 30_000_000n, message: expect.stringContaining("out of gas") });
  });

  it("in a forwarded part too: its probe's half counts no more than the part had left", () => {
    const [from, to] = [on(3), on(2)];
    // Both actions forwarded to the contract's shard (1): the transfer's credit to shard 2 is a probe of the failed part.
    const b = outOfGas(from, [act(loop, "loop", [1]), act("token.iost", "transfer", ["iost", from, to, "1", ""]), act(loop, "loop", [100000])], T0 + 999_998n);
    expect(b.receipt).toMatchObject({ gasUsage: 30_000_000n, message: expect.stringContaining("out of gas") });
  });

  // One shard runs the receiver's half inside the transfer: a limit it reaches there fails the tx "out of gas" before
  // the second action's own failure. N = 4's home run stays within it; the probe's half, capped at what was left, says
  // it ran out (ForwardResult credit `ranOut`), and the receipt takes one shard's message (combine.ts).
  it("a limit reached within a transfer's half, before a later action fails: out of gas, as on one shard", () => {
    const [from, to] = [on(0), on(2)];
    const actions = [act("token.iost", "transfer", ["iost", from, to, "1", ""]), act("token.iost", "transfer", ["iost", from, from, "1", "m".repeat(600)])];
    const at = (gasLimit: bigint, time: bigint) =>
      makeTx(actions, { publisher: from, key: fakeKey(Number(from.slice(4))), time, gasLimit, amountLimit: [{ token: "*", value: "unlimited" }] });
    // With room for the half, the second action's own error on both.
    const room = run(four, at(20_000n, T0 + 999_997n));
    expect(room).toEqual(run(one, at(20_000n, T0 + 999_997n)));
    expect(room.receipt).toMatchObject({ message: expect.stringContaining("running action Action{Contract: token.iost, ActionName: transfer") });
    const tx = at(14_000n, T0 + 999_996n);
    const b = run(four, tx);
    expect(b).toEqual(run(one, tx));
    expect(b.receipt).toMatchObject({ gasUsage: 1_400_000n, message: "out of gas" });
  });

  /** Transfers of 1 iost from shard 0 to each of `tos`, then one failing (its memo too large), run on both chains. */
  const halves = (tos: string[], gasLimit: bigint, time: bigint) => {
    const from = on(0);
    const tx = makeTx(
      [
        ...tos.map((to) => act("token.iost", "transfer", ["iost", from, to, "1", ""])),
        act("token.iost", "transfer", ["iost", from, from, "1", "m".repeat(600)]),
      ],
      { publisher: from, key: fakeKey(Number(from.slice(4))), time, gasLimit, amountLimit: [{ token: "*", value: "unlimited" }] },
    );
    const b = run(four.fork(), tx);
    expect(b).toEqual(run(one.fork(), tx));
    return { tx, receipt: b.receipt };
  };
  const memo = expect.stringContaining("error: memo too large");

  // Each probe counts up to what the tx had left where it lands; the home, where they all settle, counts them
  // together (executor/probes.ts): two halves within the limit one by one but not together run out at it.
  it("a limit reached within two transfers' halves on two shards: out of gas at the limit, as on one shard", () => {
    expect(halves([on(2), on(3)], 19_500n, T0 + 999_995n).receipt).toMatchObject({ gasUsage: 1_950_000n, message: "out of gas" });
  });

  // The home part and two halves use 20,394 gas, 25,994 with a third: that limit keeps the failure's message.
  it("halves on two or three shards reaching the limit exactly: the later action's error; one gas less: out of gas", () => {
    for (const [i, [tos, limit]] of (
      [
        [[on(2), on(3)], 20_394n],
        [[on(1), on(2), on(3)], 25_994n],
      ] as const
    ).entries()) {
      expect(halves([...tos], limit, T0 + 999_990n - 2n * BigInt(i)).receipt).toMatchObject({ gasUsage: limit * 100n, message: memo });
      expect(halves([...tos], limit - 1n, T0 + 999_989n - 2n * BigInt(i)).receipt).toMatchObject({ gasUsage: (limit - 1n) * 100n, message: "out of gas" });
    }
  });

  /** The loop's contract (shard 1) called, then transfers of 1 iost from shard 3 to each of `tos` and one failing, there. */
  const forwarded = (tos: string[], gasLimit: bigint, time: bigint) => {
    const from = on(3);
    const tx = makeTx(
      [
        act(loop, "loop", [1]),
        ...tos.map((to) => act("token.iost", "transfer", ["iost", from, to, "1", ""])),
        act("token.iost", "transfer", ["iost", from, from, "1", "m".repeat(600)]),
      ],
      { publisher: from, key: fakeKey(Number(from.slice(4))), time, gasLimit, amountLimit: [{ token: "*", value: "unlimited" }] },
    );
    const chain = four.fork();
    const b = run(chain, tx);
    expect(b).toEqual(run(one.fork(), tx));
    // The home's count of them is gone with the last.
    expect(chain.shards.flatMap((s) => [...s.store.keys()].filter((k) => k.startsWith("x-probes-")))).toEqual([]);
    return { tx, receipt: b.receipt };
  };

  // The part's probes each count up to what it left where they land; its settle says how many there are (CrossReceipt
  // `probes`), and the home counts them together against the gas it gives back, the one landing there waiting for it.
  it("a forwarded part's limit reached within two transfers' halves on two third shards: out of gas at the limit", () => {
    expect(forwarded([on(2), on(0)], 50_000n, T0 + 999_970n).receipt).toMatchObject({ gasUsage: 5_000_000n, message: "out of gas" });
  });

  // The parts and two halves use 51,694 gas, 57,294 with a third, whether one lands at the home (shard 3) or none does.
  it("a forwarded part's halves reaching the limit exactly: the later action's error; one gas less: out of gas", () => {
    for (const [i, [tos, limit]] of (
      [
        [[on(2), on(0)], 51_694n],
        [[on(2), on(3, 1)], 51_694n],
        [[on(0), on(2), on(3, 1)], 57_294n],
      ] as const
    ).entries()) {
      expect(forwarded([...tos], limit, T0 + 999_960n - 2n * BigInt(i)).receipt).toMatchObject({ gasUsage: limit * 100n, message: memo });
      expect(forwarded([...tos], limit - 1n, T0 + 999_959n - 2n * BigInt(i)).receipt).toMatchObject({ gasUsage: (limit - 1n) * 100n, message: "out of gas" });
    }
  });

  it("a peer's answer for it is checked as the home folds it: the settles' halves counted together, the home's row dropped", async () => {
    const chain = four.fork();
    const { tx } = halves([on(2), on(3)], 19_500n, T0 + 999_980n);
    chain.submit(tx);
    const hash = txId(tx);
    const at = chain.height + 1;
    chain.step({ time: BLOCK_TIME });
    const plain = chain.shards[0].results.get(hash)!.receipt!;
    // What was left, kept at the home until the last probe settles.
    const kept = () => [...chain.shards[0].store.keys()].filter((k) => k.startsWith("x-probes-"));
    expect(kept()).toEqual([`x-probes-${hash}`]);
    while (chain.shards[0].results.get(hash)!.pending > 0) chain.step({ time: BLOCK_TIME });
    expect(kept()).toEqual([]);
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    const info = (h: number) =>
      JSON.stringify({ chunks: chain.shards.map((s) => ({ shard: s.index, out_receipts_root: hex(outReceiptsRoot(s.outgoing.get(h) ?? [])) })) });
    const settles = chain.shards.flatMap((s) =>
      [...s.outgoing]
        .filter(([h, out]) => h > at && out.some((r) => r.txHash === hash && r.toShard === 0))
        .map(([h, out]) => ({ shard: s.index, height: h, proof: sentProof(out, 0) })),
    );
    expect(settles.map((x) => x.shard).sort()).toEqual([2, 3]);
    const shown = receiptToJson(chain.shards[0].results.get(hash)!.receipt!);
    expect(shown).toMatchObject({ gas_usage: 19_500, message: "out of gas" });
    const part = { sent: chain.shards[0].outgoing.get(at), settles, txs: [{ index: 0, shown }], tx_hashes: [hash] };
    const joined = await joinedReceipts(0, at, info(at), [{ receipt: plain, joined: true }], part, async (h) => info(h));
    expect("receipts" in joined && receiptToJson(joined.receipts.get(hash)!)).toEqual(shown);
  });

  it("ranOut rides only on a settle, as true", () => {
    const chain = four.fork();
    chain.submit(txBy(on(1), [act("token.iost", "transfer", ["iost", on(1), on(2), "1", ""])]));
    chain.step({ time: BLOCK_TIME });
    const [credit] = chain.inFlight().filter((r) => r.kind === "credit");
    const half = { gasReserved: 0, gasUsed: 1, gasRatio: "100", returns: [], receipts: [], ramUsage: {} };
    for (const ranOut of [true, "yes"])
      expect(() => checkReceipt({ ...credit, result: { ...half, credit: { publisher: on(1), ranOut: ranOut as true } } }, N)).toThrow(/refused: ranOut/);
  });

  it("probes ride only on a failed action's settle, as a count", () => {
    const chain = four.fork();
    const { tx } = forwarded([on(2), on(0)], 50_000n, T0 + 999_950n);
    chain.submit(tx);
    let settle: CrossReceipt | undefined;
    for (let i = 0; i < 4 && settle === undefined; i++) {
      chain.step({ time: BLOCK_TIME });
      settle = chain.inFlight().find((r) => r.kind === "settle" && r.probes !== undefined);
    }
    expect(settle).toMatchObject({ message: expect.stringContaining("memo too large"), probes: 2, halves: 2 });
    expect(() => checkReceipt(settle!, N)).not.toThrow();
    const result = settle!.result!;
    for (const forged of [
      { ...settle!, probes: -1 },
      { ...settle!, probes: 1.5 },
      { ...settle!, probes: "2" as unknown as number },
      { ...settle!, message: "", probes: 2 },
      { ...settle!, result: { ...result, credit: { publisher: on(3) } }, probes: 2 },
      { ...settle!, kind: "credit" as const, probes: 2 },
    ])
      expect(() => checkReceipt(forged, N), JSON.stringify(forged.probes)).toThrow(/refused: probes/);
  });

  it("a credit that is no probe carrying gasLeft, or a probe with a bad one, is refused", () => {
    const chain = four.fork();
    chain.submit(txBy(on(1), [act("token.iost", "transfer", ["iost", on(1), on(2), "1", ""])]));
    chain.step({ time: BLOCK_TIME });
    const [credit] = chain.inFlight().filter((r) => r.kind === "credit");
    expect(() => checkReceipt(credit, N)).not.toThrow();
    expect(() => checkReceipt({ ...credit, probe: true, payer: { ...credit.payer!, gasLeft: "0" } }, N)).not.toThrow();
    for (const forged of [
      { ...credit, payer: { ...credit.payer!, gasLeft: "0" } },
      { ...credit, probe: true as const, payer: { ...credit.payer!, gasLeft: "-1" } },
      { ...credit, probe: true as const, payer: { ...credit.payer!, gasLeft: 5 as unknown as string } },
    ])
      expect(() => checkReceipt(forged, N), JSON.stringify(forged.payer)).toThrow(ReceiptRefused);
  });
});
