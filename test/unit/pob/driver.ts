/** Drives a dev chain block by block through real base txs (shared by the PoB tests). */
import { baseTx } from "../../../src/consensus/base-tx";
import { slotNs, slotOf, slotOwner } from "../../../src/consensus/schedule";
import { executeBaseTx } from "../../../src/executor/base";
import { devGenesis, type GenesisConfig } from "../../../src/genesis/index";
import { ContractDB } from "../../../src/state/storage";
import { txHash } from "../../../src/tx/bytes";
import type { TxReceipt } from "../../../src/tx/types";
import { Chain } from "../executor/helpers";

export class BaseChain extends Chain {
  readonly config: GenesisConfig;
  number = 0n;
  parent: { time: bigint; witness: string };
  constructor(config: GenesisConfig = devGenesis(4)) {
    super(config);
    this.config = config;
    this.parent = { time: config.time, witness: "" };
  }
  get db(): ContractDB {
    return new ContractDB(this.state);
  }
  pending(): string[] {
    const v = this.db.get("vote_producer.iost", "pendingProducerList");
    return v && (v.t === "j" || v.t === "s") ? (JSON.parse(v.v) as string[]) : [];
  }
  /** The next block, `slots` slots after the parent's, by that slot's owner; runs its base tx and commits. */
  next(slots = 1n): TxReceipt {
    const p = this.config.consensus;
    const time = (slotOf(this.parent.time, p) + slots) * slotNs(p);
    const witness = slotOwner(this.pending(), time, p);
    this.number += 1n;
    const tx = baseTx({ chainId: this.config.chainId, number: this.number, time, parentWitness: this.parent.witness, parentTime: this.parent.time });
    const r = executeBaseTx(this.state, tx, txHash(tx), { chainId: this.config.chainId, number: this.number, time, parentHash: "p", witness });
    this.state.commit();
    this.parent = { time, witness };
    // User txs of the tests run in the same block as the last base tx.
    this.height = this.number;
    this.time = time;
    if (r.receipt.statusCode !== "SUCCESS") throw new Error(`base tx of block ${this.number} failed: ${r.receipt.message}`);
    return r.receipt;
  }
  counts(key: "witness_produced" | "witness_missed"): Record<string, number> {
    const v = this.db.get("base.iost", key);
    return v && v.t === "s" ? (JSON.parse(v.v) as Record<string, number>) : {};
  }
  /** Balance in smallest units. */
  bal(account: string, token = "iost"): bigint {
    const v = this.db.mget("token.iost", "TB" + account, token);
    return v && v.t === "i" ? v.v : 0n;
  }
  supply(token = "iost"): bigint {
    const v = this.db.mget("token.iost", "TI" + token, "supply");
    return v && v.t === "i" ? v.v : 0n;
  }
}
