/**
 * The genesis state (go-iost consensus/genesis/genesis.go `genGenesisTx`,
 * config/genesis/genesis.yml). Block 0 bypasses every
 * authorization check, as IOST does.
 *
 * What runs, in IOST's order: issue.iost initGenesis (creates `iost`, issues each
 * holder's balance), auth.iost initAdmin, signUp of admin, foundation, every
 * producer and deadaddr (keys "0"), gas.iost pledge admin→admin, ram.iost
 * initAdmin + issue (the 30% reserve), RAM buy for admin, the reserve to the
 * foundation, RAM buys for producers, pledges admin→foundation and admin→each
 * producer. token721.iost is native and needs no genesis state. Not yet
 * deployed here (their modules do not exist yet): domain, bonus, vote,
 * vote_producer, base, exchange. No gas is charged for the genesis actions (IOST's genesis tx pays from deadaddr's empty gas).
 *
 * Optional `devAccounts` (not in IOST's genesis): signed up by admin after the
 * IOST steps, funded with a transfer from admin, a gas pledge and a RAM buy.
 */
import { Decimal } from "../amount.js";
import { argsJson } from "../contracts/args.js";
import { Cost } from "../contracts/cost.js";
import { Host, type BlockContext } from "../contracts/host.js";
import "../contracts/index.js";
import { monitorCall } from "../contracts/monitor.js";
import type { ConsensusParams } from "../consensus/params.js";
import { treeRoot } from "../state/tree.js";
import { State, type WriteSet } from "../state/state.js";
import { str } from "../state/storage.js";
import type { Store } from "../state/store.js";
import type { ContractReceipt } from "../tx/types.js";
import { DEV_ADMIN_PUBKEY, DEV_PRODUCERS } from "./dev-keys.js";
import { applyRewardsGenesis } from "./rewards.js";
import { applyVotingGenesis } from "./voting.js";

export interface GenesisAccount {
  id: string;
  owner: string;
  active: string;
  /** Whole IOST issued at genesis (decimal text). */
  balance: string;
}

export interface GenesisProducer extends GenesisAccount {
  /** Block-signing public key (base58). */
  signatureBlock: string;
}

export interface DevAccount {
  id: string;
  owner: string;
  active: string;
  /** IOST transferred from admin. */
  balance: string;
  /** IOST pledged by admin for the account's gas (≥ 1). */
  gasPledge: string;
  /** RAM bytes bought by admin for the account (0 = none). */
  ram: bigint;
}

export interface GenesisConfig {
  chainId: number;
  /** Genesis block time, ns. */
  time: bigint;
  admin: GenesisAccount;
  foundation: GenesisAccount;
  producers: GenesisProducer[];
  iost: { totalSupply: bigint; decimal: number };
  /** IOST pledged by admin for the foundation and each producer. */
  gasPledge: string;
  /** IOST admin pledges for its own gas. */
  adminGasPledge: string;
  ram: { initialTotal: bigint; increaseInterval: bigint; increaseAmount: bigint; reserve: bigint; initialBuy: bigint };
  devAccounts: DevAccount[];
  consensus: ConsensusParams;
}

/** IOST mainnet's values (go-iost common/witness.go, vote_producer.js, base.js). */
export function iostConsensus(producerNumber: number): ConsensusParams {
  return {
    blockIntervalNs: 500_000_000n,
    blocksPerSlot: 6,
    voteInterval: 1200,
    producerNumber,
    issueInterval: 172_800,
    minVote: 2_100_000n,
    voteLockSec: 604_800n,
    heartbeatNs: 0n,
  };
}

/**
 * The devnet's: one block per 0.5 s slot and a re-election every 20 blocks
 * (10 s), so rotation, elections and rewards show within seconds; IOST's vote
 * threshold and lock.
 */
export function devConsensus(producerNumber: number): ConsensusParams {
  return { ...iostConsensus(producerNumber), blocksPerSlot: 1, voteInterval: 20, issueInterval: 20 };
}

export { DEV_ADMIN_PUBKEY };
export const DEV_PRODUCER_PUBKEY = "6sNQa7PV2SFzqCBtQUcQYJGGoU7XaB6R4xuCQVXNZe6b";
/** 2018-11-10T11:04:05Z in ns. */
export const DEV_GENESIS_TIME = 1541847845_000_000_000n;

/**
 * IOST's dev chain (chain id 1020, go-iost config/genesis/genesis.yml) with the
 * first `producers` dev producers (src/genesis/dev-keys.ts; 1 = IOST's own dev
 * genesis, producer000 alone).
 */
