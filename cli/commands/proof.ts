/**
 * `proof <contract> <key> [field]`: fetches a storage entry with its proof (/getProof, docs/STATE.md
 * "Authenticated state") and checks it here, trusting nothing the node says but the block: the
 * proof against the root (src/state/proof.ts verifyProof), the root against the shard's chunk in
 * that block's header `info` (getBlockByNumber's `orig_info`) and the block's hash.
 */
import { verifyProof } from "../../src/state/proof";
import { CliError, usage } from "../errors";
import { lines, print } from "../output";
import type { Command } from "./context";

export const proof: Command = async ({ opts, client }, [id, key, field = ""]) => {
  if (id === undefined || key === undefined) throw usage("missing contract or key");
  const p = await client.post("/getProof", JSON.stringify({ id, key, field }));
  if (!verifyProof(p.state_root, p.key, p.value, p.proof)) throw new CliError(`the proof of ${p.key} does not verify against root ${p.state_root}`);
  if (p.block_hash === "") throw new CliError(`block ${p.block_number} is not made yet: ask again`);
  const { block } = await client.get(`/getBlockByNumber/${encodeURIComponent(p.block_number)}/false`);
  if (block.hash !== p.block_hash) throw new CliError(`block ${p.block_number} is ${block.hash} on this node, not ${p.block_hash}`);
  let roots: { shard: number; state_root: string }[];
  try {
    roots = JSON.parse(block.orig_info).chunks;
  } catch {
    throw new CliError(`block ${p.block_number} names no chunk roots`);
  }
  const chunk = roots.find((c) => c.shard === p.shard);
  if (chunk?.state_root !== p.state_root) throw new CliError(`root ${p.state_root} is not shard ${p.shard}'s in block ${p.block_number}`);
  print(opts.json, { ...p, verified: true }, () =>
    lines([
      ["key", p.key],
      ["value", p.value ?? "(absent)"],
      ["shard", p.shard],
      ["root", p.state_root],
      ["block", `${p.block_number} ${p.block_hash} (irreversible)`],
      ["proof", `${p.proof.siblings.length} siblings${p.proof.leaf ? ", another key's leaf" : ""}: verified`],
    ]),
  );
};
