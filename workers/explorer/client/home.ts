/**
 * The home view: chain stats, a chart of txs per block and block time, the
 * latest blocks and txs, producers (producers.ts) and shards. It polls the node
 * every second and fetches only blocks it has not seen; the window of recent blocks is kept
 * for the chart and for the account page's "recent txs".
 */
export const HOME_JS = String.raw`
const WINDOW = 60;
const POLL_MS = 1000;
const recent = new Map(); // block number → block JSON with transactions

async function fetchNewBlocks(head) {
  const newest = recent.size ? Math.max(...recent.keys()) : -1;
  const from = Math.max(newest + 1, head - WINDOW + 1, 0);
  const numbers = [];
  for (let n = from; n <= head; n++) numbers.push(n);
  const blocks = await Promise.all(numbers.map((n) => rpc("/getBlockByNumber/" + n + "/true").then((r) => r.block)));
  for (const b of blocks) recent.set(Number(b.number), b);
  for (const n of [...recent.keys()]) if (n <= head - WINDOW) recent.delete(n);
}

function recentBlocks() {
  return [...recent.values()].sort((a, b) => Number(b.number) - Number(a.number));
}

function recentTxs() {
  const out = [];
  for (const b of recentBlocks()) for (const tx of b.transactions || []) out.push({ tx, block: b.number });
  return out;
}

function chart(blocks) {
  const asc = blocks.slice().reverse();
  const W = 1000, H = 160, PAD = 18;
  const counts = asc.map((b) => Number(b.tx_count));
  // Genesis carries the chain's fixed genesis time, not a production time: no gap to it.
  const gaps = asc.map((b, i) => (i === 0 || Number(asc[i - 1].number) === 0 ? null : Number((BigInt(b.time) - BigInt(asc[i - 1].time)) / 1000000n)));
  const maxTx = Math.max(1, ...counts);
  const maxGap = Math.max(1, ...gaps.filter((g) => g !== null));
  const step = (W - 2 * PAD) / Math.max(1, asc.length);
  const y = (v, max) => H - PAD - (v / max) * (H - 2 * PAD);
  const bars = counts.map((c, i) => svg("rect", { class: "bar", x: PAD + i * step + 1, y: y(c, maxTx), width: Math.max(1, step - 2), height: H - PAD - y(c, maxTx) }, svg("title", {}, "block " + asc[i].number + ": " + c + " txs")));
  const points = gaps.map((g, i) => (g === null ? null : (PAD + i * step + step / 2).toFixed(1) + "," + y(g, maxGap).toFixed(1))).filter(Boolean);
  return svg("svg", { class: "chart", viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "txs per block and block time" }, [
    ...bars,
    svg("polyline", { class: "line", points: points.join(" ") }),
    svg("text", { x: PAD, y: 12 }, "bars: txs per block (max " + maxTx + ")"),
    svg("text", { x: W - PAD, y: 12, "text-anchor": "end" }, "line: block time ms (max " + maxGap + ")"),
    svg("text", { x: PAD, y: H - 4 }, asc.length ? "#" + asc[0].number : ""),
    svg("text", { x: W - PAD, y: H - 4, "text-anchor": "end" }, asc.length ? "#" + asc[asc.length - 1].number : ""),
  ]);
}

function statsView(info, node) {
  const stat = (label, value, id) => el("div", { class: "stat", id }, [el("b", {}, value), el("span", { class: "muted" }, label)]);
  return el("div", { class: "stats" }, [
    stat("head block", info.head_block, "stat-head"),
    stat("irreversible (LIB)", info.lib_block, "stat-lib"),
    stat("chain id", info.chain_id),
    stat("network", info.net_name),
    stat("tx pool", node ? node.tx_pool_size : "?"),
    stat("head time", fmtTime(info.head_block_time)),
  ]);
}

function blocksView(blocks) {
  const rows = blocks.slice(0, 15).map((b) => [link(["block", b.number], "#" + b.number), mono(link(["block", b.hash], short(b.hash))), fmtTime(b.time), b.tx_count, producerLabel(b.witness)]);
  return table(["block", "hash", "time", "txs", "producer"], rows, "no blocks yet");
}

function txsView(txs) {
  const rows = txs.slice(0, 15).map(({ tx, block }) => {
    const code = tx.tx_receipt ? tx.tx_receipt.status_code : "";
    return [mono(link(["tx", tx.hash], short(tx.hash))), link(["account", tx.publisher], tx.publisher), tx.actions.map((a) => a.contract + "/" + a.action_name).join(", "), link(["block", block], "#" + block), el("span", { class: statusClass(code) }, code)];
  });
  return table(["tx", "publisher", "actions", "block", "status"], rows, "no txs in the last " + WINDOW + " blocks");
}

function shardsView(status, err) {
  if (err) return el("p", { class: "muted" }, "Per-shard status needs dev mode (GET /dev/status): " + err.message);
  const rows = status.shards.map((s) => [String(s.shard), String(s.head), String(s.lib), String(s.pool), s.work ? String(s.work.chunks) : "", s.work ? String(s.work.txs) : "", s.work ? String(s.work.ms) : "", mono(short(s.stateRoot))]);
  return table(["shard", "head", "LIB", "pool", "chunks", "txs", "work ms", "state root"], rows);
}

function homeView(alive) {
  const parts = { stats: el("div"), chart: el("div"), blocks: el("div"), txs: el("div"), producers: el("div"), shards: el("div"), error: el("div") };
  const view = el("div", {}, [
    parts.error,
    card(null, parts.stats),
    card("Txs per block and block time (last " + WINDOW + " blocks)", parts.chart),
    el("div", { class: "grid" }, [card("Latest blocks", parts.blocks, { id: "latest-blocks" }), card("Latest transactions", parts.txs, { id: "latest-txs" })]),
    card("Producers", parts.producers, { id: "producers" }),
    card("Shards", parts.shards, { id: "shards" }),
  ]);
  const tick = async () => {
    try {
      const [info, node, dev] = await Promise.all([rpc("/getChainInfo"), rpc("/getNodeInfo").catch(() => null), rpc("/dev/status").then((s) => [s, null], (e) => [null, e])]);
      await Promise.all([fetchNewBlocks(Number(info.head_block)), refreshProducers([...new Set([...(info.witness_list || []), ...(info.pending_witness_list || [])])])]);
      if (!alive()) return;
      const blocks = recentBlocks();
      parts.stats.replaceChildren(statsView(info, node));
      parts.chart.replaceChildren(chart(blocks));
      parts.blocks.replaceChildren(blocksView(blocks));
      parts.txs.replaceChildren(txsView(recentTxs()));
      parts.producers.replaceChildren(...producersView(info, blocks));
      parts.shards.replaceChildren(shardsView(dev[0], dev[1]));
      parts.error.replaceChildren();
    } catch (err) {
      if (alive()) parts.error.replaceChildren(card(null, errorLine(err)));
    }
    if (alive()) setTimeout(tick, POLL_MS);
  };
  tick();
  return view;
}
`;