export function devGenesis(producers = 1): GenesisConfig {
  if (!Number.isInteger(producers) || producers < 1 || producers > DEV_PRODUCERS.length) {
    throw new Error(`dev genesis: producers must be 1 to ${DEV_PRODUCERS.length}, not ${producers}`);
  }
  const initialTotal = 128n * 1024n * 1024n * 1024n;
  return {
    chainId: 1020,
    time: DEV_GENESIS_TIME,
    admin: { id: "admin", owner: DEV_ADMIN_PUBKEY, active: DEV_ADMIN_PUBKEY, balance: "21000000000" },
    foundation: { id: "foundation", owner: DEV_ADMIN_PUBKEY, active: DEV_ADMIN_PUBKEY, balance: "0" },
    producers: DEV_PRODUCERS.slice(0, producers).map((p) => ({ id: p.id, owner: p.pubkey, active: p.pubkey, signatureBlock: p.pubkey, balance: "0" })),
    iost: { totalSupply: 90_000_000_000n, decimal: 8 },
    gasPledge: "100",
    adminGasPledge: "100",
    ram: {
      initialTotal,
      increaseInterval: 600n,
      increaseAmount: (10n * (64n * 1024n * 1024n * 1024n)) / (365n * 24n * 60n),
      reserve: (initialTotal * 3n) / 10n,
      initialBuy: 100_000n,
    },
    devAccounts: [],
    consensus: devConsensus(producers),
  };
}

/**
 * The devnet admin's own gas pledge (IOST). An account as iost.js creates it (signUp, RAM buy,
 * pledge, transfer) costs about 106,000 gas, so IOST's 100 (a 30,000,000 gas limit, ~116 gas/s
 * back) stalls scripts after ~280 accounts. 1,000,000 IOST: a 3e11 gas limit (~2.8 million
 * accounts) refilled at ~1,157,000 gas/s (~940,000 accounts a day), so 10,000 accounts a day
 * never wait. Only with the public dev admin key, which a production node refuses (README
 * "Configuration"); the gas each tx uses does not depend on it.
 */
export const DEV_ADMIN_GAS_PLEDGE = "1000000";

/**
 * What a network's operator chooses about its genesis (wrangler vars, README
 * "Configuration"): the chain id, the producers (ids and block keys), the
 * admin key and the block interval; everything else is the dev genesis.
 */
export interface GenesisSpec {
  chainId: number;
  producers: readonly { id: string; pubkey: string }[];
  /** base58 pubkey owning admin and foundation (IOST's dev admin key by default). */
  adminKey: string;
  /** ms between two blocks: the chain's `blockIntervalNs` (stored by base.iost at genesis), which the coordinator's alarm also follows. */
  blockIntervalMs: number;
  /** ms: the chain's `heartbeatNs` (0: a block in every slot, as IOST; stored by base.iost at genesis when above 0). */
  heartbeatMs: number;
  /** Shard groups (the chain's `shardGroups`, stored by base.iost at genesis when above 1); absent: 1. */
  groups?: number;
}

/** The gas pledges genesis makes (below), [pledger, user]: admin's, for admin, the foundation, each producer and dev account. */
export function genesisPledges(config: GenesisConfig): [string, string][] {
  return [config.admin, config.foundation, ...config.producers, ...config.devAccounts].map((a) => [config.admin.id, a.id]);
}

export function genesisOf(spec: GenesisSpec): GenesisConfig {
  const base = devGenesis();
  const admin = spec.adminKey;
  return {
    ...base,
    chainId: spec.chainId,
    ...(admin === DEV_ADMIN_PUBKEY ? { adminGasPledge: DEV_ADMIN_GAS_PLEDGE } : {}),
    admin: { ...base.admin, owner: admin, active: admin },
    foundation: { ...base.foundation, owner: admin, active: admin },
    producers: spec.producers.map((p) => ({ id: p.id, owner: p.pubkey, active: p.pubkey, signatureBlock: p.pubkey, balance: "0" })),
    consensus: {
      ...devConsensus(spec.producers.length),
      blockIntervalNs: BigInt(spec.blockIntervalMs) * 1_000_000n,
      heartbeatNs: BigInt(spec.heartbeatMs) * 1_000_000n,
      ...((spec.groups ?? 1) > 1 ? { shardGroups: spec.groups } : {}),
    },
  };
}

export interface GenesisResult {
  /** Genesis block time, ns. */
  time: bigint;
  chainId: number;
  /** Every write, in canonical key order (already committed to the store). */
  writes: WriteSet;
  /** The authenticated state root of the writes (src/state/tree.ts). */
  stateRoot: Uint8Array;
  /** The receipts the genesis actions emitted, in order. */
  receipts: ContractReceipt[];
}

class GenesisError extends Error {}

/** What a genesis module gets: run an action without authorization checks, or code as a contract. */
export interface GenesisSteps {
  host: Host;
  /** Calls `contract/abi` with JSON args as the genesis tx does (no auth, no gas). */
  act(contract: string, abi: string, data: string): void;
  /** Runs `fn` as contract `id` (its storage, its authority for callWithAuth). */
  asContract(id: string, fn: (c: Cost) => void): void;
}

