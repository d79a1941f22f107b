/**
 * A dApp's view: the real `iost` SDK 0.1.22 against a freshly started node.
 * Accounts are created with iost.newAccount (RAM and gas pledge), tokens move
 * with ed25519 and secp256k1 keys, receipts are followed with TxHandler, and
 * every read the SDK offers is checked for IOST's JSON shapes.
 */
import { describe, expect, it } from "vitest";
import {
  ADMIN_PUBKEY,
  Account,
  CHAIN_ID,
  Algorithm,
  balanceOf,
  expectSuccess,
  get,
  KeyPair,
  newAccountTx,
  newAccountTxAnyKey,
  post,
  signTx,
  uniqueName,
  waitUntil,
} from "./helpers/sdk";
import { useNode } from "./helpers/node";

const node = useNode();

const isIntString = (v: unknown) => typeof v === "string" && /^-?\d+$/.test(v);

describe("node", () => {
  it("getNodeInfo has IOST's shape (server_time in ns as a string)", async () => {
    const info = await node.client.rpc.net.getNodeInfo();
    expect(isIntString(info.server_time)).toBe(true);
    const skew = Number(BigInt(info.server_time) / 1_000_000n) - Date.now();
    expect(Math.abs(skew)).toBeLessThan(10_000);
    expect(isIntString(info.tx_pool_size)).toBe(true);
    expect(typeof info.mode).toBe("string");
  });

  it("getChainInfo: chain 1020, int64 as strings, and the chain advances", async () => {
    const a = await node.client.rpc.blockchain.getChainInfo();
    expect(a.chain_id).toBe(1020);
    for (const k of ["head_block", "lib_block"]) expect(isIntString(a[k]), k).toBe(true);
    expect(typeof a.head_block_hash).toBe("string");
    expect(Array.isArray(a.witness_list)).toBe(true);
    // An idle on-demand chain makes no block by itself (README "Dev conveniences"): mine one.
    expect((await post(node.url, "/dev/mine", "")).status).toBe(200);
    const later = await waitUntil("a new block", async () => {
      const b = await node.client.rpc.blockchain.getChainInfo();
      return Number(b.head_block) > Number(a.head_block) ? b : undefined;
    });
    expect(Number(later.lib_block)).toBeLessThanOrEqual(Number(later.head_block));
  });

  it("getGasRatio and getRAMInfo", async () => {
    const ratio = await node.client.rpc.blockchain.getGasRatio();
    expect(typeof ratio.lowest_gas_ratio).toBe("number");
    expect(typeof ratio.median_gas_ratio).toBe("number");
    const ram = await get(node.url, "/getRAMInfo");
    expect(ram.status, ram.text).toBe(200);
    for (const k of ["used_ram", "available_ram", "total_ram"]) expect(isIntString(ram.body[k]), k).toBe(true);
    expect(typeof ram.body.buy_price).toBe("number");
  });
});

