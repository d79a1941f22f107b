/**
 * Admission batching (issue 17, workers/lib/admission.ts): /sendTx requests in flight together
 * share shard calls, and each still gets exactly its own answer. A burst of transfers with bad
 * ones among them (refused at the edge or by the shard), the same tx three times, replay twins
 * and a publisher whose gas covers only some of its txs: every accepted tx is executed, every
 * refused one is nowhere, and the edge made fewer object calls than it had txs to admit.
 */
import { describe, expect, it } from "vitest";
import { fundedAccount, postText, send } from "./helpers/adversary";
import { Algorithm, KeyPair, signTx, waitUntil } from "./helpers/sdk";
import { sdkTxHash } from "./helpers/txhash";
import { useNode } from "./helpers/node";

const node = useNode();

/** The edge's object calls made by /sendTx so far (the dev cost meter of the isolate that answers). */
async function sendTxCalls(url: string): Promise<number> {
  const cost = (await send(url, "/dev/cost")).body;
  return cost.edge.routes["/sendTx"]?.objectCalls ?? 0;
}

describe("admission batching", () => {
  it("a concurrent burst: each request its own answer, accepted txs executed, refused ones nowhere, fewer shard calls than txs", async () => {
    const { client, url } = node;
    // 10 IOST pledged: gas for at most 3 pending txs asking 1,000,000 each.
    const pender = await fundedAccount(client, `pend${Date.now() % 100_000}`, { iost: "10", pledge: 10 });
    const transfer = (from: any, memo: string, gasLimit = 100_000) => {
      const tx = client.iost.transfer("iost", from.getID(), "admin", "0.01", memo);
      tx.gasLimit = gasLimit;
      signTx(client, tx, from);
      return tx;
    };
    const good = Array.from({ length: 40 }, (_, i) => transfer(client.admin, `g${i}`));
    const repeated = transfer(client.admin, "thrice");
    const twinOf = transfer(client.admin, "twin");
    const twin = transfer(client.admin, "twin");
    twin.time = twinOf.time;
    twin.expiration = twinOf.expiration;
    twin.publisher_sigs = [...twinOf.publisher_sigs];
    twin.addPublishSign("admin", KeyPair.newKeyPair(Algorithm.Ed25519));
    const pending = Array.from({ length: 6 }, (_, i) => transfer(pender, `p${i}`, 1_000_000));
    const forged = transfer(client.admin, "forged");
    const body = (tx: any) => JSON.stringify(tx);
    const forgedBody = body(forged).replace("forged", "forgeD"); // signed over other content
    const unknown = transfer(client.admin, "unknown");
    unknown.publisher = "nosuchacct1";

    const sends: { what: string; body: string; hash: string }[] = [
      ...good.map((tx, i) => ({ what: `good ${i}`, body: body(tx), hash: sdkTxHash(tx) })),
      ...[0, 1, 2].map((i) => ({ what: `repeated ${i}`, body: body(repeated), hash: sdkTxHash(repeated) })),
      { what: "twin's original", body: body(twinOf), hash: sdkTxHash(twinOf) },
      { what: "twin", body: body(twin), hash: sdkTxHash(twin) },
      ...pending.map((tx, i) => ({ what: `pender ${i}`, body: body(tx), hash: sdkTxHash(tx) })),
      { what: "forged", body: forgedBody, hash: "" },
      { what: "unknown publisher", body: body(unknown), hash: sdkTxHash(unknown) },
    ];
    expect(sdkTxHash(twin)).not.toBe(sdkTxHash(twinOf));
    const callsBefore = await sendTxCalls(url);
    const answers = await Promise.all(sends.map((s) => postText(url, "/sendTx", s.body)));
    const callsAfter = await sendTxCalls(url);

    const by = (what: string) => answers[sends.findIndex((s) => s.what === what)];
    const ok = (what: string) => expect(by(what).body, what).toEqual({ hash: sends.find((s) => s.what === what)!.hash, pre_tx_receipt: null });
    for (let i = 0; i < good.length; i++) ok(`good ${i}`);
    const repeats = [0, 1, 2].map((i) => by(`repeated ${i}`).body);
    expect(repeats.filter((b) => b.hash === sdkTxHash(repeated))).toHaveLength(1);
    expect(repeats.filter((b) => b.message === "tx exists in pending")).toHaveLength(2);
    // Whichever of the twins came first is pooled, the other refused as its replay.
    const twins = [by("twin's original").body, by("twin").body];
    expect(twins.filter((b) => b.hash !== undefined)).toHaveLength(1);
    expect(twins.filter((b) => /^tx exists in pending: \w+ has the same content and publisher signature$/.test(b.message))).toHaveLength(1);
    const penders = pending.map((_, i) => by(`pender ${i}`).body);
    const admitted = penders.filter((b) => b.hash !== undefined).length;
    expect(admitted).toBeGreaterThanOrEqual(1);
    expect(admitted).toBeLessThanOrEqual(3);
    for (const b of penders.filter((x) => x.hash === undefined)) {
      expect(b.message).toMatch(/^gas not enough: user pend\d+ has [\d.]+ < [\d.]+ \(the gas limits of its \d pending txs included\)$/);
    }
    expect(by("forged").body).toMatchObject({ code: 2, message: expect.stringMatching(/^VerifyError .*publisher error/) });
    expect(by("unknown publisher").body).toMatchObject({ code: 2, message: expect.stringContaining("nosuchacct1") });

    // All but the forged one reached a shard; the calls they made are fewer than they are.
    const reached = sends.length - 1;
    const calls = callsAfter - callsBefore;
    expect(calls).toBeGreaterThan(0);
    expect(calls, `${calls} object calls for ${reached} txs`).toBeLessThan(reached);

    const accepted = sends.filter((_, i) => answers[i].body.hash !== undefined).map((s) => s.hash);
    const refused = sends.filter((s, i) => answers[i].body.hash === undefined && s.hash !== "" && !accepted.includes(s.hash)).map((s) => s.hash);
    expect(new Set(accepted).size).toBe(accepted.length);
    expect(accepted.length).toBe(good.length + 1 + 1 + admitted);
    const final = await waitUntil(
      "every accepted tx final",
      async () => {
        const all = await Promise.all(accepted.map((h) => client.rpc.transaction.getTxByHash(h).catch(() => null)));
        return all.every((t) => t?.status === "IRREVERSIBLE") ? all : undefined;
      },
      60_000,
      500,
    );
    for (const t of final) expect(t.transaction.tx_receipt.status_code).toBe("SUCCESS");
    for (const h of refused) expect((await send(url, `/getTxByHash/${h}`)).body, h).toMatchObject({ code: 2 });
  });
});
