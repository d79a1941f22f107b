/**
 * `npm run bench -- --only reads` (issue #14 item 4): on a fresh default node (4 shards), the
 * Durable Object calls each read route costs (the edge's `X-Object-Calls` header: each is a
 * subrequest and a billed object request), first asked and asked again; then a repeated read
 * workload (an explorer: final blocks, receipts, the head) and the share of it the location's
 * cache answered (`X-Edge-Cache: HIT`) with the object calls per request.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { action, adminSigner, awaitReceipts, rpc, serverNow, signedTx } from "./lib";
import { startNode } from "../scripts/node";

interface Probe {
  status: number;
  calls: number;
  hit: boolean;
}

async function probe(url: string, path: string, body?: string): Promise<Probe> {
  const res = await fetch(url + path, body === undefined ? undefined : { method: "POST", body });
  await res.arrayBuffer();
  return { status: res.status, calls: Number(res.headers.get("X-Object-Calls") ?? "NaN"), hit: res.headers.get("X-Edge-Cache") === "HIT" };
}

export async function readsBench(shards: number, workload: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "iost-edge-bench-reads-"));
  const node = await startNode({ persist: dir, vars: { SHARD_COUNT: String(shards) } });
  const { url } = node;
  try {
    // A few transfers from admin, so that blocks, txs and receipts exist.
    const admin = adminSigner();
    const now = await serverNow(url);
    const txs = Array.from({ length: 20 }, (_, i) =>
      signedTx(admin, [action("token.iost", "transfer", ["iost", "admin", `producer00${i % 4}`, "1", `r${i}`])], now + BigInt(i)),
    );
    for (const t of txs) {
      const r = await rpc(url, "/sendTx", t.body);
      if (r.status !== 200) throw new Error(`transfer rejected: ${JSON.stringify(r.json)}`);
    }
    await awaitReceipts(
      url,
      txs.map((t) => t.hash),
      8,
      120_000,
    );
    // One more tx nothing has asked about yet (the receipts above are already in the cache), and a
    // chain long enough for go-iost's largest getBlockTxsByContract range below LIB.
    const fresh = signedTx(admin, [action("token.iost", "transfer", ["iost", "admin", "producer001", "1", "fresh"])], await serverNow(url));
    if ((await rpc(url, "/sendTx", fresh.body)).status !== 200) throw new Error("transfer rejected");
    const libNow = async () => Number((await rpc(url, "/getChainInfo")).json.lib_block);
    const sentAt = await libNow();
    while ((await libNow()) < Math.max(sentAt + 4, 101)) await new Promise((r) => setTimeout(r, 1_000));
    const lib = await libNow();
    const tx = fresh.hash;
    const inBlock = lib - 1;
    const blockHash = (await rpc(url, `/getBlockByNumber/${inBlock}/false`)).json.block.hash;
    const batch = JSON.stringify({ id: "token.iost", key_fields: Array.from({ length: 50 }, (_, i) => ({ key: "TIiost", field: `producer00${i % 4}` })) });
    const routes: [string, string, string?][] = [
      ["getChainInfo", "/getChainInfo"],
      ["getNodeInfo", "/getNodeInfo"],
      ["getGasRatio", "/getGasRatio"],
      ["getRAMInfo", "/getRAMInfo"],
      ["getBlockByNumber (final, complete)", `/getBlockByNumber/${inBlock}/true`],
      ["getBlockByHash (final, complete)", `/getBlockByHash/${blockHash}/true`],
      ["getTxByHash (final)", `/getTxByHash/${tx}`],
      ["getTxReceiptByTxHash (final)", `/getTxReceiptByTxHash/${tx}`],
      ["getAccount", "/getAccount/admin/true"],
      ["getTokenBalance", "/getTokenBalance/admin/iost/true"],
      ["getContractStorage", "/getContractStorage", JSON.stringify({ id: "token.iost", key: "TIiost", field: "admin" })],
      ["getBatchContractStorage (50 pairs)", "/getBatchContractStorage", batch],
      ["getBlockTxsByContract (101 blocks, final)", "/getBlockTxsByContract", JSON.stringify({ from_block: lib - 100, to_block: lib, contract: "token.iost" })],
      ["/p2p/blocks (50 blocks)", "/p2p/blocks?from=1&count=50"],
    ];
    console.log(`\nObject calls per read — ${shards} shards, LIB ${lib} (X-Object-Calls; "again": the same request once more)\n`);
    console.log("| read | object calls | again | answered again by |");
    console.log("|---|---|---|---|");
    for (const [name, path, body] of routes) {
      const first = await probe(url, path, body);
      const again = await probe(url, path, body);
      if (first.status !== 200) throw new Error(`${name}: HTTP ${first.status}`);
      console.log(
        `| ${name} | ${first.calls} | ${again.calls} | ${again.hit ? "the location's cache" : again.calls === 0 ? "the isolate (shared head)" : "the objects"} |`,
      );
    }
    console.log(`| /subscribe (a whole stream) | at most 49 (1 + 48 polls) | | |`);

    // An explorer-like workload: final blocks (complete), receipts, and the head, round robin.
    const heights = Array.from({ length: Math.min(lib, 40) }, (_, i) => lib - i);
    const paths = Array.from({ length: workload }, (_, i) =>
      i % 4 === 0
        ? "/getChainInfo"
        : i % 4 === 1
          ? `/getTxReceiptByTxHash/${txs[i % txs.length].hash}`
          : `/getBlockByNumber/${heights[i % heights.length]}/true`,
    );
    let hits = 0;
    let calls = 0;
    const start = performance.now();
    for (const p of paths) {
      const r = await probe(url, p);
      if (r.status !== 200) throw new Error(`${p}: HTTP ${r.status}`);
      hits += r.hit ? 1 : 0;
      calls += r.calls;
    }
    const ms = performance.now() - start;
    const finals = paths.filter((p) => p !== "/getChainInfo").length;
    console.log(
      `\nRepeated reads — ${workload} requests (¾ final blocks and receipts over ${heights.length} blocks and ${txs.length} txs, ¼ getChainInfo), one at a time\n`,
    );
    console.log("| measure | value |");
    console.log("|---|---|");
    console.log(`| cache hit rate of the final reads | ${((100 * hits) / finals).toFixed(1)} % |`);
    console.log(`| object calls per request | ${(calls / workload).toFixed(3)} |`);
    const blocks = paths.filter((p) => p.startsWith("/getBlockByNumber")).length;
    const before = (workload - finals) * 2 + blocks * (1 + shards) + (finals - blocks) * shards;
    console.log(
      `| object calls per request before (getChainInfo 2, a complete block 1 + ${shards}, a receipt ${shards}) | ${(before / workload).toFixed(3)} |`,
    );
    console.log(`| mean latency | ${(ms / workload).toFixed(2)} ms |`);
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
