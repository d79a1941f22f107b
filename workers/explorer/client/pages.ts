/** Detail views: a block, a tx with its receipt, an account, a contract with storage lookup. */
export const PAGES_JS = String.raw`
function txRows(txs) {
  return txs.map((tx) => {
    const code = tx.tx_receipt ? tx.tx_receipt.status_code : "";
    return [mono(link(["tx", tx.hash], short(tx.hash))), link(["account", tx.publisher], tx.publisher), tx.actions.map((a) => a.contract + "/" + a.action_name).join(", "), el("span", { class: statusClass(code) }, code)];
  });
}

async function blockPage(id) {
  const path = /^[0-9]+$/.test(id) ? "/getBlockByNumber/" + seg(id) + "/true" : "/getBlockByHash/" + seg(id) + "/true";
  const { status, block: b } = await rpc(path);
  const owner = await vpStorage("producerKeyToId", b.witness).catch(() => null);
  return [
    el("h1", {}, "Block #" + b.number),
    card(null, dl([
      ["status", status],
      ["hash", el("span", { class: "mono" }, b.hash)],
      ["parent", b.parent_hash ? link(["block", b.parent_hash], b.parent_hash, "mono") : "—"],
      ["time", fmtTime(b.time)],
      ["producer", [owner && owner !== "null" ? [link(["account", owner], owner), " "] : null, el("span", { class: "mono" }, b.witness)]],
      ["txs", b.tx_count],
      ["gas used", b.gas_usage],
      ["tx merkle root", el("span", { class: "mono" }, b.tx_merkle_hash || "—")],
      ["receipt merkle root", el("span", { class: "mono" }, b.tx_receipt_merkle_hash || "—")],
      ["info", el("pre", {}, b.orig_info || "")],
    ])),
    card("Transactions", table(["tx", "publisher", "actions", "status"], txRows(b.transactions || []), "no transactions")),
  ];
}

function receiptView(r) {
  if (!r) return el("p", { class: "muted" }, "no receipt yet");
  return [
    dl([
      ["status", el("span", { class: statusClass(r.status_code), id: "receipt-status" }, r.status_code)],
      ["message", r.message || "—"],
      ["gas used", r.gas_usage],
      ["RAM used", Object.entries(r.ram_usage || {}).map(([k, v]) => k + ": " + v).join(", ") || "—"],
      ["returns", el("pre", {}, JSON.stringify(r.returns || []))],
    ]),
    el("h2", {}, "Contract receipts"),
    table(["function", "content"], (r.receipts || []).map((x) => [x.func_name, mono(x.content)]), "none"),
  ];
}

async function txPage(hash) {
  const [found, receipt] = await Promise.all([rpc("/getTxByHash/" + seg(hash)), rpc("/getTxReceiptByTxHash/" + seg(hash)).catch((e) => ({ error: e }))]);
  const t = found.transaction;
  return [
    el("h1", {}, "Transaction " + short(hash)),
    card(null, dl([
      ["hash", el("span", { class: "mono" }, t.hash)],
      ["status", found.status],
      ["block", Number(found.block_number) >= 0 ? link(["block", found.block_number], "#" + found.block_number) : "not yet irreversible"],
      ["publisher", link(["account", t.publisher], t.publisher)],
      ["signers", (t.signers || []).join(", ") || "—"],
      ["time", fmtTime(t.time)],
      ["expiration", fmtTime(t.expiration)],
      ["gas ratio / limit", t.gas_ratio + " / " + t.gas_limit],
      ["amount limit", (t.amount_limit || []).map((a) => a.token + ": " + a.value).join(", ") || "—"],
      ["chain id", t.chain_id],
    ])),
    card("Actions", table(["contract", "action", "data"], t.actions.map((a) => [link(["contract", a.contract], a.contract), a.action_name, mono(a.data)]))),
    card("Receipt", receipt.error ? errorLine(receipt.error) : receiptView(receipt), { id: "receipt" }),
  ];
}

async function accountPage(name) {
  const [a, producer] = await Promise.all([rpc("/getAccount/" + seg(name) + "/true"), producerCard(name)]);
  const perms = Object.values(a.permissions || {}).map((p) => [p.name, mono(p.items.map((i) => i.id + " (weight " + i.weight + ")").join("\n")), p.threshold]);
  const mine = recentTxs().filter(({ tx }) => tx.publisher === a.name).map(({ tx }) => tx);
  const g = a.gas_info || {};
  const ram = a.ram_info || {};
  return [
    el("h1", {}, "Account " + a.name),
    card(null, dl([
      ["balance", el("span", { id: "account-balance" }, (a.balance_string || String(a.balance)) + " IOST")],
      ["gas", g.current_total + " (limit " + g.limit + ", +" + g.increase_speed + "/s)"],
      ["gas pledged", (g.pledged_info || []).map((p) => p.pledger + ": " + p.amount).join(", ") || "—"],
      ["RAM", ram.used + " used of " + ram.total + " bytes"],
      ["frozen", (a.frozen_balances || []).map((f) => f.amount + " until " + fmtTime(f.time)).join(", ") || "—"],
    ])),
    producer,
    card("Producer votes cast", votesCastView(a.vote_infos), { id: "account-votes" }),
    card("Permissions", table(["permission", "keys", "threshold"], perms)),
    card("Recent transactions published (last " + WINDOW + " blocks seen on the home page)", table(["tx", "publisher", "actions", "status"], txRows(mine), "none seen")),
  ].filter(Boolean);
}

function storageLookup(id) {
  const key = el("input", { name: "key", placeholder: "key", required: "" });
  const field = el("input", { name: "field", placeholder: "field (map key, optional)" });
  const out = el("pre", { id: "storage-result" }, "");
  const form = el("form", { class: "inline" }, [key, field, el("button", { type: "submit" }, "Look up")]);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    out.textContent = "…";
    try {
      const r = await rpc("/getContractStorage", { id, key: key.value, field: field.value, by_longest_chain: true });
      out.textContent = r.data;
    } catch (err) {
      out.textContent = "error: " + err.message;
    }
  });
  return [form, out];
}

async function contractPage(id) {
  const c = await rpc("/getContract/" + seg(id) + "/true");
  const abis = (c.abis || []).map((x) => [x.name, mono((x.args || []).join(", ")), (x.amount_limit || []).map((l) => l.token + ": " + l.value).join(", ")]);
  return [
    el("h1", {}, "Contract " + c.id),
    card(null, dl([["language", c.language], ["version", c.version]])),
    card("Storage", storageLookup(c.id)),
    card("ABI", table(["action", "args", "amount limit"], abis, "no ABI")),
    card("Code", el("pre", { id: "contract-code" }, c.language === "native" ? "native contract (built into the node)" : c.code || c.orig_code || "")),
  ];
}
`;
