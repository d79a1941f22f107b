/** `receipt <hash>`, `tx <hash>`, `block <number|hash>` and `chain`: reads. */
import { usage } from "../errors";
import { lines, print } from "../output";
import type { Command } from "./context";

function hashArg(hash: string | undefined): string {
  if (hash === undefined) throw usage("missing tx hash");
  return encodeURIComponent(hash);
}

export const receipt: Command = async ({ opts, client }, [hash]) => {
  const r = await client.get(`/getTxReceiptByTxHash/${hashArg(hash)}`);
  print(opts.json, r, () =>
    lines([
      ["tx", r.tx_hash],
      ["status", r.status_code],
      ["message", r.message || "-"],
      ["gas", r.gas_usage],
      ["returns", JSON.stringify(r.returns)],
      ...r.receipts.map((x: any): [string, string] => [`receipt ${x.func_name}`, x.content]),
    ]),
  );
};

export const tx: Command = async ({ opts, client }, [hash]) => {
  const r = await client.get(`/getTxByHash/${hashArg(hash)}`);
  const t = r.transaction;
  print(opts.json, r, () =>
    lines([
      ["tx", t.hash],
      ["status", r.status],
      ["block", r.block_number],
      ["publisher", t.publisher],
      ...t.actions.map((a: any, i: number): [string, string] => [`action ${i}`, `${a.contract}/${a.action_name} ${a.data}`]),
      ["result", t.tx_receipt ? t.tx_receipt.status_code : "-"],
    ]),
  );
};

export const chain: Command = async ({ opts, client }) => {
  const c = await client.get("/getChainInfo");
  print(opts.json, c, () =>
    lines([
      ["chain id", c.chain_id],
      ["head", c.head_block],
      ["LIB", c.lib_block],
      ["producers", c.witness_list.join(", ")],
    ]),
  );
};