describe("accounts and transfers through the SDK", () => {
  const edKey = KeyPair.newKeyPair(Algorithm.Ed25519);
  const edName = uniqueName("ed");
  const secpName = uniqueName("k1");
  let edAccount: any;
  let transferHash = "";

  it("admin is the genesis account with IOST's public dev key", async () => {
    const admin = await node.client.rpc.blockchain.getAccountInfo("admin", 1);
    expect(admin.name).toBe("admin");
    expect(admin.permissions.active.items[0].id).toBe(ADMIN_PUBKEY);
    expect(admin.permissions.owner.items[0].id).toBe(ADMIN_PUBKEY);
    expect(typeof admin.balance).toBe("number");
    expect(admin.balance).toBeGreaterThan(1000);
    expect(isIntString(admin.ram_info.available)).toBe(true);
    expect(typeof admin.gas_info.current_total).toBe("number");
    expect(Array.isArray(admin.frozen_balances)).toBe(true);
  });

  it("creates an ed25519 account with newAccount (RAM 1024, pledge 10)", async () => {
    const out = await expectSuccess(node.client, newAccountTx(node.client, edName, edKey.B58PubKey(), edKey.B58PubKey(), 1024, 10));
    expect(out.result.status_code).toBe("SUCCESS");
    expect(out.result.tx_hash).toBe(out.hash);
    expect(typeof out.result.gas_usage).toBe("number");
    expect(Array.isArray(out.result.returns)).toBe(true);
    expect(Array.isArray(out.result.receipts)).toBe(true);
    const acc = await node.client.rpc.blockchain.getAccountInfo(edName, 1);
    expect(acc.name).toBe(edName);
    expect(acc.permissions.active.items[0].id).toBe(edKey.B58PubKey());
    expect(Number(acc.ram_info.available)).toBeGreaterThan(0);
    expect(acc.gas_info.current_total).toBeGreaterThan(0);
    edAccount = new Account(edName);
    edAccount.addKeyPair(edKey, "owner");
    edAccount.addKeyPair(edKey, "active");
  });

  it("transfers admin → ed25519 account and back", async () => {
    const adminBefore = await balanceOf(node.client, "admin");
    const out = await expectSuccess(node.client, node.client.iost.transfer("iost", "admin", edName, "10.5", "hello"));
    transferHash = out.hash;
    const transfer = out.result.receipts.find((r: any) => r.func_name === "token.iost/transfer");
    expect(transfer?.content).toBe(JSON.stringify(["iost", "admin", edName, "10.5", "hello"]));
    expect(await balanceOf(node.client, edName)).toBe(10.5);
    expect(await balanceOf(node.client, "admin")).toBeCloseTo(adminBefore - 10.5, 6);

    // A new account's immediate gas is its pledge × 100,000 (10 IOST → 1,000,000): ask for less.
    const backTx = node.client.iost.transfer("iost", edName, "admin", "1.25", "");
    backTx.setGas(1, 100_000);
    const back = await expectSuccess(node.client, backTx, edAccount);
    expect(back.result.status_code).toBe("SUCCESS");
    expect(await balanceOf(node.client, edName)).toBe(9.25);
  });

  it("creates a secp256k1 account and transfers with its key", async () => {
    const kp = KeyPair.newKeyPair(Algorithm.Secp256k1);
    await expectSuccess(node.client, newAccountTxAnyKey(node.client, secpName, kp.B58PubKey(), 1024, 10));
    const acc = await node.client.rpc.blockchain.getAccountInfo(secpName, 1);
    expect(acc.permissions.active.items[0].id).toBe(kp.B58PubKey());
    await expectSuccess(node.client, node.client.iost.transfer("iost", "admin", secpName, "5", ""));
    const secpAccount = new Account(secpName);
    secpAccount.addKeyPair(kp, "owner");
    secpAccount.addKeyPair(kp, "active");
    // Several sends so that the SDK's short-signature bug is met and handled.
    for (const amount of ["1", "0.5", "0.25"]) {
      const tx = node.client.iost.transfer("iost", secpName, edName, amount, "");
      tx.setGas(1, 100_000);
      const out = await expectSuccess(node.client, tx, secpAccount);
      expect(out.result.status_code).toBe("SUCCESS");
    }
    expect(await balanceOf(node.client, secpName)).toBe(3.25);
    expect(await balanceOf(node.client, edName)).toBe(11);

    // Meet the SDK bug on purpose: a 63-byte signature is refused with the
    // envelope (and changes nothing); re-signing a re-timed tx gets through.
    let short: any;
    for (let i = 0; i < 2000 && !short; i++) {
      const tx = node.client.iost.transfer("iost", secpName, edName, "0.5", "");
      tx.setGas(1, 100_000);
      tx.setChainID(CHAIN_ID);
      tx.setTime(90, 0, node.client.iost.serverTimeDiff + i);
      secpAccount.signTx(tx);
      if (tx.publisher_sigs[0].sig.length < 64) short = tx;
    }
    expect(short, "no short secp256k1 signature in 2000 tries").toBeDefined();
    const refused = await post(node.url, "/sendTx", JSON.stringify(short));
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe(2);
    const retried = await expectSuccess(node.client, short, secpAccount);
    expect(retried.result.status_code).toBe("SUCCESS");
    expect(await balanceOf(node.client, secpName)).toBe(2.75);
    expect(await balanceOf(node.client, edName)).toBe(11.5);
  });

  it("getTokenBalance with both by_longest_chain forms", async () => {
    const head = await get(node.url, `/getTokenBalance/${edName}/iost/true`);
    expect(head.status).toBe(200);
    expect(head.body.balance).toBe(11.5);
    expect(Array.isArray(head.body.frozen_balances)).toBe(true);
    // LIB follows head on a one-producer devnet: give it a block.
    const lib = await waitUntil("LIB balance", async () => {
      const r = await get(node.url, `/getTokenBalance/${edName}/iost/0`);
      return r.body?.balance === 11.5 ? r : undefined;
    });
    expect(lib.status).toBe(200);
  });

  it("getTxByHash and the block that holds it", async () => {
    const found = await node.client.rpc.transaction.getTxByHash(transferHash);
    expect(found.status).toBe("IRREVERSIBLE");
    expect(isIntString(found.block_number)).toBe(true);
    expect(found.block_number).not.toBe("-1");
    const t = found.transaction;
    expect(t.hash).toBe(transferHash);
    expect(t.publisher).toBe("admin");
    expect(t.chain_id).toBe(1020);
    expect(isIntString(t.time)).toBe(true);
    expect(isIntString(t.expiration)).toBe(true);
    expect(t.gas_ratio).toBe(1);
    expect(t.gas_limit).toBe(2000000);
    expect(t.actions[0]).toEqual({ contract: "token.iost", action_name: "transfer", data: JSON.stringify(["iost", "admin", edName, "10.5", "hello"]) });
    expect(t.tx_receipt.status_code).toBe("SUCCESS");
    expect(t.signatures).toBeUndefined();

    const blk = await node.client.rpc.blockchain.getBlockByNum(Number(found.block_number), true);
    expect(blk.status).toBe("IRREVERSIBLE");
    expect(blk.block.number).toBe(found.block_number);
    expect(isIntString(blk.block.time)).toBe(true);
    expect(blk.block.transactions.map((x: any) => x.hash)).toContain(transferHash);
    const inBlock = blk.block.transactions.find((x: any) => x.hash === transferHash);
    expect(inBlock.tx_receipt.status_code).toBe("SUCCESS");

    const byHash = await node.client.rpc.blockchain.getBlockByHash(blk.block.hash, false);
    expect(byHash.block.number).toBe(found.block_number);
    expect(byHash.block.transactions).toEqual([]);

    const n = Number(found.block_number);
    const byContract = await post(node.url, "/getBlockTxsByContract", { from_block: n - 1, to_block: n, contract: "token.iost", action_name: "transfer" });
    expect(byContract.status, byContract.text).toBe(200);
    const entry = byContract.body.blocktx_list.find((b: any) => b.block_number === found.block_number);
    expect(entry.tx_list.map((x: any) => x.hash)).toContain(transferHash);
    const tooWide = await post(node.url, "/getBlockTxsByContract", { from_block: 0, to_block: 500, contract: "token.iost" });
    expect(tooWide.status).toBe(400);
  });

  it("getContractStorage shows token.iost's balance record TB<account>", async () => {
    const res = await node.client.rpc.blockchain.getContractStorage("token.iost", `TB${edName}`, "iost", true);
    expect(typeof res.data).toBe("string");
    // 11.5 iost with 8 decimals, stored as an int64.
    expect(res.data).toBe("1150000000");
    const missing = await node.client.rpc.blockchain.getContractStorage("token.iost", "TBnobody_here", "iost", true);
    expect(missing.data).toBe("null");
    const fields = await node.client.rpc.blockchain.getContractStorageFields("token.iost", `TB${edName}`, true);
    expect(fields.fields).toContain("iost");
    const batch = await post(node.url, "/getBatchContractStorage", {
      id: "token.iost",
      key_fields: [
        { key: `TB${edName}`, field: "iost" },
        { key: `TB${secpName}`, field: "iost" },
      ],
      by_longest_chain: true,
    });
    expect(batch.status, batch.text).toBe(200);
    expect(batch.body.datas).toEqual(["1150000000", "275000000"]);
  });

  it("getContract and getTokenInfo for system contracts", async () => {
    const c = await node.client.rpc.blockchain.getContract("token.iost", true);
    expect(c.id).toBe("token.iost");
    expect(c.language).toBe("native");
    expect(c.abis.map((a: any) => a.name)).toContain("transfer");
    const info = await get(node.url, "/getTokenInfo/iost/true");
    expect(info.status, info.text).toBe(200);
    expect(info.body.symbol).toBe("iost");
    expect(info.body.decimal).toBe(8);
    expect(isIntString(info.body.total_supply)).toBe(true);
    const none = await get(node.url, "/getTokenInfo/nosuch/true");
    expect(none.status).toBe(400);
    expect(none.body.code).toBe(2);
  });

  it("execTx dry-runs on head state and changes nothing", async () => {
    const before = await balanceOf(node.client, edName);
    const tx = node.client.iost.transfer("iost", "admin", edName, "2", "");
    signTx(node.client, tx, node.client.admin);
    const r = await post(node.url, "/execTx", JSON.stringify(tx));
    expect(r.status, r.text).toBe(200);
    expect(r.body.status_code).toBe("SUCCESS");
    await new Promise((res) => setTimeout(res, 1200));
    expect(await balanceOf(node.client, edName)).toBe(before);
    const found = await get(node.url, `/getTxByHash/${r.body.tx_hash}`);
    expect(found.status).toBe(400);
  });

  it("subscribe streams token.iost receipts of new blocks", async () => {
    const abort = new AbortController();
    const res = await fetch(`${node.url}/subscribe`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify({ topics: ["CONTRACT_RECEIPT"], filter: { contract_id: "token.iost" } }),
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const lines: string[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf("\n")) >= 0) {
          lines.push(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      }
    })().catch(() => {});
    await expectSuccess(node.client, node.client.iost.transfer("iost", "admin", edName, "0.125", "sub"));
    const line = await waitUntil("a subscribed event", async () => lines.find((l) => l.includes("0.125")), 10_000);
    const ev = JSON.parse(line).result.event;
    expect(ev.topic).toBe("CONTRACT_RECEIPT");
    expect(isIntString(ev.time)).toBe(true);
    abort.abort();
    await reading;
  });
});