export function applyGenesis(store: Store, config: GenesisConfig): GenesisResult {
  const state = new State(store);
  const block: BlockContext = { chainId: config.chainId, number: 0n, time: config.time, parentHash: "", witness: "0" };
  const h = new Host(
    state,
    block,
    {
      publisher: "deadaddr",
      hash: "",
      time: 0n,
      expiration: 0n,
      gasRatio: 100n,
      gasLimit: 100_000_000_000n,
      amountLimit: [{ token: "*", value: "unlimited" }],
      // Block 0's: older than every tx's.
      ord: "",
      actions: [],
      authList: new Map(),
      signerList: new Set(["deadaddr@active"]),
    },
    monitorCall,
  );
  h.gasLimit = Number.MAX_SAFE_INTEGER;

  const act = (contract: string, abi: string, data: string) => {
    h.initStack();
    try {
      monitorCall(h, contract, abi, data, new Cost());
    } catch (e) {
      throw new GenesisError(`genesis action ${contract}/${abi} ${data} failed: ${(e as Error).message}`);
    }
  };
  /** Run code as a contract (its storage, its authority for callWithAuth). */
  const asContract = (id: string, fn: (c: Cost) => void) => {
    h.initStack();
    h.setStackInfo(id, "init");
    fn(new Cost());
  };

  const { admin, foundation, producers } = config;
  // issue.iost initGenesis
  asContract("issue.iost", (c) => {
    h.put(c, "FoundationAccount", str(""));
    h.put(c, "adminID", str(admin.id));
    h.put(c, "FoundationAccount", str(foundation.id));
    h.callWithAuth(c, "token.iost", "create", `["iost","issue.iost",${config.iost.totalSupply},{"can_transfer":true,"decimal":${config.iost.decimal}}]`);
    for (const holder of [...producers, admin]) {
      if (!Decimal.parse(holder.balance, config.iost.decimal).isZero()) h.callWithAuth(c, "token.iost", "issue", argsJson(["iost", holder.id, holder.balance]));
    }
    h.put(c, "IOSTDecimal", str(String(config.iost.decimal)));
    h.put(c, "IOSTLastIssueTime", str(config.time.toString()));
  });
  act("auth.iost", "initAdmin", argsJson([admin.id]));
  act("auth.iost", "signUp", argsJson([admin.id, admin.owner, admin.active]));
  act("auth.iost", "signUp", argsJson([foundation.id, foundation.owner, foundation.active]));
  for (const p of producers) act("auth.iost", "signUp", argsJson([p.id, p.owner, p.active]));
  act("auth.iost", "signUp", argsJson(["deadaddr", "0", "0"]));
  act("gas.iost", "pledge", argsJson([admin.id, admin.id, config.adminGasPledge]));
  act("ram.iost", "initAdmin", argsJson([admin.id]));
  const r = config.ram;
  act("ram.iost", "issue", `[${r.initialTotal}, ${r.increaseInterval}, ${r.increaseAmount}, ${r.reserve}]`);
  act("ram.iost", "buy", `[${JSON.stringify(admin.id)}, ${JSON.stringify(admin.id)}, ${r.initialBuy}]`);
  act("token.iost", "transfer", argsJson(["ram", "ram.iost", foundation.id, r.reserve.toString(), ""]));
  for (const p of producers) act("ram.iost", "buy", `[${JSON.stringify(admin.id)}, ${JSON.stringify(p.id)}, ${r.initialBuy}]`);
  act("gas.iost", "pledge", argsJson([admin.id, foundation.id, config.gasPledge]));
  for (const p of producers) act("gas.iost", "pledge", argsJson([admin.id, p.id, config.gasPledge]));

  const steps: GenesisSteps = { host: h, act, asContract };
  applyRewardsGenesis(steps, config);
  applyVotingGenesis(steps, config);

  for (const d of config.devAccounts) {
    act("auth.iost", "signUp", argsJson([d.id, d.owner, d.active]));
    if (!Decimal.parse(d.balance, 8).isZero()) act("token.iost", "transfer", argsJson(["iost", admin.id, d.id, d.balance, ""]));
    act("gas.iost", "pledge", argsJson([admin.id, d.id, d.gasPledge]));
    if (d.ram > 0n) act("ram.iost", "buy", `[${JSON.stringify(admin.id)}, ${JSON.stringify(d.id)}, ${d.ram}]`);
  }

  const writes = state.commit();
  return {
    time: config.time,
    chainId: config.chainId,
    writes,
    stateRoot: treeRoot(writes),
    receipts: h.receipts,
  };
}
