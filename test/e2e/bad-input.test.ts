/**
 * Every class of bad input gets IOST's error envelope (HTTP 400, code 2; code 12
 * for unknown routes) and changes nothing: balances, the chain's txs and the
 * pool stay as they were.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Account, Algorithm, balanceOf, expectSuccess, get, KeyPair, newAccountTx, post, raw, signTx, uniqueName, waitUntil } from "./helpers/sdk";
import { sdkTxHash } from "./helpers/txhash";
import { useNode } from "./helpers/node";

const node = useNode();
const target = uniqueName("tgt");

beforeAll(async () => {
  const kp = KeyPair.newKeyPair(Algorithm.Ed25519);
  await expectSuccess(node.client, newAccountTx(node.client, target, kp.B58PubKey(), kp.B58PubKey()));
});

interface Snapshot {
  admin: number;
  target: number;
  pool: string;
}

async function snapshot(): Promise<Snapshot> {
  // Wait for an empty pool so the comparison is not racing a pending tx.
  const pool = await waitUntil("an empty pool", async () => {
    const info = await get(node.url, "/getNodeInfo");
    return info.body?.tx_pool_size === "0" ? info.body.tx_pool_size : undefined;
  });
  return { admin: await balanceOf(node.client, "admin"), target: await balanceOf(node.client, target), pool };
}

/** A signed admin → target transfer as the SDK would post it, optionally tampered before signing. */
function transfer(amount = "1", tweak?: (tx: any) => void): any {
  const tx = node.client.iost.transfer("iost", "admin", target, amount, "");
  signTx(node.client, tx, node.client.admin);
  if (tweak) {
    tweak(tx);
    tx.publisher_sigs = [];
    node.client.admin.signTx(tx);
  }
  return tx;
}

/** IOST's error envelope: code 2, or 3 (`code`) for a request grpc-gateway could not decode. */
function expectEnvelope(r: { status: number; body: any; text: string }, message?: RegExp, code = 2): void {
  expect(r.status, r.text).toBe(400);
  expect(r.body.code, r.text).toBe(code);
  expect(typeof r.body.message).toBe("string");
  expect(Object.keys(r.body).sort()).toEqual(["code", "message"]);
  if (message) expect(r.body.message).toMatch(message);
}

async function expectRejectedAndNothingChanged(send: () => Promise<{ status: number; body: any; text: string }>, message?: RegExp, hash?: string, code = 2) {
  const before = await snapshot();
  const r = await send();
  expectEnvelope(r, message, code);
  // One block interval and a bit: a tx that slipped through would be in the pool or on chain by now.
  await new Promise((res) => setTimeout(res, 1200));
  expect(await snapshot()).toEqual(before);
  if (hash) expectEnvelope(await get(node.url, `/getTxByHash/${hash}`), /tx not found/);
}

describe("bad transactions change nothing", () => {
  it("bad publisher signature", async () => {
    const tx = transfer("1");
    const json = JSON.parse(JSON.stringify(tx));
    const sig = Buffer.from(json.publisher_sigs[0].signature, "base64");
    sig[0] ^= 0x40;
    json.publisher_sigs[0].signature = sig.toString("base64");
    await expectRejectedAndNothingChanged(() => post(node.url, "/sendTx", JSON.stringify(json)), /publisher error/);
  });

  it("a tx with the signature of a different tx (amount changed after signing)", async () => {
    const tx = transfer("1");
    const json = JSON.parse(JSON.stringify(tx));
    json.actions[0].data = JSON.stringify(["iost", "admin", target, "1000", ""]);
    json.amount_limit = [{ token: "iost", value: "1000" }];
    await expectRejectedAndNothingChanged(() => post(node.url, "/sendTx", JSON.stringify(json)), /publisher error/);
  });

  it("no publisher signature", async () => {
    const tx = transfer("1");
    const json = JSON.parse(JSON.stringify(tx));
    json.publisher_sigs = [];
    await expectRejectedAndNothingChanged(() => post(node.url, "/sendTx", JSON.stringify(json)), /publisher empty error/);
  });

  it("wrong chain id", async () => {
    const tx = transfer("1", (t) => t.setChainID(1024));
    await expectRejectedAndNothingChanged(() => post(node.url, "/sendTx", JSON.stringify(tx)), /invalid chain_id, should be 1020, yours:1024/, sdkTxHash(tx));
  });

  it("expired tx", async () => {
    const tx = transfer("1", (t) => {
      const now = Date.now() * 1e6;
      t.time = now - 200e9;
      t.expiration = now - 100e9;
    });
    await expectRejectedAndNothingChanged(() => post(node.url, "/sendTx", JSON.stringify(tx)), /expired/, sdkTxHash(tx));
  });

  it("tx from too far in the future", async () => {
    const tx = transfer("1", (t) => {
      const now = Date.now() * 1e6;
      t.time = now + 120e9;
      t.expiration = now + 200e9;
    });
    await expectRejectedAndNothingChanged(() => post(node.url, "/sendTx", JSON.stringify(tx)), /too large/, sdkTxHash(tx));
  });

  it("gas limit out of IOST's range", async () => {
    const tx = transfer("1", (t) => {
      t.gasLimit = 1000;
    });
    await expectRejectedAndNothingChanged(() => post(node.url, "/sendTx", JSON.stringify(tx)), /gas limit illegal/, sdkTxHash(tx));
  });

  it("a malformed transfer amount (CheckBadTx)", async () => {
    const tx = node.client.iost.callABI("token.iost", "transfer", ["iost", "admin", target, "1.123456789", ""]);
    tx.addApprove("iost", "2");
    signTx(node.client, tx, node.client.admin);
    await expectRejectedAndNothingChanged(() => post(node.url, "/sendTx", JSON.stringify(tx)), undefined, sdkTxHash(tx));
  });

  it("a publisher that does not exist", async () => {
    const kp = KeyPair.newKeyPair(Algorithm.Ed25519);
    const ghost = new Account("ghost_acct");
    ghost.addKeyPair(kp, "active");
    const tx = node.client.iost.transfer("iost", "ghost_acct", target, "1", "");
    signTx(node.client, tx, ghost);
    await expectRejectedAndNothingChanged(() => post(node.url, "/sendTx", JSON.stringify(tx)), undefined, sdkTxHash(tx));
  });

  it("a publisher signature by a key the account does not hold: dropped, never applied", async () => {
    // As in go-iost, /sendTx checks signatures against the tx, not against the
    // account; the publisher's permission is checked when the tx executes, and
    // an unauthorized tx is dropped without a receipt.
    const before = await snapshot();
    const stranger = new Account("admin");
    stranger.addKeyPair(KeyPair.newKeyPair(Algorithm.Ed25519), "active");
    const tx = node.client.iost.transfer("iost", "admin", target, "1", "");
    signTx(node.client, tx, stranger);
    const r = await post(node.url, "/sendTx", JSON.stringify(tx));
    if (r.status === 200) {
      const dropped = await waitUntil("the tx to be dropped", async () => {
        const t = await get(node.url, `/getTxByHash/${r.body.hash}`);
        return t.status === 400 ? t : undefined;
      });
      expectEnvelope(dropped);
      expectEnvelope(await get(node.url, `/getTxReceiptByTxHash/${r.body.hash}`));
    } else {
      expectEnvelope(r);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("a replayed tx: `tx exists…`, applied once", async () => {
    const tx = transfer("2");
    const body = JSON.stringify(tx);
    const before = await balanceOf(node.client, target);
    const first = await post(node.url, "/sendTx", body);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toEqual({ hash: sdkTxHash(tx), pre_tx_receipt: null });
    // Immediately (pending) and after it is on chain.
    const again = await post(node.url, "/sendTx", body);
    expectEnvelope(again, /tx exists/);
    await waitUntil("the receipt", async () => {
      const r = await get(node.url, `/getTxReceiptByTxHash/${first.body.hash}`);
      return r.status === 200 ? r.body : undefined;
    });
    await expectRejectedAndNothingChanged(() => post(node.url, "/sendTx", body), /tx exists/);
    expect(await balanceOf(node.client, target)).toBe(before + 2);
  });
});

describe("bad requests", () => {
  it("malformed JSON", async () => {
    await expectRejectedAndNothingChanged(() => post(node.url, "/sendTx", '{"gasRatio":1,"gasLimit":'), /invalid request body/, undefined, 3);
    expectEnvelope(await post(node.url, "/sendTx", ""), /invalid request body/);
    expectEnvelope(await post(node.url, "/getContractStorage", "{nope"), /invalid request body/, 3);
  });

  it("an oversized body", async () => {
    const huge = JSON.stringify({ ...JSON.parse(JSON.stringify(transfer("1"))), padding: "x".repeat(1024 * 1024) });
    await expectRejectedAndNothingChanged(() => post(node.url, "/sendTx", huge), /too large/);
  });

  it("a tx over 64 KiB (under the body cap) is refused by VerifySelf", async () => {
    const tx = node.client.iost.transfer("iost", "admin", target, "1", "m".repeat(70_000));
    signTx(node.client, tx, node.client.admin);
    await expectRejectedAndNothingChanged(() => post(node.url, "/sendTx", JSON.stringify(tx)), /tx size illegal/);
  });

  it("unknown account and unknown tx", async () => {
    expectEnvelope(await get(node.url, "/getAccount/nobody_here/true"), /^account not found$/);
    await expect(node.client.rpc.blockchain.getAccountInfo("nobody_here", 0)).rejects.toThrow(/account not found/);
    expectEnvelope(await get(node.url, "/getTxByHash/3mJr7AoUXx2Wqd"), /tx not found/);
    const receipt = await get(node.url, "/getTxReceiptByTxHash/3mJr7AoUXx2Wqd");
    expectEnvelope(receipt);
    expectEnvelope(await get(node.url, "/getBlockByNumber/999999999/true"));
  });

  it("unknown routes: code 12 Not Implemented", async () => {
    for (const path of ["/nothing", "/getTxReceiptByHash/abc", "/v1/getChainInfo"]) {
      const r = await get(node.url, path);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ code: 12, message: "Not Implemented" });
    }
  });

  it("CORS headers on the real node", async () => {
    const r = await raw(node.url, "/sendTx", {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:3000", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    expect(r.headers.get("access-control-allow-headers")).toBe("Content-Type,Accept");
  });
});
