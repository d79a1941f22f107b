/**
 * The rule of docs/SHARDING.md, checked differentially: one scripted workload
 * runs on a fresh in-memory chain (sim.ts) with N = 1 and again with N = 4,
 * accounts chosen so that callers, contract deployers, payees and token
 * issuers sit on every shard. Every receipt (status, message, returns,
 * receipts, gas and RAM usage) and every read of the accounts and contracts
 * (balances, frozen balances, gas, RAM, permissions, contract storage and the
 * payer of each record, iost's supply) must be equal; only the number of blocks to the final
 * receipt differs. The cases that do not pass yet are listed in KNOWN, each
 * with the docs/SHARDING.md "Not done yet" entry that explains it, and are
 * checked to still differ: fixing one fails this test until it leaves the list.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DEFERRED } from "../../../src/executor/locks";
import { poolOrder } from "../../../src/pool/index";
import { nftShard, shardOf } from "../../../src/sharding/placement";
import type { CrossReceipt } from "../../../src/sharding/receipts";
import { getToken721Balance, getToken721Metadata, getToken721Owner } from "../../../src/query/token721";
import { MAX_READ_BYTES, READS, readParked } from "../../../src/sharding/reads";
import { State } from "../../../src/state/state";
import { decodeValue } from "../../../src/state/storage";
import { txId } from "../../../src/tx/bytes";
import type { AmountLimit, Tx } from "../../../src/tx/types";
import { act, fakeKey } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";
import { SimChain } from "./sim";
import {
  ABI,
  BLOCK_TIME,
  CODE,
  config,
  contractShard,
  delta,
  FRESH,
  freeRam,
  genesisSupplies,
  GHOST_HOME,
  level,
  N,
  NEWBIE,
  type Outcome,
  on,
  PRODUCER,
  reads,
  run,
  runAll,
  supplyCheck,
  supplyGaps,
  txBy,
  USERS,
} from "./workload";

/** The contract deployed by the user of shard s (its id, once its case ran). */
const contracts: string[] = [];
/** The reward contracts, by the symbol they created. */
const rewards: Record<string, string> = {};

/** A common IOST dApp pattern: a contract creates its own token in `init` and issues some to each caller. */
const reward = (sym: string, total = 1000000) => `class Reward {
  init() { blockchain.callWithAuth("token.iost", "create", ["${sym}", blockchain.contractName(), ${total}, { decimal: 0 }]); }
  claim() { blockchain.callWithAuth("token.iost", "issue", ["${sym}", tx.publisher, "5"]); return "claimed"; }
}
module.exports = Reward;`;
const deployReward = (by: string, sym: string, total?: number) =>
  txBy(by, [act("system.iost", "setCode", [contractJson(reward(sym, total), [{ name: "claim", args: [] }])])]);
const claim = (by: string, sym: string) => txBy(by, [act(rewards[sym], "claim", [])]);

/** A contract that creates and issues tokens of its own outside `init` (its id, once deployed). */
let minter = "";

/** A dApp's vault (its id, once deployed): it pulls a token from its caller and pays some back, as a DEX deposit does. */
let vault = "";
const VAULT = `class Vault {
  init() {}
  pull(sym, amount) { blockchain.call("token.iost", "transfer", [sym, tx.publisher, blockchain.contractName(), amount, "pull"]); return "pulled"; }
  back(sym, amount) { blockchain.callWithAuth("token.iost", "transfer", [sym, blockchain.contractName(), tx.publisher, amount, "back"]); return "back"; }
  vote(producer, amount) { blockchain.callWithAuth("vote_producer.iost", "vote", [blockchain.contractName(), producer, amount]); return "voted"; }
  unvote(producer, amount) { blockchain.callWithAuth("vote_producer.iost", "unvote", [blockchain.contractName(), producer, amount]); return "unvoted"; }
  burn(sym, amount) { blockchain.callWithAuth("token.iost", "destroy", [sym, tx.publisher, amount]); return "burnt"; }
  freezeBack(sym, amount) { blockchain.callWithAuth("token.iost", "transferFreeze", [sym, blockchain.contractName(), tx.publisher, amount, tx.time + 1000000000000, "later"]); return "frozen"; }
}
module.exports = Vault;`;
const VAULT_ABI = ["pull", "back", "burn", "freezeBack", "vote", "unvote"].map((name) => ({
  name,
  args: ["string", "string"],
  amountLimit: [{ token: "*", val: "unlimited" }],
}));
const MINTER = `class Minter {
  init() {}
  make(sym, total, decimal) { blockchain.callWithAuth("token.iost", "create", [sym, blockchain.contractName(), total, { decimal: decimal }]); return "made"; }
  give(sym, amount) { blockchain.callWithAuth("token.iost", "issue", [sym, tx.publisher, amount]); return "given"; }
  giveTo(sym, to, amount) { blockchain.callWithAuth("token.iost", "issue", [sym, to, amount]); return "given"; }
}
module.exports = Minter;`;
const mint = (by: string, abi: string, args: unknown[]) => txBy(by, [act(minter, abi, args)]);

type Case = [name: string, tx: () => Tx];

const nft = (abi: string, args: unknown[]) => act("token721.iost", abi, args);
/** A contract reading token721.iost's records (blockchain.call: synchronous), and moving its caller's token. */
const NFT_READER = `class Reader {
  init() {}
  held(sym) { return blockchain.call("token721.iost", "balanceOf", [sym, tx.publisher])[0]; }
  owner(sym, id) { return blockchain.call("token721.iost", "ownerOf", [sym, id])[0]; }
  nth(sym, who, i) { return blockchain.call("token721.iost", "tokenOfOwnerByIndex", [sym, who, i])[0]; }
  meta(sym, id) { return blockchain.call("token721.iost", "tokenMetadata", [sym, id])[0]; }
  move(sym, to, id) { blockchain.callWithAuth("token721.iost", "transfer", [sym, tx.publisher, to, id]); return "moved"; }
}
module.exports = Reader;`;
const NFT_READER_ABI = [
  { name: "held", args: ["string"] },
  { name: "owner", args: ["string", "string"] },
  { name: "nth", args: ["string", "string", "number"] },
  { name: "meta", args: ["string", "string"] },
  { name: "move", args: ["string", "string", "string"] },
];
let nftReader = "";

/** A contract stamping what it sees of its tx's block (`block` and blockInfo()), kept and returned. */
const CLOCK = `class Clock {
  init() {}
  stamp() {
    const info = JSON.parse(blockchain.blockInfo());
    const at = [block.number, block.time, info.number, info.time].join(":");
    storage.put("at", at);
    return at;
  }
}
module.exports = Clock;`;

/**
 * A contract creating its own token721.iost collection in `init` and issuing, moving and burning it for its
 * callers (docs/SHARDING.md "Tokens across shards": a token721.iost token created off its symbol's shard).
 */
const CARDS = (sym: string, total: number) => `class Cards {
  init() { blockchain.callWithAuth("token721.iost", "create", ["${sym}", blockchain.contractName(), ${total}]); }
  give(sym, meta) { return blockchain.callWithAuth("token721.iost", "issue", [sym, tx.publisher, meta]); }
  burn(sym, id) { blockchain.callWithAuth("token721.iost", "transfer", [sym, tx.publisher, "deadaddr", id]); return "burnt"; }
  make(sym, total) { blockchain.callWithAuth("token721.iost", "create", [sym, blockchain.contractName(), total]); return "made"; }
  held(sym) { return blockchain.call("token721.iost", "balanceOf", [sym, tx.publisher]); }
}
module.exports = Cards;`;
const CARDS_ABI = [
  { name: "give", args: ["string", "string"] },
  { name: "burn", args: ["string", "string"] },
  { name: "make", args: ["string", "number"] },
  { name: "held", args: ["string"] },
];
/** The collection contracts, by the symbol their `init` created. */
const collections: Record<string, string> = {};
const deployCards = (by: string, sym: string, total: number) => txBy(by, [act("system.iost", "setCode", [contractJson(CARDS(sym, total), CARDS_ABI)])]);
const cards = (sym: string, by: string, abi: string, args: unknown[]) => txBy(by, [act(collections[sym], abi, args)]);
/** Collections created in `init` by a contract of shard s, and (hero) one on its symbol's own shard. */
const COLLECTIONS: [sym: string, shard: number, deployer: string, total: number][] = [
  ["deck", 0, on(0, 2), 3],
  ["rune", 1, on(1, 3), 6],
  ["chip", 2, on(2, 3), 1],
  ["pony", 3, on(3), 3],
  ["hero", 1, on(1, 6), 3],
];
/** A contract whose can_update lets its owner, or anyone passing "open", replace it (its id, once deployed on shard 2). */
const updatable = (extra = "") => `class Upd {
  init() {}
  can_update(data) { return data === "open" || blockchain.requireAuth(blockchain.contractOwner(), "active"); }
  v() { return 1; }${extra}
}
module.exports = Upd;`;
const UPD_ABI = [
  { name: "can_update", args: ["string"] },
  { name: "v", args: [] },
];
let upd = "";

/** A contract reading token.iost's records synchronously (its id, once deployed on shard 1). */
const READER = `class Reader {
  init() {}
  bal(sym, who) { return blockchain.call("token.iost", "balanceOf", [sym, who])[0]; }
  sup(sym) { return blockchain.call("token.iost", "supply", [sym])[0]; }
  raw(who) { return String(storage.globalMapGet("token.iost", "TB" + who, "iost")); }
  callee(id, abi, args) { return blockchain.call(id, abi, JSON.parse(args))[0]; }
  authed(id, abi, args) { return blockchain.callWithAuth(id, abi, JSON.parse(args))[0]; }
  gget(id, k) { return String(storage.globalGet(id, k)); }
  lend(to, n) { blockchain.callWithAuth("ram.iost", "lend", [tx.publisher, to, n]); return "lent"; }
  many(sym, a, b, c) { return [a, b, c].map((w) => blockchain.call("token.iost", "balanceOf", [sym, w])[0]).join(","); }
  gmap(c, k, f) { return String(storage.globalMapGet(c, k, f)); }
  gbasic(c, k) { return String(storage.globalGet(c, k)); }
  gkeys(c, k) { return JSON.stringify(storage.globalMapKeys(c, k)) + storage.globalMapLen(c, k) + storage.globalMapHas(c, k, "iost"); }
  lots(n) { let s = 0; for (let i = 0; i < n; i++) if (storage.globalMapGet("token.iost", "TBnone" + i, "iost") !== null) s++; return String(s); }
  pair(a, b) { return [a, b].map((w) => blockchain.call("token.iost", "balanceOf", ["iost", w])[0]).join(","); }
  can(who, perm) { return String(blockchain.requireAuth(who, perm)); }
  mputs(k, fs) { for (const f of JSON.parse(fs)) storage.mapPut(k, f, "1"); return "put"; }
}
module.exports = Reader;`;
const READER_ABI = [
  { name: "bal", args: ["string", "string"] },
  { name: "sup", args: ["string"] },
  { name: "raw", args: ["string"] },
  { name: "callee", args: ["string", "string", "string"] },
  { name: "authed", args: ["string", "string", "string"], amountLimit: [{ token: "iost", val: "100" }] },
  { name: "gget", args: ["string", "string"] },
  { name: "lend", args: ["string", "number"], amountLimit: [{ token: "ram", val: "100" }] },
  { name: "many", args: ["string", "string", "string", "string"] },
  { name: "gmap", args: ["string", "string", "string"] },
  { name: "gbasic", args: ["string", "string"] },
  { name: "gkeys", args: ["string", "string"] },
  { name: "lots", args: ["number"] },
  { name: "pair", args: ["string", "string"] },
  { name: "can", args: ["string", "string"] },
  { name: "mputs", args: ["string", "string"] },
];
let reader = "";
const read = (abi: string, args: unknown[]) => act(reader, abi, args);
/** A second reader, on shard 3: a callee of another shard that calls on (its id, once deployed). */
let relay = "";
/** The reader calling `id`'s `abi` with `args` (blockchain.call, or callWithAuth when `auth`). */
const callOf = (id: string, abi: string, args: unknown[], auth = false) => read(auth ? "authed" : "callee", [id, abi, JSON.stringify(args)]);
const tokenRead = (abi: string, args: unknown[]) => act("token.iost", abi, args);
/** updateCode of the updatable contract with `data` for its can_update, adding an ABI `w` that returns `n`. */
const update = (data: string, n: number) =>
  act("system.iost", "updateCode", [contractJson(updatable(`\n  w() { return ${n}; }`), [...UPD_ABI, { name: "w", args: [] }], upd), data]);

const transferOf = (sym: string, from: string, to: string, amount: string) => txBy(from, [act("token.iost", "transfer", [sym, from, to, amount, ""])]);
const transfer = (from: string, to: string, amount: string) => transferOf("iost", from, to, amount);
const call = (c: number, abi: string, args: unknown[]) => act(contracts[c], abi, args);
const iostLimit = (value: string): AmountLimit => ({ token: "iost", value });
const transferAct = (from: string, to: string, amount: string) => act("token.iost", "transfer", ["iost", from, to, amount, ""]);
/** `amount` twice to `to` in one tx: no plain transfer (src/pool poolOrder), it runs after the txs made before it in its block. */
const paying = (from: string, to: string, amount: string) => txBy(from, [transferAct(from, to, amount), transferAct(from, to, amount)]);
/** Names admin creates accounts for (iost.newAccount's actions), on every shard of N = 4. */
const BURST = Array.from({ length: 9 }, (_, i) => `burst${i}`);
const newAccount = (name: string) => [
  act("auth.iost", "signUp", [name, fakeKey(94), fakeKey(94)]),
  act("ram.iost", "buy", ["admin", name, 1024]),
  act("gas.iost", "pledge", ["admin", name, "10"]),
  transferAct("admin", name, "1"),
];
/** An unfreeze time far ahead of every block. */
const LATER = Number(BLOCK_TIME + 10n ** 12n);
const farFreeze = (from: string, to: string) => act("token.iost", "transferFreeze", ["iost", from, to, "2", Number(BLOCK_TIME + 10n ** 12n), ""]);
const freezeNow = (from: string, to: string) => act("token.iost", "transferFreeze", ["iost", from, to, "3", Number(BLOCK_TIME), ""]);
/** The first `xchgNN` name placed on shard s of N = 4. */
const nameOn = (s: number) => Array.from({ length: 64 }, (_, i) => `xchg${String(i).padStart(2, "0")}`).find((n) => shardOf(n, N) === s)!;
const exchangeCreate = (name: string, amount: number) =>
  act("exchange.iost", "transfer", ["iost", "", String(amount), `create:${name}:${fakeKey(91)}:${fakeKey(91)}`]);
const vote = (by: string, amount: string) => txBy(by, [act("vote_producer.iost", "vote", [by, PRODUCER, amount])]);

/** `publisher`'s tx co-signed by on(2, 1)'s owner: a permission `perm` added to on(2, 1), a call of shard 3's contract, then `last` (on shard 2 again). */
const aroundShard3 = (publisher: string, perm: string, n: string, last: ReturnType<typeof act>) =>
  txBy(publisher, [act("auth.iost", "addPermission", [on(2, 1), perm, 100]), call(3, "put", ["hp", n]), last], { signers: [`${on(2, 1)}@owner`] });

/** An account of shard 2 that admin creates as iost.js's newAccount does, then calling the reader of shard 1. */
const GUEST = Array.from({ length: 32 }, (_, i) => `guest${i}`).find((n) => shardOf(n, N) === 2)!;

/** Names admin signs up in one tx, by shard. */
/** Names a contract signs up, of each shard of N = 4 (two of each). */
const MADE = [0, 1, 2, 3].map((s) => Array.from({ length: 64 }, (_, i) => `made${i}`).find((n) => shardOf(n, N) === s)!);
const MADE2 = [0, 1, 2, 3].map((s) => Array.from({ length: 64 }, (_, i) => `made${i}`).filter((n) => shardOf(n, N) === s)[1]);
const MADE3 = Array.from({ length: 64 }, (_, i) => `made${i}`).filter((n) => shardOf(n, N) === 2)[2];
const signUpIn = (name: string) => read("authed", ["auth.iost", "signUp", JSON.stringify([name, fakeKey(-1), fakeKey(-1)])]);
/** A token symbol of each shard of N = 4, which a tx creates and a later part of it reads elsewhere. */
const FRESH_SYM = [0, 1, 2, 3].map((s) => Array.from({ length: 64 }, (_, i) => `tsx${i}`).find((n) => shardOf(n, N) === s)!);
const FAILED_SYM = Array.from({ length: 64 }, (_, i) => `tsf${i}`).find((n) => shardOf(n, N) === 3)!;
const NFT_FRESH = Array.from({ length: 64 }, (_, i) => `nsx${i}`).find((n) => nftShard(n, N) === 3)!;
const TWINS = Object.fromEntries([1, 3].map((s) => [s, Array.from({ length: 64 }, (_, i) => `twin${i}`).find((n) => shardOf(n, N) === s)!]));

/** A caller of shard 1 left with RAM for one record of the contract's and not two. */
const SHORT = on(1, 4);

/** A publisher of shard 1 whose free RAM is set to what a credit's half charges it on another shard, or a byte less. */
const TIGHT = on(1, 8);
/** The bytes of a new balance record of a 4-letter token (paid by TIGHT), of medal, and of a new frozen iost list of one entry. */
const GOLD_RECORD = 43;
const MEDAL_RECORD = 45;
const FROZEN_LIST = 85;

/** TIGHT buys RAM, keeps `keep` bytes of it (`what`'s, `bytes`, exactly, or one less), then runs `tx`. */
const tight = (what: string, bytes: number, keep: number, name: string, tx: () => Tx): Case[] => {
  const exact = keep === bytes;
  return [
    [`${name}: its publisher buys RAM`, () => txBy(TIGHT, [act("ram.iost", "buy", [TIGHT, TIGHT, 1000])])],
    [
      `${name}: its publisher keeps ${exact ? "the RAM of" : "one byte less than"} ${what}`,
      () => txBy(TIGHT, [act("ram.iost", "sell", [TIGHT, TIGHT, Number(freeRam(one, TIGHT)) - keep])]),
    ],
    [`${name} by a publisher with ${exact ? "exactly its RAM" : "one byte short of its RAM"}`, tx],
  ];
};

/**
 * A published transfer contract (itest's ContractTransferN): it moves its caller's iost, frozen iost or a token
 * the caller carries to anyone (its id, once deployed on shard 2).
 */
let giver = "";
const GIVER = `class Giver {
  init() {}
  give(to, amount) { blockchain.transfer(tx.publisher, to, amount, ""); return "gave"; }
  freeze(to, amount) { blockchain.callWithAuth("token.iost", "transferFreeze", ["iost", tx.publisher, to, amount, ${Number(BLOCK_TIME + 10n ** 12n)}, ""]); return "froze"; }
  giveTok(sym, to, amount) { blockchain.callWithAuth("token.iost", "transfer", [sym, tx.publisher, to, amount, ""]); return "gave " + sym; }
  spend(to, amount) { blockchain.callWithAuth("token.iost", "transfer", ["iost", blockchain.contractName(), to, amount, ""]); return "spent"; }
  pass(from, to, amount) { blockchain.callWithAuth("token.iost", "transfer", ["iost", from, to, amount, ""]); return "passed"; }
  pledgeFor(user, amount) { blockchain.callWithAuth("gas.iost", "pledge", [tx.publisher, user, amount]); return "pledged"; }
  unpledgeFor(user, amount) { blockchain.callWithAuth("gas.iost", "unpledge", [tx.publisher, user, amount]); return "unpledged"; }
  voteFor(producer, amount) { blockchain.callWithAuth("vote_producer.iost", "vote", [tx.publisher, producer, amount]); return "voted"; }
  fail(m) { throw new Error(m); }
}
module.exports = Giver;`;
const GIVER_ABI = [
  { name: "give", args: ["string", "string"], amountLimit: [{ token: "iost", val: "3000000" }] },
  { name: "freeze", args: ["string", "string"], amountLimit: [{ token: "iost", val: "100" }] },
  { name: "giveTok", args: ["string", "string", "string"], amountLimit: [{ token: "gold", val: "100000" }] },
  { name: "spend", args: ["string", "string"] },
  { name: "pass", args: ["string", "string", "string"], amountLimit: [{ token: "iost", val: "3000000" }] },
  { name: "pledgeFor", args: ["string", "string"], amountLimit: [{ token: "iost", val: "100" }] },
  { name: "unpledgeFor", args: ["string", "string"] },
  { name: "voteFor", args: ["string", "string"], amountLimit: [{ token: "iost", val: "2000" }] },
  { name: "fail", args: ["string"] },
];
/** An amount of iost's smallest units, in iost. */
const iostText = (v: bigint) => `${v / 100000000n}.${(v % 100000000n).toString().padStart(8, "0")}`;
/** All the iost `acc` holds (on either chain: they are equal) and 3 more, in iost. */
const allAnd3 = (acc: string) => iostText(one.iostBalance(acc) + 300000000n);
/** Its caller on shard 1 (A, the contract's B is 2): receivers on A, on B and on a third shard C (0 and 3). */
const GIVEN = on(1, 6);
const give = (...args: unknown[]) => act(giver, "give", args);
const goldTo = (to: string) => act("token.iost", "transfer", ["gold", TIGHT, to, "1", ""]);
/** TIGHT's free RAM before it created wool and after (read once, before the next buy): what a token's creation takes. */
let beforeCreate = 0n;
let created: bigint | undefined;
const afterCreate = () => (created ??= freeRam(one, TIGHT));

/**
 * A freeze to a callee of another shard and its write of its frozen list (an unfreeze) in one tx, in either order
 * (docs/SHARDING.md "Calls of another shard's contract"): the freeze joins the list written, its time kept. `by`
 * calls the giver through the reader (a forwarded part when `by` is of shard 3); `due` first gives the giver a freeze
 * due at once, which the giver's next spend unfreezes, rewriting its list.
 */
const frozenJoins = (by: string, where: string): Case[] => {
  const spend = () => callOf(giver, "spend", [by, "1"]);
  const due = (k: number): Case => [`${where}: a caller freezes iost to the giver, due at once (${k})`, () => txBy(by, [freezeNow(by, giver)])];
  return [
    due(1),
    [
      `${where}: a caller freezes iost to a contract of another shard until later, then has it spend, unfreezing what was due`,
      () => txBy(by, [farFreeze(by, giver), spend()]),
    ],
    [`${where}: a caller freezes iost to a contract of another shard, due at once, then has it spend it`, () => txBy(by, [freezeNow(by, giver), spend()])],
    due(2),
    [
      `${where}: a contract of another shard spends, unfreezing what was due, then its caller freezes iost to it until later`,
      () => txBy(by, [spend(), farFreeze(by, giver)]),
    ],
    due(3),
    [
      `${where}: a contract of another shard spends, unfreezing what was due, then its caller freezes iost to it, due at once`,
      () => txBy(by, [spend(), freezeNow(by, giver)]),
    ],
    [`${where}: the giver spends what its caller froze to it`, () => txBy(by, [spend()])],
    [
      `${where}: a caller freezes iost twice to a contract of another shard, then has it spend`,
      () => txBy(by, [freezeNow(by, giver), farFreeze(by, giver), spend()]),
    ],
    [
      `${where}: a caller freezes iost to a contract of another shard, has it spend, then the tx fails`,
      () => txBy(by, [freezeNow(by, giver), spend(), callOf(giver, "fail", ["late"])]),
    ],
    due(4),
    [
      `${where}: a contract of another shard spends, its caller freezes iost to it, then the tx fails`,
      () => txBy(by, [spend(), farFreeze(by, giver), callOf(giver, "fail", ["late"])]),
    ],
    [`${where}: the giver spends what was due after the failed txs`, () => txBy(by, [spend()])],
  ];
};

/** A contract reading `n` records of its own storage (absent ones: counted all the same), on shard 2 (its id, once deployed). */
let many = "";
const MANY = `class Many {
  init() {}
  count(n) { let s = 0; for (let i = 0; i < n; i++) if (storage.has("r" + i)) s++; return String(s); }
}
module.exports = Many;`;

/**
 * A contract writing and reading records of its own, and paying, to bring a run to the read bounds' edge (its id, once
 * deployed on shard 2): `fill` with its own RAM (its owner's RAM records count too), `fillFor` with its caller's.
 */
let edge = "";
const EDGE = `class Edge {
  init() {}
  fill(p, n) { for (let i = 0; i < n; i++) storage.put(p + i, "v"); return "filled"; }
  fillFor(p, n) { for (let i = 0; i < n; i++) storage.put(p + i, "v", tx.publisher); return "filled"; }
  pay(n, a, b) {
    let s = 0;
    for (let i = 0; i < n; i++) if (storage.has("r" + i)) s++;
    blockchain.transfer(tx.publisher, a, "0.01", "");
    blockchain.transfer(tx.publisher, b, "0.01", "");
    return String(s);
  }
}
module.exports = Edge;`;
const EDGE_ABI = [
  { name: "fill", args: ["string", "number"] },
  { name: "fillFor", args: ["string", "number"] },
  { name: "pay", args: ["number", "string", "string"], amountLimit: [{ token: "iost", val: "100" }] },
];
/**
 * The bounds contract with a call of its own, deployed on shard 2 by a forwarded part of FAR_OWNER's (of shard 1): a
 * contract whose owner lives on another shard than it (its id, once deployed).
 */
let far = "";
const FAR_OWNER = on(1, 3);
const FAR = `class Far {
  init() {}
  fill(p, n) { for (let i = 0; i < n; i++) storage.put(p + i, "v"); return "filled"; }
  drop(p, n) { for (let i = 0; i < n; i++) storage.del(p + i); return "dropped"; }
  callee(id, abi, args) { return blockchain.call(id, abi, JSON.parse(args))[0]; }
  peek(id, n, abi, args) { for (let i = 0; i < n; i++) storage.globalGet(id, "p" + i); return blockchain.call(id, abi, JSON.parse(args))[0]; }
  lendAfter(n, to, m) { let s = 0; for (let i = 0; i < n; i++) if (storage.has("r" + i)) s++; blockchain.callWithAuth("ram.iost", "lend", [tx.publisher, to, m]); return String(s); }
  big(k, n) { storage.put(k, "x".repeat(n)); return "big"; }
  bigRead(k) { return storage.globalGet(blockchain.contractName(), k).length + "," + blockchain.call("token.iost", "balanceOf", ["ram", tx.publisher])[0]; }
  bigReadOf(k, who) { return storage.globalGet(blockchain.contractName(), k).length + "," + blockchain.call("token.iost", "balanceOf", ["ram", who])[0]; }
  buyAfter(n, to, m) { let s = 0; for (let i = 0; i < n; i++) if (storage.has("r" + i)) s++; blockchain.callWithAuth("ram.iost", "buy", [tx.publisher, to, m]); return String(s); }
}
module.exports = Far;`;
const FAR_ABI = [
  { name: "fill", args: ["string", "number"] },
  { name: "drop", args: ["string", "number"] },
  {
    name: "callee",
    args: ["string", "string", "string"],
    amountLimit: [
      { token: "iost", val: "100" },
      { token: "ram", val: "1000" },
    ],
  },
  { name: "peek", args: ["string", "number", "string", "string"] },
  { name: "lendAfter", args: ["number", "string", "number"], amountLimit: [{ token: "ram", val: "1000" }] },
  { name: "buyAfter", args: ["number", "string", "number"], amountLimit: [{ token: "iost", val: "100" }] },
  { name: "big", args: ["string", "number"] },
  { name: "bigRead", args: ["string"] },
  { name: "bigReadOf", args: ["string", "string"] },
];
/** A contract moving an account's RAM through ram.iost with its own authority (its id, once deployed on shard 3). */
let market = "";
const MARKET = `class Market {
  init() {}
  lend(from, to, n) { blockchain.callWithAuth("ram.iost", "lend", [from, to, n]); return "lent"; }
  sell(from, to, n) { return blockchain.callWithAuth("ram.iost", "sell", [from, to, n])[0]; }
  buy(from, to, n) { return blockchain.callWithAuth("ram.iost", "buy", [from, to, n])[0]; }
}
module.exports = Market;`;
const MARKET_ABI = ["lend", "sell", "buy"].map((name) => ({ name, args: ["string", "string", "number"], amountLimit: [{ token: "*", val: "unlimited" }] }));
/** The market contract deployed on shard 0, where ram.iost runs (its id, once deployed). */
let market0 = "";
/**
 * A contract that calls another only once a read of an account's RAM is nonzero (its id, once deployed on shard 3):
 * a run that missed the RAM reads it 0 and calls nothing, so its first round locks that record only for reading; the
 * call, in the next run, may write it (the callee's owner's RAM), which asks its shard again for writing.
 */
let when = "";
const WHEN = `class When {
  init() {}
  ifRam(who, id, abi, args) { return blockchain.call("token.iost", "balanceOf", ["ram", who])[0] === "0" ? "none" : blockchain.call(id, abi, JSON.parse(args))[0]; }
}
module.exports = When;`;
const WHEN_ABI = [{ name: "ifRam", args: ["string", "string", "string", "string"] }];

/** A publisher of shard 1 left with no free RAM, and the far contract's record that brings its read to the byte bound, plus `d`. */
const BARE = on(1, 6);
/** An account of shard 2 with no iost record (signed with fakeKey(-1), txBy's key for a name not in USERS). */
const NO_IOST = Array.from({ length: 40 }, (_, i) => `noiost${i}`).find((n) => shardOf(n, N) === 2)!;
const bigLength = (d: number) => MAX_READ_BYTES + d - (one.shards[0].store.get(`m-token.iost-TB${BARE}-ram`)?.length ?? 0) - 2 - far.length;
/** The far contract having itself (a callee of its shard) write `n` records with its own RAM. */
const farFill = (p: string, n: number) => act(far, "callee", [far, "fill", JSON.stringify([p, n])]);
/** A case's name for a run counting `k` records: past the bound beyond 256. */
const past = (k: number) => (k > 256 ? ": past the bound" : "");

/** Co-signers of shard 0 that chains through shard 0 charge: one with RAM, one left with a long record's (`LONG`). */
const CO = on(0, 6);
const LEAN = on(0, 5);
const LONG = "l".repeat(100);
const LONG_RECORD = 178;

/** A caller of shard 1 whose forwarded parts run system actions for accounts of other shards. */
const SYS = on(1, 5);

const CASES: Case[] = [
  ...[0, 1, 2, 3].flatMap((s): Case[] => [
    [`transfer iost shard ${s} → shard ${s}`, () => transfer(on(s), on(s, 1), "10")],
    [`transfer iost shard ${s} → shard ${(s + 1) % N}`, () => transfer(on(s), on((s + 1) % N, 1), "7.5")],
  ]),
  ["transfer iost to a missing account", () => transfer(on(1), "ghost0", "1")],
  ["transfer iost to a missing account of the same shard", () => transfer(on(1), GHOST_HOME, "1")],
  [
    "create an account on another shard",
    () => txBy(on(1), [act("auth.iost", "signUp", [FRESH, fakeKey(90), fakeKey(90)]), act("ram.iost", "buy", [on(1), FRESH, 1000])]),
  ],
  ["transfer iost to an account created on another shard: its first balance record", () => transfer(on(2), FRESH, "3")],
  ["transfer more iost than held", () => transfer(on(2), on(3), "2000000")],
  ...[0, 1, 2, 3].map((s): Case => [`deploy from shard ${s}`, () => txBy(on(s), [act("system.iost", "setCode", [contractJson(CODE, ABI)])])]),
  ...[0, 1, 2, 3].flatMap((c) =>
    [0, 1, 2, 3].flatMap((s): Case[] => [
      [`contract of shard ${c}, caller of shard ${s}: contract pays RAM`, () => txBy(on(s, 1), [call(c, "put", [`k${s}`, "v"])])],
      [`contract of shard ${c}, caller of shard ${s}: caller pays RAM`, () => txBy(on(s, 1), [call(c, "mine", ["hello"])])],
      [`contract of shard ${c}, caller of shard ${s}: iost into the contract`, () => txBy(on(s, 1), [call(c, "pay", ["3"])])],
    ]),
  ),
  ["a contract charges RAM to a co-signer, all of one shard", () => txBy(on(0, 1), [call(0, "theirs", [on(0, 2), "x"])], { signers: [on(0, 2)] })],
  [
    "a contract of another shard charges RAM to a co-signer of the publisher's shard",
    () => txBy(on(1, 1), [call(0, "theirs", [on(1, 2), "x"])], { signers: [on(1, 2)] }),
  ],
  // Its escrow paid on shard 0 (0 bytes, then more), handed back passing its home, then paid again on shard 2 (281/63).
  ...["x", "xx"].map(
    (v): Case => [
      `a chain charges a co-signer of the publisher's shard RAM on another shard, passes its home, then charges it on a third (${v})`,
      () => txBy(on(1, 1), [call(0, "theirs", [on(1, 2), v]), call(1, "theirs", [on(1, 2), v]), call(2, "theirs", [on(1, 2), v])], { signers: [on(1, 2)] }),
    ],
  ),
  [
    "a contract of another shard charges RAM to a co-signer of the contract's shard",
    () => txBy(on(1, 1), [call(0, "theirs", [on(0, 3), "x"])], { signers: [on(0, 3)] }),
  ],
  [
    "a contract of another shard charges RAM to a co-signer of a third shard",
    () => txBy(on(1, 1), [call(0, "theirs", [on(2, 3), "x"])], { signers: [on(2, 3)] }),
  ],
  [
    "a contract of the publisher's shard charges RAM to a co-signer of another shard",
    () => txBy(on(1, 1), [call(1, "theirs", [on(2, 3), "y"])], { signers: [on(2, 3)] }),
  ],
  // A co-signer's permissions are checked at intake on the publisher's shard, from its shard's copy there.
  ...[1, 2].map(
    (s): Case => [
      `a co-signer of shard ${s}, publisher and contract of shard 1`,
      () => txBy(on(1, 1), [call(1, "put", ["cs", `${s}`])], { signers: [on(s, 2)] }),
    ],
  ),
  ["a co-signer of a third shard, a contract of another shard", () => txBy(on(1, 1), [call(2, "put", ["cs", "3"])], { signers: [on(3, 1)] })],
  ["a co-signer of another shard signs with a wrong key", () => txBy(on(1, 1), [call(1, "put", ["cs", "4"])], { signers: [on(2, 1)], keys: [91] })],
  ["a missing co-signer of another shard", () => txBy(on(1, 1), [call(1, "put", ["cs", "5"])], { signers: ["ghost0"], keys: [92] })],
  [
    "an account of shard 3 adds a permission of threshold 100 with a key of weight 50",
    () =>
      txBy(on(3, 1), [act("auth.iost", "addPermission", [on(3, 1), "half", 100]), act("auth.iost", "assignPermission", [on(3, 1), "half", fakeKey(91), 50])], {
        signers: [`${on(3, 1)}@owner`],
      }),
  ],
  [
    "a co-signer of another shard below its permission's threshold",
    () => txBy(on(1, 1), [call(1, "put", ["cs", "6"])], { signers: [`${on(3, 1)}@half`], keys: [91] }),
  ],
  [
    "the permission's key weighs 100 now",
    () => txBy(on(3, 1), [act("auth.iost", "assignPermission", [on(3, 1), "half", fakeKey(91), 100])], { signers: [`${on(3, 1)}@owner`] }),
  ],
  [
    "a co-signer of another shard meets the threshold changed a block ago",
    () => txBy(on(1, 1), [call(1, "put", ["cs", "7"])], { signers: [`${on(3, 1)}@half`], keys: [91] }),
  ],
  [
    "a tx co-signed by an account of a third shard forwards a signUp",
    () =>
      txBy(on(1, 1), [call(1, "put", ["cs", "8"]), act("auth.iost", "signUp", ["fresh2", fakeKey(93), fakeKey(93)])], {
        signers: [`${on(3, 1)}@half`],
        keys: [91],
      }),
  ],
  // A co-signer moves its own tokens (a dApp paying the gas of a user's transfer): one chain checks its signature and
  // debits it where the tx is; its records are on its own shard.
  ["a co-signer of another shard transfers its iost to a third shard", () => txBy(on(1, 1), [transferAct(on(2, 3), on(3, 3), "2")], { signers: [on(2, 3)] })],
  ["a co-signer of another shard transfers its iost to the publisher", () => txBy(on(1, 1), [transferAct(on(2, 3), on(1, 1), "1.5")], { signers: [on(2, 3)] })],
  ["a co-signer of another shard freezes its iost to the publisher", () => txBy(on(1, 1), [farFreeze(on(2, 3), on(1, 1))], { signers: [on(2, 3)] })],
  [
    "a co-signer of another shard transfers its iost, then the publisher calls a contract of a third shard",
    () => txBy(on(1, 1), [transferAct(on(2, 3), on(1, 1), "1"), call(3, "put", ["cot", "1"])], { signers: [on(2, 3)] }),
  ],
  ["a co-signer of another shard destroys its iost", () => txBy(on(1, 1), [act("token.iost", "destroy", ["iost", on(2, 3), "1"])], { signers: [on(2, 3)] })],
  // A co-signer pays gas.iost and vote_producer.iost actions from its own iost: its records fetched where the action runs.
  [
    "a co-signer of another shard pledges gas for the publisher",
    () => txBy(on(1, 1), [act("gas.iost", "pledge", [on(2, 3), on(1, 1), "1"])], { signers: [on(2, 3)] }),
  ],
  [
    "a co-signer of another shard pledges gas for an account of a third shard, then for the publisher",
    () =>
      txBy(on(1, 1), [act("gas.iost", "pledge", [on(2, 3), on(3, 1), "2"]), act("gas.iost", "pledge", [on(2, 3), on(1, 1), "1"])], {
        signers: [on(2, 3)],
      }),
  ],
  [
    "a co-signer of another shard unpledges what it pledged for the publisher",
    () => txBy(on(1, 1), [act("gas.iost", "unpledge", [on(2, 3), on(1, 1), "1"])], { signers: [on(2, 3)] }),
  ],
  [
    "a co-signer of another shard pledges without enough iost",
    () => txBy(on(1, 1), [act("gas.iost", "pledge", [on(2, 3), on(1, 1), "99999999"])], { signers: [on(2, 3)] }),
  ],
  ["a pledge from an account of another shard that did not sign", () => txBy(on(1, 1), [act("gas.iost", "pledge", [on(2, 3), on(1, 1), "1"])])],
  ["a co-signer of another shard votes", () => txBy(on(1, 1), [act("vote_producer.iost", "vote", [on(2, 3), PRODUCER, "1000"])], { signers: [on(2, 3)] })],
  ["a co-signer of another shard unvotes", () => txBy(on(1, 1), [act("vote_producer.iost", "unvote", [on(2, 3), PRODUCER, "1000"])], { signers: [on(2, 3)] })],
  // Without its signature: one chain fails it with go-iost's permission error, the gas of its checks charged.
  ["a transfer from an account of another shard that did not sign", () => txBy(on(1, 1), [transferAct(on(2, 3), on(1, 1), "1")])],
  ["a transfer from a contract of another shard at top level", () => txBy(on(1, 1), [transferAct(contracts[2], on(1, 1), "1")])],
  ["a freeze from an account of another shard that did not sign", () => txBy(on(1, 1), [farFreeze(on(2, 3), on(1, 1))])],
  ["caller frees the RAM it paid on a contract of another shard", () => txBy(on(1, 1), [call(0, "drop", [])])],
  ["a caller sells all but 10 bytes of its RAM", () => txBy(on(2, 2), [act("ram.iost", "sell", [on(2, 2), on(2, 2), Number(freeRam(one, on(2, 2)) - 10n)])])],
  ["a caller short of RAM calls a contract of another shard that charges it", () => txBy(on(2, 2), [call(0, "mine", ["hello"])])],
  ["a co-signer short of RAM, charged by a contract of another shard", () => txBy(on(2, 1), [call(0, "theirs", [on(2, 2), "z"])], { signers: [on(2, 2)] })],
  // A co-signer of a shard the tx has not run on pays after the last action, by a part with no actions there.
  [
    "a contract of another shard charges RAM to a co-signer of a third shard short of RAM",
    () => txBy(on(1, 1), [call(0, "theirs", [on(2, 2), "s"])], { signers: [on(2, 2)] }),
  ],
  [
    "a contract of the publisher's shard charges RAM to a co-signer of another shard short of RAM",
    () => txBy(on(1, 1), [call(1, "theirs", [on(2, 2), "s"])], { signers: [on(2, 2)] }),
  ],
  [
    "a contract of the publisher's shard charges RAM to co-signers of two other shards",
    () => txBy(on(1, 1), [call(1, "theirs", [on(2, 3), "two"]), call(1, "theirs", [on(0, 5), "two"])], { signers: [on(2, 3), on(0, 5)] }),
  ],
  [
    "a contract of another shard charges RAM to co-signers of two more shards",
    () => txBy(on(1, 1), [call(3, "theirs", [on(2, 3), "3"]), call(3, "theirs", [on(0, 5), "3"])], { signers: [on(2, 3), on(0, 5)] }),
  ],
  [
    "co-signers of two other shards, the first in payer order short of RAM",
    () => txBy(on(1, 1), [call(3, "theirs", [on(2, 2), "4"]), call(3, "theirs", [on(0, 5), "4"])], { signers: [on(2, 2), on(0, 5)] }),
  ],
  [
    "a chain's last part charges RAM to a co-signer of a shard it has not run on",
    () => txBy(on(1, 1), [call(2, "put", ["cc", "1"]), call(3, "theirs", [on(0, 5), "cc"])], { signers: [on(0, 5)] }),
  ],
  [
    "the home part charges RAM to a co-signer of another shard, then a call on a third",
    () => txBy(on(1, 1), [call(1, "theirs", [on(2, 3), "h"]), call(3, "put", ["h", "1"])], { signers: [on(2, 3)] }),
  ],
  [
    "the home part charges RAM to a co-signer of another shard, then a call on a third fails",
    () => txBy(on(1, 1), [call(1, "theirs", [on(2, 3), "hf"]), call(3, "fail", ["no"])], { signers: [on(2, 3)] }),
  ],
  // A co-signer's RAM escrow goes along a chain of parts, and all of it comes back when a later part fails.
  [
    "a co-signer of the publisher's shard pays RAM on two shards of a chain",
    () => txBy(on(1, 1), [call(2, "theirs", [on(1, 2), "c"]), call(3, "theirs", [on(1, 2), "c"])], { signers: [on(1, 2)] }),
  ],
  [
    "a chain fails on its last shard after charging a co-signer's RAM",
    () => txBy(on(1, 1), [call(2, "theirs", [on(1, 2), "dd"]), call(3, "fail", ["no"])], { signers: [on(1, 2)] }),
  ],
  [
    "events of a tx whose home part and forwarded part both post",
    () => txBy(on(1, 1), [call(1, "put", ["e", "home"]), call(2, "put", ["e", "away"]), act("token.iost", "transfer", ["iost", on(1, 1), on(2), "1", ""])]),
  ],
  ["a forwarded part fails in its first action", () => txBy(on(1, 1), [call(2, "fail", ["no"])])],
  // One shard's failed tx still pays: doPay rewrites the publisher's `ram` record with no payer, so a
  // later write of it by token.iost charges token.iost (property test, PROP_SEED=3).
  ["a first tx fails in a forwarded part", () => txBy(on(0, 7), [call(2, "fail", ["no"])])],
  ["ram buy for an account whose first tx failed in a forwarded part", () => txBy(on(0), [act("ram.iost", "buy", [on(0), on(0, 7), 1000])])],
  ["a forwarded part fails in its second action", () => txBy(on(1, 1), [call(2, "put", ["a", "b"]), call(2, "fail", ["no"])])],
  [
    "a tx fails in its second action after a transfer to another shard",
    () => txBy(on(1, 1), [act("token.iost", "transfer", ["iost", on(1, 1), on(3), "1", ""]), call(1, "fail", ["no"])]),
  ],
  [
    "a tx fails in its third action, after a forwarded call",
    () => txBy(on(3, 1), [call(0, "put", ["z", "z"]), call(0, "put", ["y", "y"]), call(0, "fail", ["no"])]),
  ],
  [
    "a tx transfers at home then fails in a forwarded action",
    () => txBy(on(1, 1), [act("token.iost", "transfer", ["iost", on(1, 1), on(1), "2", ""]), call(2, "fail", ["no"])]),
  ],
  [
    "a tx fails in a forwarded action after a home contract write",
    () => txBy(on(1, 1), [call(1, "put", ["home", "w"]), call(1, "mine", ["m"]), call(3, "fail", ["no"])]),
  ],
  [
    "a tx sends a credit to a third shard then fails in a forwarded action",
    () => txBy(on(1, 1), [act("token.iost", "transfer", ["iost", on(1, 1), on(3), "2", ""]), call(2, "fail", ["no"])]),
  ],
  ["actions on three shards", () => txBy(on(1, 1), [call(1, "put", ["h", "1"]), call(2, "put", ["t", "2"]), call(3, "mine", ["m3"]), call(3, "pay", ["1"])])],
  [
    "actions on four shards, iost paid on each",
    () => txBy(on(1, 1), [call(2, "pay", ["2"]), call(3, "mine", ["m4"]), call(0, "pay", ["1"]), call(0, "put", ["z", "4"])]),
  ],
  [
    "a tx fails on the third shard of its chain after paying on the second",
    () => txBy(on(1, 1), [call(2, "pay", ["2"]), call(2, "mine", ["m5"]), call(3, "fail", ["no"])]),
  ],
  [
    "PoB action + contract of a third shard",
    () => txBy(on(2, 1), [act("vote_producer.iost", "vote", [on(2, 1), PRODUCER, "1000"]), call(3, "put", ["pob", "v"])]),
  ],
  [
    "contract of a third shard + PoB action",
    () => txBy(on(2, 3), [call(3, "mine", ["pob2"]), act("vote_producer.iost", "vote", [on(2, 3), PRODUCER, "1000"])]),
  ],
  [
    "a caller short of RAM: a chain's middle part cannot pay it",
    () => txBy(on(2, 2), [call(3, "mine", ["pob3"]), act("vote_producer.iost", "vote", [on(2, 2), PRODUCER, "1000"])]),
  ],
  // One shard pays a tx's RAM once, after every action: so does a chain, in its last part (docs/SHARDING.md "RAM of a chain").
  ["a caller of shard 1 keeps 100 bytes of RAM", () => txBy(SHORT, [act("ram.iost", "sell", [SHORT, SHORT, Number(freeRam(one, SHORT) - 100n)])])],
  ["RAM for the home part's record, not the forwarded part's", () => txBy(SHORT, [call(1, "mine", ["a"]), call(2, "mine", ["b"])])],
  ["RAM for a chain's middle part, not its last", () => txBy(SHORT, [call(2, "mine", ["a"]), call(3, "mine", ["b"])])],
  ["a record the caller of shard 1 pays on shard 3", () => txBy(SHORT, [call(3, "mine", ["c"])])],
  ["a chain's middle part uses the RAM its last part frees", () => txBy(SHORT, [call(2, "mine", ["d"]), call(3, "drop", [])])],
  ["the home part uses the RAM a forwarded part frees", () => txBy(SHORT, [call(1, "mine", ["e"]), call(2, "drop", [])])],
  ["the home part frees the RAM a chain's last part uses", () => txBy(SHORT, [call(1, "drop", []), call(2, "put", ["s", "1"]), call(3, "mine", ["f"])])],
  [
    "a chain over three shards its caller cannot pay the RAM of",
    () => txBy(SHORT, [call(2, "mine", ["gg"]), call(0, "put", ["s", "2"]), call(3, "mine", ["hh"])]),
  ],
  // A forwarded part's system action for an account of a third shard goes on there, as a contract call does.
  ...(
    [
      ["ram lend", "lend", [SYS, on(3, 1), 100], [SYS, on(3, 1), 10 ** 12]],
      ["ram buy", "buy", [SYS, on(3, 1), 1000], [SYS, on(3, 1), 1]],
    ] as const
  ).flatMap(([what, abi, ok, bad]): Case[] => [
    [`${what} for an account of a third shard after a forwarded call`, () => txBy(SYS, [call(2, "put", ["s", abi]), act("ram.iost", abi, [...ok])])],
    [`${what} for an account of a third shard after a forwarded call, failing`, () => txBy(SYS, [call(2, "put", ["s", abi]), act("ram.iost", abi, [...bad])])],
  ]),
  ...(["pledge", "unpledge"] as const).flatMap((abi): Case[] => [
    [
      `${abi} for an account of a third shard after a forwarded call`,
      () => txBy(SYS, [call(2, "put", ["s", abi]), act("gas.iost", abi, [SYS, on(0, 1), "10"])]),
    ],
    [
      `${abi} for an account of a third shard after a forwarded call, failing`,
      () => txBy(SYS, [call(2, "put", ["s", abi]), act("gas.iost", abi, [SYS, on(0, 1), "2000000"])]),
    ],
  ]),
  [
    "signUp of an account of a third shard after a forwarded call",
    () =>
      txBy(SYS, [call(2, "put", ["s", "new"]), act("auth.iost", "signUp", [NEWBIE, fakeKey(91), fakeKey(91)]), act("ram.iost", "buy", [SYS, NEWBIE, 1000])]),
  ],
  [
    "signUp of an existing account of a third shard after a forwarded call",
    () => txBy(SYS, [call(2, "put", ["s", "old"]), act("auth.iost", "signUp", [on(3, 1), fakeKey(92), fakeKey(92)])]),
  ],
  [
    "a chain of two forwarded parts, then a lend for an account of a fourth shard",
    () => txBy(SYS, [call(2, "put", ["s", "4"]), call(3, "mine", ["4"]), act("ram.iost", "lend", [SYS, on(0, 1), 100])]),
  ],
  ["a forwarded part's action on a contract of the tx's home shard", () => txBy(SYS, [call(2, "put", ["r", "1"]), call(1, "put", ["r", "2"])])],
  // Actions that come back to a shard the tx left (its home included): they run there as one more part of the tx.
  [
    "home, another shard, home again: the caller pays RAM on each",
    () => txBy(SYS, [call(1, "mine", ["r1"]), call(2, "mine", ["r2"]), call(1, "mine", ["r3"])]),
  ],
  ["home, another shard, home again: iost paid on each", () => txBy(SYS, [call(1, "pay", ["1"]), call(2, "pay", ["2"]), call(1, "pay", ["3"])])],
  [
    "home, another shard, home again: the last action fails",
    () => txBy(SYS, [call(1, "put", ["r", "3"]), call(2, "put", ["r", "4"]), call(1, "fail", ["no"])]),
  ],
  ["home, another shard, home again, a third shard", () => txBy(SYS, [call(2, "put", ["r", "5"]), call(1, "mine", ["r5"]), call(3, "pay", ["1"])])],
  ["home, another shard, home again, a third shard failing", () => txBy(SYS, [call(2, "pay", ["1"]), call(1, "put", ["r", "6"]), call(3, "fail", ["no"])])],
  ["shards 1, 2, 3, 2", () => txBy(SYS, [call(2, "put", ["r", "7"]), call(3, "mine", ["r7"]), call(2, "mine", ["r8"])])],
  ["shards 1, 2, 3, 2: the last action fails", () => txBy(SYS, [call(2, "put", ["r", "8"]), call(3, "pay", ["1"]), call(2, "fail", ["no"])])],
  ["shards 1, 2, 3, 2, 0", () => txBy(SYS, [call(2, "pay", ["1"]), call(3, "put", ["r", "9"]), call(2, "mine", ["r9"]), call(0, "pay", ["1"])])],
  // amount_limit is a cap on what the tx spent over all its parts, checked after each action (go-iost vm/monitor.go).
  ...(
    [
      ["above the caller's balance", [iostLimit("2000000")], () => [call(0, "pay", ["3"])]],
      ["absent", [], () => [call(0, "pay", ["3"])]],
      ["exceeded", [iostLimit("2")], () => [call(0, "pay", ["3"])]],
      ["met exactly", [iostLimit("3")], () => [call(0, "pay", ["3"])]],
      ["exceeded by a home transfer and a forwarded payment together", [iostLimit("6")], () => [transferAct(on(1, 1), on(1, 2), "5"), call(0, "pay", ["3"])]],
      ["exceeded by a chain's last part", [iostLimit("5")], () => [call(0, "pay", ["3"]), call(2, "pay", ["3"])]],
      ["met by a chain's parts", [iostLimit("6")], () => [call(0, "pay", ["3"]), call(2, "pay", ["3"])]],
      ["exceeded back home", [iostLimit("5")], () => [call(0, "pay", ["3"]), call(1, "pay", ["3"])]],
      ["`*` exceeded by two forwarded payments", [{ token: "*", value: "4" }], () => [call(0, "pay", ["3"]), call(0, "pay", ["3"])]],
      ["for another token only", [{ token: "ram", value: "unlimited" }], () => [call(0, "pay", ["3"])]],
    ] as [string, AmountLimit[], () => ReturnType<typeof act>[]][]
  ).map(([what, limits, actions]): Case => [`amount_limit ${what}: a contract of another shard takes iost`, () => txBy(on(1, 1), actions(), { limits })]),
  [
    "admin creates an account on another shard with no amount_limit: signUp's pledge exceeds it",
    () => txBy("admin", newAccount(BURST.find((n) => shardOf(n, N) !== shardOf("admin", N))!), { limits: [] }),
  ],
  [
    "shards 1, 2, 3, 2, 0: the last action fails",
    () => txBy(SYS, [call(2, "put", ["r", "10"]), call(3, "mine", ["r10"]), call(2, "pay", ["1"]), call(0, "fail", ["no"])]),
  ],
  ["a caller short of RAM for the tx, not a part, over shards 1, 2, 1", () => txBy(SHORT, [call(2, "mine", ["ra"]), call(1, "mine", ["rb"])])],
  [
    "a system action for the publisher at home after a forwarded call",
    () => txBy(SYS, [call(2, "put", ["r", "11"]), act("ram.iost", "buy", [SYS, SYS, 1000])]),
  ],
  [
    "a lend to an account of a shard the tx left",
    () => txBy(SYS, [call(2, "put", ["r", "12"]), call(3, "put", ["r", "12"]), act("ram.iost", "lend", [SYS, on(2, 1), 100])]),
  ],
  ["a RAM sale at home after a forwarded call", () => txBy(SYS, [call(2, "mine", ["r13"]), act("ram.iost", "sell", [SYS, SYS, 100])])],
  [
    "transferFreeze iost to another shard",
    () => txBy(on(1), [act("token.iost", "transferFreeze", ["iost", on(1), on(3), "2", Number(BLOCK_TIME + 10n ** 12n), ""])]),
  ],
  // The freeze's credit may charge the publisher RAM (its frozen list), so it decides the tx; the transfer's, held until
  // the settle before session 31, ran its half after the freeze's and read the frozen list it created (320 gas more).
  [
    "an account of shard 3 transfers iost to one of shard 0, then freezes iost to it",
    () => txBy(on(3), [transferAct(on(3), on(0, 1), "1"), farFreeze(on(3), on(0, 1))]),
  ],
  [
    "transferFreeze iost to a missing account of another shard",
    () => txBy(on(1), [act("token.iost", "transferFreeze", ["iost", on(1), "ghost0", "2", Number(BLOCK_TIME + 10n ** 12n), ""])]),
  ],
  [
    "a token created after genesis on its own shard, issued and moved to another shard",
    () =>
      txBy(on(2), [
        act("token.iost", "create", ["coin", on(2), 1000, { decimal: 0 }]),
        act("token.iost", "issue", ["coin", on(2), "100"]),
        act("token.iost", "transfer", ["coin", on(2), on(3, 1), "5", ""]),
      ]),
  ],
  // A contract moving a token of its caller, who lives on another shard: the caller's records of it are fetched for
  // writing, as a co-signer's (token.ts holderShard), and what the contract pays back goes home as a credit.
  ["vault contract deployed on shard 1", () => txBy(on(1), [act("system.iost", "setCode", [contractJson(VAULT, VAULT_ABI)])])],
  ["the vault of shard 1 pulls coin from its caller of shard 3", () => txBy(on(3, 1), [act(vault, "pull", ["coin", "3"])])],
  ["the vault of shard 1 pays coin back to its caller of shard 3", () => txBy(on(3, 1), [act(vault, "back", ["coin", "1"])])],
  ["the vault of shard 1 freezes coin back to its caller of shard 3", () => txBy(on(3, 1), [act(vault, "freezeBack", ["coin", "1"])])],
  ["the vault of shard 1 destroys coin of its caller of shard 3", () => txBy(on(3, 1), [act(vault, "burn", ["coin", "1"])])],
  ["the vault of shard 1 pulls more coin than its caller of shard 3 has", () => txBy(on(3, 1), [act(vault, "pull", ["coin", "9"])])],
  ["the vault of shard 1 pays back more coin than it has", () => txBy(on(3, 1), [act(vault, "back", ["coin", "5"])])],
  [
    "the vault of shard 1 pulls coin from its caller of shard 3, then the tx fails",
    () => txBy(on(3, 1), [act(vault, "pull", ["coin", "1"]), act("token.iost", "transfer", ["iost", on(3, 1), on(0), "999999999", ""])]),
  ],
  // vote.iost's balance is the consensus shard's: a contract's unvote off it is refunded from there.
  ["the vault of shard 1 is given 100 iost", () => txBy(on(1), [act("token.iost", "transfer", ["iost", on(1), vault, "100", ""])])],
  // A caller with no iost record, paid iost by a contract of another shard: one shard creates the record there (its
  // bytes token.iost's), and a second payment rewrites it (found by a helper with the SDK in session 25).
  [
    "an account of shard 2 with no iost record signs up, its gas pledged",
    () => txBy(on(2), [act("auth.iost", "signUp", [NO_IOST, fakeKey(-1), fakeKey(-1)]), act("gas.iost", "pledge", [on(2), NO_IOST, "50"])]),
  ],
  ["the vault of shard 1 pays iost to its caller of shard 2 with no iost record", () => txBy(NO_IOST, [act(vault, "back", ["iost", "1"])])],
  ["the vault of shard 1 pays iost again to that caller, its record now there", () => txBy(NO_IOST, [act(vault, "back", ["iost", "1"])])],
  ["that caller pays iost into the vault of shard 1", () => txBy(NO_IOST, [act(vault, "pull", ["iost", "1"])])],
  ["the vault of shard 1 votes with its own iost", () => txBy(on(3, 1), [act(vault, "vote", [PRODUCER, "25"])])],
  ["the vault of shard 1 unvotes part of its votes", () => txBy(on(0), [act(vault, "unvote", [PRODUCER, "5"])])],
  ["the vault of shard 1 unvotes more than it voted", () => txBy(on(1), [act(vault, "unvote", [PRODUCER, "50"])])],
  [
    "the vault of shard 1 pulls iost from its caller of shard 3 and pays some back",
    () => txBy(on(3, 1), [act(vault, "pull", ["iost", "3"]), act(vault, "back", ["iost", "1"])]),
  ],
  // gold's shard is 3: created, issued, moved and destroyed by accounts of the other shards.
  ["a token created on shard 0 whose symbol lives on shard 3", () => txBy(on(0), [act("token.iost", "create", ["gold", on(0), 1000, { decimal: 2 }])])],
  ["a create of an existing symbol from another shard", () => txBy(on(1), [act("token.iost", "create", ["gold", on(1), 10, {}])])],
  ["a create of an existing symbol on the symbol's shard", () => txBy(on(3), [act("token.iost", "create", ["gold", on(3), 10, {}])])],
  ["the token issued to its creator on another shard", () => txBy(on(0), [act("token.iost", "issue", ["gold", on(0), "100"])])],
  ["the token issued to an account of a third shard", () => txBy(on(0), [act("token.iost", "issue", ["gold", on(1), "20"])])],
  ["the token issued beyond its total supply", () => txBy(on(0), [act("token.iost", "issue", ["gold", on(0), "1000"])])],
  ...[1, 2, 3].map((t): Case => [`the token moved from shard 0 to shard ${t}`, () => transferOf("gold", on(0), on(t), "3")]),
  [
    "the token frozen to an account of another shard",
    () => txBy(on(0), [act("token.iost", "transferFreeze", ["gold", on(0), on(2), "2", Number(BLOCK_TIME + 10n ** 12n), ""])]),
  ],
  ["the token moved on from shard 1 to shard 2", () => transferOf("gold", on(1), on(2), "4")],
  ["the token destroyed on shard 1", () => txBy(on(1), [act("token.iost", "destroy", ["gold", on(1), "5"])])],
  ["the token destroyed on its own shard", () => txBy(on(3), [act("token.iost", "destroy", ["gold", on(3), "1"])])],
  [
    "a token of another shard created, issued and moved in one tx",
    () =>
      txBy(on(1), [
        act("token.iost", "create", ["pearl", on(1), 1000, { decimal: 0 }]),
        act("token.iost", "issue", ["pearl", on(1), "100"]),
        act("token.iost", "transfer", ["pearl", on(1), on(2), "5", ""]),
      ]),
  ],
  // pearl's shard is 3: its creator of shard 1 holds it at home now.
  [
    "a token of another shard issued then moved to a third shard in one tx",
    () => txBy(on(1), [act("token.iost", "issue", ["pearl", on(1), "10"]), act("token.iost", "transfer", ["pearl", on(1), on(0), "4", ""])]),
  ],
  [
    "a token of another shard issued then frozen to its holder in one tx",
    () =>
      txBy(on(1), [
        act("token.iost", "issue", ["pearl", on(1), "3"]),
        act("token.iost", "transferFreeze", ["pearl", on(1), on(1), "2", Number(BLOCK_TIME + 10n ** 12n), ""]),
      ]),
  ],
  [
    "a later action fails: the issue of a token of another shard rolls back",
    () => txBy(on(1), [act("token.iost", "issue", ["pearl", on(1), "10"]), act("token.iost", "transfer", ["pearl", on(1), on(2), "100000", ""])]),
  ],
  [
    "a later action on a third shard fails: the issue of a token of another shard rolls back",
    () => txBy(on(1), [act("token.iost", "issue", ["pearl", on(1), "10"]), call(2, "fail", ["no"])]),
  ],
  [
    "a token of another shard issued after a forwarded call",
    () => txBy(on(1), [call(2, "put", ["tk", "v"]), act("token.iost", "issue", ["pearl", on(1), "1"])]),
  ],
  ["the token moved by its holder after the issues", () => transferOf("pearl", on(1), on(2, 1), "3")],
  [
    "a token moved by its holder after a forwarded call",
    () => txBy(on(1), [call(2, "put", ["tm", "v"]), act("token.iost", "transfer", ["pearl", on(1), on(3), "1", ""])]),
  ],
  // medal's shard is 0, gem's and bead's too.
  ["reward contract deployed on its token's shard: it creates medal in init", () => deployReward(on(0, 1), "medal")],
  ...[0, 1, 2, 3].map((s): Case => [`reward contract issues medal to a caller of shard ${s}`, () => claim(on(s, 1), "medal")]),
  ["a reward moved to another shard", () => transferOf("medal", on(2, 1), on(3), "2")],
  // The symbol is known everywhere once created: token.iost refuses it before it needs the token's shard.
  ["reward contract deployed on another shard than its token's: it creates medal, which exists, in init", () => deployReward(on(3, 1), "medal")],
  ["a reward destroyed on another shard than its token's: the supply falls there", () => txBy(on(3), [act("token.iost", "destroy", ["medal", on(3), "1"])])],
  ["a reward destroyed on another shard beyond its balance", () => txBy(on(3), [act("token.iost", "destroy", ["medal", on(3), "5"])])],
  ["reward contract deployed on its token's shard: it creates bead in init", () => deployReward(on(0, 2), "bead", 10)],
  ["reward contract issues bead to a caller of shard 1", () => claim(on(1, 2), "bead")],
  ["reward contract issues bead to a caller of shard 3, up to its totalSupply", () => claim(on(3), "bead")],
  ["reward contract issues bead beyond its totalSupply", () => claim(on(1, 2), "bead")],
  // star's shard is 1, the minter's; ruby's is 2. A bad create or issue fails with IOST's error wherever it runs.
  [
    "minter contract deployed on shard 1",
    () =>
      txBy(on(1, 2), [
        act("system.iost", "setCode", [
          contractJson(MINTER, [
            { name: "make", args: ["string", "number", "number"] },
            { name: "give", args: ["string", "string"] },
            { name: "giveTo", args: ["string", "string", "string"] },
          ]),
        ]),
      ]),
  ],
  ["a contract creates a token of its own shard outside init", () => mint(on(1, 2), "make", ["star", 100, 2])],
  ...[0, 1].map((s): Case => [`a contract issues a token of its own shard to a caller of shard ${s}`, () => mint(on(s, 2), "give", ["star", "1.5"])]),
  ["a contract issues a token of its own shard beyond its decimals", () => mint(on(0, 2), "give", ["star", "0.001"])],
  ["a contract of another shard than the token's issues a token it did not create", () => mint(on(1, 2), "give", ["medal", "1"])],
  ["a contract of another shard than the token's creates a token with an invalid decimal", () => mint(on(1, 2), "make", ["ruby", 100, 19])],
  ["a contract of another shard than the token's creates a token with an invalid totalSupply", () => mint(on(1, 2), "make", ["ruby", 100000000000, 8])],
  ["reward contract issues medal to a caller of another shard short of RAM", () => claim(on(2, 2), "medal")],
  // gem lives on shard 1, its contract's, which created it (docs/SHARDING.md "Tokens across shards"); shard 0 granted the symbol.
  ["reward contract deployed on another shard than its token's: it creates gem in init", () => deployReward(on(1, 1), "gem")],
  ...[0, 1, 2, 3].map((s): Case => [`reward contract issues gem to a caller of shard ${s}`, () => claim(on(s), "gem")]),
  ["gem moved from its symbol's shard to a third shard", () => transferOf("gem", on(0), on(2, 1), "2")],
  ["gem destroyed on its symbol's shard: the supply falls on its home", () => txBy(on(0), [act("token.iost", "destroy", ["gem", on(0), "1"])])],
  ["gem destroyed on a third shard", () => txBy(on(2, 1), [act("token.iost", "destroy", ["gem", on(2, 1), "1"])])],
  [
    "a top-level issue of gem from shard 3 runs on its home, without its issuer's permission",
    () => txBy(on(3), [act("token.iost", "issue", ["gem", on(3), "1"])]),
  ],
  ["reward contract deployed on a third shard: it creates gem, which exists, in init", () => deployReward(on(3, 1), "gem")],
  // The minter lives on shard 1: agate's shard is 2, onyx's 0, jade's and opal's 3.
  ["a contract of shard 1 called from shard 0 creates agate: the claim goes on to shard 2", () => mint(on(0, 2), "make", ["agate", 100, 0])],
  ["a contract of shard 1 called from shard 0 creates onyx: the claim goes back to shard 0", () => mint(on(0, 2), "make", ["onyx", 100, 0])],
  [
    "a contract creates jade off its shard and issues it to its caller in one tx",
    () => txBy(on(1, 2), [act(minter, "make", ["jade", 100, 0]), act(minter, "give", ["jade", "7"])]),
  ],
  ["jade moved to its symbol's shard", () => transferOf("jade", on(1, 2), on(3), "3")],
  ["jade destroyed on its symbol's shard", () => txBy(on(3), [act("token.iost", "destroy", ["jade", on(3), "1"])])],
  ...[0, 2].map((s): Case => [`a contract issues agate, of its own shard now, to a caller of shard ${s}`, () => mint(on(s), "give", ["agate", "4"])]),
  ["a contract issues agate beyond its totalSupply", () => mint(on(2), "give", ["agate", "100"])],
  [
    "a contract creates opal off its shard in a tx failing in its next action: nothing is created or claimed",
    () => txBy(on(1, 2), [act(minter, "make", ["opal", 100, 0]), act("token.iost", "transfer", ["iost", on(1, 2), on(3), "99999999", ""])]),
  ],
  ["a contract creates opal off its shard after the failed tx", () => mint(on(1, 2), "make", ["opal", 50, 1])],
  ["a contract of shard 1 creates agate, which exists", () => mint(on(1, 2), "make", ["agate", 100, 0])],
  // garnet's shard is 2, which the chain left: the claim goes back there as one more part.
  [
    "a chain from shard 0 over shard 2 to a contract of shard 1 creating garnet: the claim returns to shard 2",
    () => txBy(on(0, 2), [call(2, "put", ["g", "v"]), act(minter, "make", ["garnet", 100, 0]), act(minter, "give", ["garnet", "2"])]),
  ],
  ["garnet moved to the shard its claim returned to", () => transferOf("garnet", on(0, 2), on(2), "1")],
  // coral's, beryl's and shale's shard is 0, the caller's: the claim, and the issue the part carries, end at its home,
  // where the credit's settle would come back to the shard that sent it, the home itself.
  [
    "a contract of shard 1 creates coral and issues it to a caller of coral's shard: the claim and the issue end at its home",
    () => txBy(on(0, 2), [act(minter, "make", ["coral", 100, 0]), act(minter, "give", ["coral", "3"])]),
  ],
  [
    "a contract of shard 1 creates beryl and issues it to a caller of beryl's shard, then a call back home",
    () => txBy(on(0, 2), [act(minter, "make", ["beryl", 100, 0]), act(minter, "give", ["beryl", "3"]), call(0, "put", ["b", "v"])]),
  ],
  [
    "a contract of shard 1 creates shale and issues it to a caller of shale's shard, then a call back home fails: nothing created",
    () => txBy(on(0, 2), [act(minter, "make", ["shale", 100, 0]), act(minter, "give", ["shale", "3"]), call(0, "fail", ["no"])]),
  ],
  ["coral moved from the caller's home to a third shard", () => transferOf("coral", on(0, 2), on(2), "1")],
  // token721.iost: card's shard is 3; every record of it lives there, the issuer and holders elsewhere too.
  ["token721: a token of shard 3 created from shard 0", () => txBy(on(0), [nft("create", ["card", on(0), 4])])],
  [
    "token721: issued to accounts of three shards in one tx",
    () =>
      txBy(
        on(0),
        [1, 2, 3].map((t) => nft("issue", ["card", on(t), `{"n": ${t}}`])),
      ),
  ],
  ["token721: moved between two shards that are not the token's", () => txBy(on(1), [nft("transfer", ["card", on(1), on(2), "0"])])],
  ["token721: moved by a holder of the token's shard", () => txBy(on(3), [nft("transfer", ["card", on(3), on(2), "2"])])],
  ["token721: a token not held cannot move", () => txBy(on(1), [nft("transfer", ["card", on(1), on(0), "1"])])],
  ["token721: a transfer of a holder of another shard without its permission", () => txBy(on(1), [nft("transfer", ["card", on(2), on(1), "1"])])],
  [
    "token721: the reads from another shard",
    () =>
      txBy(on(2), [
        nft("balanceOf", ["card", on(2)]),
        nft("ownerOf", ["card", "0"]),
        nft("tokenOfOwnerByIndex", ["card", on(2), 2]),
        nft("tokenMetadata", ["card", "2"]),
      ]),
  ],
  [
    "token721: moved, then iost moved on the token's shard, in one tx",
    () => txBy(on(2), [nft("transfer", ["card", on(2), on(0), "1"]), act("token.iost", "transfer", ["iost", on(2), on(3, 1), "2", ""])]),
  ],
  ["token721: its last id issued to the holder of a record another paid", () => txBy(on(0), [nft("issue", ["card", on(0), "{}"])])],
  ["token721: issued beyond its total supply", () => txBy(on(0), [nft("issue", ["card", on(1), "{}"])])],
  ["token721: a contract deployed on shard 1 reads it", () => txBy(on(1, 2), [act("system.iost", "setCode", [contractJson(NFT_READER, NFT_READER_ABI)])])],
  ["token721: a contract of another shard than the token's reads it", () => txBy(on(2, 1), [act(nftReader, "held", ["card"])])],
  // Its reads inside a contract fetch the token's records from its home (executor/reads.ts): a tx at home (the
  // reader's shard, 1), a forwarded part, and one from the token's own shard (3).
  ...[on(1, 2), on(2, 1), on(3, 1)].map(
    (by): Case => [
      `token721: a contract of shard 1 reads card's owner, an account's second id and metadata for a caller of shard ${shardOf(by, N)}`,
      () => txBy(by, [act(nftReader, "owner", ["card", "2"]), act(nftReader, "nth", ["card", on(0), 1]), act(nftReader, "meta", ["card", "3"])]),
    ],
  ),
  ["token721: a contract reads the owner of a card id nobody holds", () => txBy(on(1, 2), [act(nftReader, "owner", ["card", "9"])])],
  ["token721: a contract reads the metadata of a card id nobody holds", () => txBy(on(2, 1), [act(nftReader, "meta", ["card", "9"])])],
  ["token721: a contract reads an index past an account's cards", () => txBy(on(1, 2), [act(nftReader, "nth", ["card", on(1), 0])])],
  ["token721: a contract reads a token nobody created", () => txBy(on(1, 2), [act(nftReader, "held", ["nope721"])])],
  [
    "token721: a contract reads card, then the tx fails",
    () => txBy(on(1, 2), [act(nftReader, "held", ["card"]), transferAct(on(1, 2), on(1, 3), "99999999999")]),
  ],
  // token721.iost inside a contract of any shard: deck's shard is 2, rune's 3, chip's 0, pony's 1, hero's 1.
  ...COLLECTIONS.map(
    ([sym, s, by, total]): Case => [`token721: a contract of shard ${s} creates the collection ${sym} in init`, () => deployCards(by, sym, total)],
  ),
  ...[0, 1, 2, 3].map(
    (t): Case => [
      `token721: rune issued by its contract to a caller of shard ${t}`,
      () => cards("rune", on(t, t === 3 ? 0 : 4), "give", ["rune", `{"t": ${t}}`]),
    ],
  ),
  ...(["deck", "chip", "pony", "hero"] as const).map(
    (sym, i): Case => [
      `token721: ${sym} issued by its contract to a caller of shard ${(i + 2) % N}`,
      () => cards(sym, on((i + 2) % N, (i + 2) % N === 3 ? 0 : 2), "give", [sym, "{}"]),
    ],
  ),
  ["token721: a contract of shard 0 issues gem721, which nobody created", () => cards("deck", on(0, 2), "give", ["gem721", "{}"])],
  ["token721: chip issued beyond its total supply", () => cards("chip", on(1, 2), "give", ["chip", "{}"])],
  // A write of a token's records inside a contract of another shard than its home: fetched from there, written back there.
  ["token721: a contract of shard 1 moves its caller's chip, which lives on shard 2", () => txBy(on(3), [act(nftReader, "move", ["chip", on(0), "0"])])],
  ["token721: a contract of shard 1 moves chip back for its new holder", () => txBy(on(0), [act(nftReader, "move", ["chip", on(3), "0"])])],
  ["token721: a contract of shard 1 moves a chip its caller does not hold", () => txBy(on(2, 1), [act(nftReader, "move", ["chip", on(0), "0"])])],
  [
    "token721: rune moved between accounts of two shards that are neither its home nor its symbol's",
    () => txBy(on(0, 4), [nft("transfer", ["rune", on(0, 4), on(2, 4), "0"])]),
  ],
  ["token721: rune moved by a holder of its symbol's shard", () => txBy(on(3), [nft("transfer", ["rune", on(3), on(1, 4), "3"])])],
  ["token721: rune not held cannot move", () => txBy(on(3), [nft("transfer", ["rune", on(3), on(1, 4), "3"])])],
  [
    "token721: rune's reads from another shard",
    () =>
      txBy(on(2, 4), [
        nft("balanceOf", ["rune", on(2, 4)]),
        nft("ownerOf", ["rune", "0"]),
        nft("tokenOfOwnerByIndex", ["rune", on(2, 4), 1]),
        nft("tokenMetadata", ["rune", "2"]),
      ]),
  ],
  ["token721: rune read by its contract for a caller of another shard", () => cards("rune", on(2, 4), "held", ["rune"])],
  ["token721: rune burnt by its contract for a holder of another shard", () => cards("rune", on(2, 4), "burn", ["rune", "0"])],
  ["token721: a burn of a rune the caller does not hold", () => cards("rune", on(2, 4), "burn", ["rune", "1"])],
  ["token721: a contract of shard 0 creates rune, which a contract of shard 1 created", () => cards("deck", on(0, 2), "make", ["rune", 2])],
  ["token721: a contract of shard 3 creates card, created at top level", () => cards("pony", on(3), "make", ["card", 1])],
  ["token721: a contract of shard 2 creates chip, its own", () => cards("chip", on(2, 3), "make", ["chip", 1])],
  ["token721: a top-level create of rune from shard 2", () => txBy(on(2, 2), [nft("create", ["rune", on(2, 2), 5])])],
  ["token721: a top-level create of rune on its symbol's shard", () => txBy(on(3), [nft("create", ["rune", on(3), 5])])],
  [
    "token721: a contract of shard 2 creates tile off its shard in a tx failing in its next action: nothing is created or claimed",
    () => txBy(on(2, 3), [act(collections.chip, "make", ["tile", 2]), act("token.iost", "transfer", ["iost", on(2, 3), on(3), "99999999", ""])]),
  ],
  ["token721: a contract of shard 2 creates tile outside init", () => cards("chip", on(2, 3), "make", ["tile", 2])],
  ["token721: tile issued by its contract to a caller of its symbol's shard", () => cards("chip", on(3), "give", ["tile", "{}"])],
  ["token721: tile's holder moves it to an account of the contract's shard", () => txBy(on(3), [nft("transfer", ["tile", on(3), on(2, 4), "0"])])],
  ["token721: a contract of shard 0 creates hero, made on its symbol's shard by a contract there", () => cards("deck", on(0, 2), "make", ["hero", 1])],
  // updateCode runs where the contract lives (forward.ts forwardTarget): its can_update decides there.
  ["updatable contract deployed on shard 2", () => txBy(on(2, 1), [act("system.iost", "setCode", [contractJson(updatable(), UPD_ABI)])])],
  ...[0, 1, 2, 3].map((s): Case => [`updateCode by a stranger of shard ${s} is refused`, () => txBy(on(s, s === 2 ? 3 : 1), [update("", 2)])]),
  ["updateCode by its owner", () => txBy(on(2, 1), [update("", 3)])],
  ["updateCode passed by can_update for a caller of another shard", () => txBy(on(0, 1), [update("open", 4444)])],
  ["the updated contract answers a caller of another shard", () => txBy(on(3), [act(upd, "w", [])])],
  ["a tx fails in updateCode by a stranger after a transfer at home", () => txBy(on(1, 3), [transferAct(on(1, 3), on(1, 2), "2"), update("", 5)])],
  ["updateCode of a contract no shard has", () => txBy(on(1, 3), [act("system.iost", "updateCode", [contractJson(updatable(), UPD_ABI, "ContractNone"), ""])])],
  // token.iost's reads as top-level actions answer where the records live (forward.ts readTarget).
  ...[0, 1, 2, 3].map(
    (s): Case => [`balanceOf iost of an account of shard ${s} from shard 1`, () => txBy(on(1, 2), [tokenRead("balanceOf", ["iost", on(s)])])],
  ),
  ["balanceOf iost of a contract of another shard", () => txBy(on(1, 2), [tokenRead("balanceOf", ["iost", contracts[0]])])],
  ["balanceOf medal of an account of another shard than the token's and the publisher's", () => txBy(on(1, 2), [tokenRead("balanceOf", ["medal", on(2, 1)])])],
  ["balanceOf of a token nobody created, for an account of another shard", () => txBy(on(1, 2), [tokenRead("balanceOf", ["nope", on(2)])])],
  ...["medal", "bead"].map((sym): Case => [`supply of ${sym} from shard 3`, () => txBy(on(3), [tokenRead("supply", [sym])])]),
  ["iost frozen until now from shard 1 to an account of shard 3", () => txBy(on(1, 7), [freezeNow(on(1, 7), on(3))])],
  ["balanceOf from shard 1 unfreezes what is due of an account of shard 3", () => txBy(on(1, 7), [tokenRead("balanceOf", ["iost", on(3)])])],
  [
    "a transfer at home then balanceOf of another shard's account, in one tx",
    () => txBy(on(1, 2), [transferAct(on(1, 2), on(2, 3), "1"), tokenRead("balanceOf", ["iost", on(2, 3)])]),
  ],
  // Inside a contract: a read of records another shard keeps answers what that shard keeps (executor/reads.ts).
  ["reader contract deployed on shard 1", () => txBy(on(1, 2), [act("system.iost", "setCode", [contractJson(READER, READER_ABI)])])],
  // A holder's symbols are indexed on their tokens' homes: rune's (3) before chip's (0), as one shard added them.
  [
    "token721: a contract of shard 1 lists the symbols of a holder of rune, then chip",
    () => txBy(on(1, 2), [read("gkeys", ["token721.iost", `T721B${on(3)}`])]),
  ],
  // One chain's balanceOf unfreezes what is due (go-iost token balanceOf): for an account of another shard, its records
  // fetched from there and written back with the run.
  ["an account of shard 2 gets iost frozen to it, due at once", () => txBy(on(3), [freezeNow(on(3), on(2, 4))])],
  ["a contract of shard 1 reads the balance of an account of shard 2 with a freeze due", () => txBy(on(1, 2), [read("bal", ["iost", on(2, 4)])])],
  ["a contract reads the balance of an account of its shard", () => txBy(on(1, 2), [read("bal", ["iost", on(1, 3)])])],
  ["a contract of another shard reads its caller's balance", () => txBy(on(2, 3), [read("bal", ["iost", on(2, 3)])])],
  ["a contract of another shard reads its caller's balance of a token the tx does not name", () => txBy(on(2, 1), [read("bal", ["medal", on(2, 1)])])],
  ["a contract reads the balance of an account of another shard", () => txBy(on(1, 2), [read("bal", ["iost", on(2, 3)])])],
  ["a contract reads the balance of a contract of another shard", () => txBy(on(1, 2), [read("bal", ["iost", contracts[0]])])],
  ["a contract reads the supply of a token of another shard", () => txBy(on(1, 2), [read("sup", ["medal"])])],
  ["a contract reads token.iost's record of an account of another shard", () => txBy(on(1, 2), [read("raw", [on(2, 3)])])],
  // The run reading them is void; the tx parks, fetches them from their shards and runs again (executor/reads.ts).
  ...[0, 1, 2, 3].flatMap((s): Case[] => [
    [`a contract reads the balance of an account of shard ${s}`, () => txBy(on(1, 2), [read("bal", ["iost", on(s, 3)])])],
    [`a contract reads the balance of a contract of shard ${s}`, () => txBy(on(1, 2), [read("bal", ["iost", contracts[s]])])],
  ]),
  ["a contract reads the balances of accounts of three other shards in one run", () => txBy(on(1, 2), [read("many", ["iost", on(0, 3), on(2, 3), on(3, 1)])])],
  [
    "a contract reads medal balances of accounts of every shard and a missing one",
    () => txBy(on(1, 2), [read("many", ["medal", on(0, 1), on(2, 1), "ghost9"])]),
  ],
  ["a contract reads the balance of a token nobody created", () => txBy(on(1, 2), [read("bal", ["nope", on(2, 3)])])],
  ["a contract reads the supply of iost off shard 0", () => txBy(on(1, 2), [read("sup", ["iost"])])],
  ["a contract reads the supply of a token of its own shard", () => txBy(on(1, 2), [read("sup", ["bead"])])],
  ["a contract reads gas.iost's record of an account of another shard", () => txBy(on(1, 2), [read("gbasic", ["gas.iost", `${on(2, 3)}gt`])])],
  ["a contract reads ram.iost's record of an account of another shard", () => txBy(on(1, 2), [read("gbasic", ["ram.iost", `UR${on(3, 1)}`])])],
  ["a contract reads auth.iost's record of an account of another shard", () => txBy(on(1, 2), [read("gmap", ["auth.iost", "auth", on(0, 3)])])],
  // The shards' directory lives in system.iost's storage, which one shard never has: no contract reads it.
  [
    "a contract reads the directory's entry of a contract of another shard",
    () => txBy(on(1, 2), [read("gbasic", ["system.iost", `contract_shard_${contracts[0]}`])]),
  ],
  [
    "a contract reads the directory's entry of an account of another shard",
    () => txBy(on(1, 2), [read("gbasic", ["system.iost", `account_shard_${on(0, 3)}`])]),
  ],
  ["a contract lists token.iost's records of an account of another shard", () => txBy(on(1, 2), [read("gkeys", ["token.iost", `TB${on(2, 3)}`])])],
  // Inside a contract, token.iost's transferFreeze and ram.iost's lend of an account of another shard that signed run as
  // its transfer does: as a callee of its shard (token.ts, ram.ts lend).
  ["an account of shard 2 buys RAM it lends later", () => txBy(on(2, 3), [act("ram.iost", "buy", [on(2, 3), on(2, 3), 1000])])],
  ...(
    [
      ["iost", on(2, 3)],
      ["medal", on(2, 1)],
    ] as const
  ).map(
    ([sym, from]): Case => [
      `a contract freezes ${sym} of its caller's co-signer of another shard`,
      () => txBy(on(1, 2), [read("authed", ["token.iost", "transferFreeze", JSON.stringify([sym, from, on(0), "1", LATER, ""])])], { signers: [from] }),
    ],
  ),
  [
    "a contract of another shard freezes its caller's medal",
    () => txBy(on(2, 1), [read("authed", ["token.iost", "transferFreeze", JSON.stringify(["medal", on(2, 1), on(0), "1", LATER, ""])])]),
  ],
  [
    "a contract freezes iost of an account of another shard that did not sign",
    () => txBy(on(1, 2), [read("authed", ["token.iost", "transferFreeze", JSON.stringify(["iost", on(2, 3), on(0), "1", LATER, ""])])]),
  ],
  ...[on(1, 2), on(0, 1)].map(
    (by): Case => [
      `a contract lends the RAM of its caller's co-signer of another shard, its caller of shard ${shardOf(by, N)}`,
      () => txBy(by, [read("authed", ["ram.iost", "lend", JSON.stringify([on(2, 3), on(0), 15])])], { signers: [on(2, 3)] }),
    ],
  ),
  [
    "a contract lends the RAM of an account of another shard that did not sign",
    () => txBy(on(1, 2), [read("authed", ["ram.iost", "lend", JSON.stringify([on(2, 3), on(0), 15])])]),
  ],
  // balanceOf unfreezes what is due where the records are: the publisher's token it did not carry is at home.
  [
    "medal frozen until now to an account of shard 3",
    () => txBy(on(2, 1), [act("token.iost", "transferFreeze", ["medal", on(2, 1), on(3), "1", Number(BLOCK_TIME), ""])]),
  ],
  ["a contract of another shard reads its caller's medal with a freeze due", () => txBy(on(3), [read("bal", ["medal", on(3)])])],
  // An account's permissions changed by two runs of one tx on its shard (its home part and a part back from shard 3):
  // each run's change reaches the other shards' copies, which check its signatures there.
  [
    "an account of shard 2 adds a permission, calls a contract of shard 3, and gives the permission a key back home",
    () => aroundShard3(on(2, 1), "hop2", "1", act("auth.iost", "assignPermission", [on(2, 1), "hop2", fakeKey(88), 100])),
  ],
  ["a tx of shard 1 co-signed with that key", () => txBy(on(1, 1), [call(1, "put", ["hp", "2"])], { signers: [`${on(2, 1)}@hop2`], keys: [88] })],
  [
    "the account adds another permission, calls a contract of shard 3, and revokes the key back home",
    () => aroundShard3(on(2, 1), "hop3", "3", act("auth.iost", "revokePermission", [on(2, 1), "hop2", fakeKey(88)])),
  ],
  ["a tx of shard 1 co-signed with the revoked key", () => txBy(on(1, 1), [call(1, "put", ["hp", "4"])], { signers: [`${on(2, 1)}@hop2`], keys: [88] })],
  // The same from a publisher of shard 1 co-signed by the account: its first change is carried to shard 3's part.
  [
    "an account of shard 1 adds a permission of a co-signer of shard 2, calls a contract of shard 3, and gives it a key",
    () => aroundShard3(on(1, 1), "hop4", "5", act("auth.iost", "assignPermission", [on(2, 1), "hop4", fakeKey(87), 100])),
  ],
  ...[on(3), on(0), on(1, 1)].map(
    (by): Case => [
      `a tx of shard ${shardOf(by, N)} co-signed with the co-signer's new key`,
      () => txBy(by, [call(shardOf(by, N), "put", ["hp", "6"])], { signers: [`${on(2, 1)}@hop4`], keys: [87] }),
    ],
  ),
  // A later part reads what an earlier part changed of an account of another shard: the change's copy for the later
  // part's shard goes along the chain (forward.ts carryRegisters), so its requireAuth answers as one shard's. on(2, 4)'s
  // owner names on(1, 1)'s active, so on(1, 1)'s tx alone may revoke it, and is then no longer on(2, 4)'s owner.
  [
    "an account of shard 2 gives its owner permission to an account of shard 1",
    () => txBy(on(2, 4), [act("auth.iost", "assignPermission", [on(2, 4), "owner", `${on(1, 1)}@active`, 100])], { signers: [`${on(2, 4)}@owner`] }),
  ],
  ["the account of shard 1 asks for that owner permission through its reader of shard 1", () => txBy(on(1, 1), [read("can", [on(2, 4), "owner"])])],
  [
    "the account of shard 1 revokes itself from that owner permission, calls a contract of shard 3, then asks for it again",
    () =>
      txBy(on(1, 1), [
        act("auth.iost", "revokePermission", [on(2, 4), "owner", `${on(1, 1)}@active`]),
        call(3, "put", ["hp", "7"]),
        read("can", [on(2, 4), "owner"]),
      ]),
  ],
  // A later part lists the token records of an account an earlier action credited: the symbols new to it are listed.
  [
    "an account of shard 0 pays gold to one of shard 2, and a contract of shard 1 lists that one's token records",
    () => txBy(on(0), [act("token.iost", "transfer", ["gold", on(0), on(2, 4), "1", ""]), read("gkeys", ["token.iost", `TB${on(2, 4)}`])]),
  ],
  // gas.iost's index of a pledger's users: each shard indexes its own; a contract lists the pledger's shard's order.
  ...[
    [on(3), on(0), on(2, 3), on(1, 3)],
    [on(1, 2), on(3, 1), on(2, 4)],
  ].map(
    (users): Case => [
      `an account of shard 2 pledges in one tx for users of shards ${users.map((u) => shardOf(u, N)).join(", ")}`,
      () =>
        txBy(
          on(2, 1),
          users.map((u) => act("gas.iost", "pledge", [on(2, 1), u, "1"])),
        ),
    ],
  ),
  ...[on(2, 2), on(1, 6)].flatMap((pledger) =>
    [on(3), on(0), on(2, 3), on(1, 3)].map(
      (u): Case => [
        `an account of shard ${shardOf(pledger, N)} pledges for a user of shard ${shardOf(u, N)}`,
        () => txBy(pledger, [act("gas.iost", "pledge", [pledger, u, "1"])]),
      ],
    ),
  ),
  ...[on(2, 2), on(1, 6)].flatMap((pledger): Case[] =>
    [on(1, 2), on(3)].map((by) => [
      `a contract of shard 1 lists the users of a pledger of shard ${shardOf(pledger, N)}, its caller of shard ${shardOf(by, N)}`,
      () => txBy(by, [read("gkeys", ["gas.iost", `${pledger}gp`])]),
    ]),
  ),
  // Two names one tx creates on two shards, the later action's on the lower shard: the index lists them as created.
  [
    "admin signs up an account of shard 3, then one of shard 1, in one tx",
    () =>
      txBy(
        "admin",
        [3, 1].map((s) => act("auth.iost", "signUp", [TWINS[s], fakeKey(-1), fakeKey(-1)])),
      ),
  ],
  [
    "an account of shard 3 deploys a contract, calls a contract of shard 1, then deploys another, in one tx",
    () =>
      txBy(on(3, 1), [
        act("system.iost", "setCode", [contractJson(CODE, ABI)]),
        call(1, "put", ["tw", "1"]),
        act("system.iost", "setCode", [contractJson(CODE, ABI)]),
      ]),
  ],
  // Indexes each shard keeps of the names created on it: a contract lists every shard's, in the order created.
  ...(
    [
      ["auth.iost", "auth"],
      ["system.iost", "contract_owner"],
    ] as const
  ).flatMap(([contract, key]) =>
    [on(1, 2), on(3)].map(
      (by): Case => [
        `a contract of shard 1 lists ${contract}'s ${key} index, its caller of shard ${shardOf(by, N)}`,
        () => txBy(by, [read("gkeys", [contract, key])]),
      ],
    ),
  ),
  // A forwarded part's publisher is a guest there (its escrow): its other records are read from home, as another's are.
  ["a contract of another shard lists its caller's token.iost records", () => txBy(on(2, 1), [read("gkeys", ["token.iost", `TB${on(2, 1)}`])])],
  [
    "a contract of another shard lists the token.iost records of its caller's co-signer of a third shard",
    () => txBy(on(2, 1), [read("gkeys", ["token.iost", `TB${on(3)}`])], { signers: [on(3)] }),
  ],
  [
    "admin creates an account of shard 2 as the SDK's newAccount does",
    () =>
      txBy("admin", [
        act("auth.iost", "signUp", [GUEST, fakeKey(-1), fakeKey(-1)]),
        act("ram.iost", "buy", ["admin", GUEST, 20000]),
        act("gas.iost", "pledge", ["admin", GUEST, "50"]),
        transferAct("admin", GUEST, "30"),
      ]),
  ],
  ["a contract of another shard lists the records of its caller made by newAccount", () => txBy(GUEST, [read("gkeys", ["token.iost", `TB${GUEST}`])])],
  ...["SR", "TR", "UR"].map(
    (k): Case => [
      `a contract of another shard reads its caller's ram.iost ${k} record`,
      () => txBy(GUEST, [read("gbasic", ["ram.iost", `${k}${GUEST}`])], { limits: [] }),
    ],
  ),
  ["a contract of another shard lists its caller's frozen records", () => txBy(on(3), [read("gkeys", ["token.iost", `TF${on(3)}`])])],
  [
    "a contract reads a balance of another shard in the second action of a tx failing in its third",
    () => txBy(on(1, 2), [transferAct(on(1, 2), on(1, 3), "1"), read("bal", ["iost", on(2, 3)]), transferAct(on(1, 2), on(1, 3), "99999999999")]),
  ],
  [
    "a transfer at home, a read of a balance of another shard, then a call to a contract of that shard",
    () => txBy(on(1, 2), [transferAct(on(1, 2), on(1, 3), "1"), read("bal", ["iost", on(2, 3)]), call(2, "put", ["rr", "v"])]),
  ],
  [
    "a contract of another shard reads balances of a third shard and of its caller's",
    () => txBy(on(2, 1), [read("many", ["iost", on(3, 1), on(2, 1), on(0, 1)])]),
  ],
  [
    "a transfer at home to an account of another shard, then a contract reads its balance",
    () => txBy(on(1, 2), [transferAct(on(1, 2), on(2, 3), "1"), read("bal", ["iost", on(2, 3)])]),
  ],
  // Bounds: counted on every shard count, so a run past them fails with one error everywhere.
  ["a contract reads 256 records of accounts of every shard", () => txBy(on(1, 2), [read("lots", [256])])],
  ["a contract reading 257 records of accounts fails on every shard count", () => txBy(on(1, 2), [read("lots", [257])])],
  // Inside a contract, a call of a contract of another shard runs its code here on its records fetched from there.
  ["a contract calls a contract of its own shard", () => txBy(on(1, 2), [read("callee", [contracts[1], "put", '["cc", "v"]'])])],
  ["a contract calls a contract of another shard", () => txBy(on(1, 2), [read("callee", [upd, "v", "[]"])])],
  ["a contract reads the storage of a contract of another shard", () => txBy(on(1, 2), [read("gget", [contracts[0], "k0"])])],
  // storage.global* of a user contract of another shard answers from the contract's shard (executor/reads.ts), read
  // by a tx at home (a caller of shard 1, the reader's) or a forwarded part (callers of other shards).
  ...[0, 1, 2, 3].flatMap((p) =>
    [0, 2, 3].map(
      (s): Case => [
        `a caller of shard ${p} has a contract read the storage of a contract of shard ${s}`,
        () => txBy(on(p, 1), [read("gget", [contracts[s], `k${p}`])]),
      ],
    ),
  ),
  ...[0, 2, 3].flatMap((s): Case[] => [
    [`a contract reads a map field of a contract of shard ${s}`, () => txBy(on(1, 2), [read("gmap", [contracts[s], "rec", on(s, 1)])])],
    [`a contract lists a map of a contract of shard ${s}`, () => txBy(on(2, 1), [read("gkeys", [contracts[s], "rec"])])],
  ]),
  ["a contract reads an absent key of a contract of another shard", () => txBy(on(1, 2), [read("gget", [contracts[0], "none"])])],
  ["a contract reads an absent map field of a contract of another shard", () => txBy(on(1, 2), [read("gmap", [contracts[2], "rec", "ghost9"])])],
  ["a contract lists an absent map of a contract of another shard", () => txBy(on(3, 1), [read("gkeys", [contracts[3], "none"])])],
  ["a contract reads the storage of a contract no shard has", () => txBy(on(1, 2), [read("gget", ["ContractNone", "k0"])])],
  ["a contract reads vote_producer.iost's producer table", () => txBy(on(1, 2), [read("gmap", ["vote_producer.iost", "producerTable", PRODUCER])])],
  [
    "a contract reads the storage of a contract of another shard, then the tx fails",
    () => txBy(on(1, 2), [read("gget", [contracts[0], "k1"]), transferAct(on(1, 2), on(1, 3), "99999999999")]),
  ],
  // The key read-locked on shard 0 for the parked run is written by the tx's own forwarded part afterwards.
  [
    "a contract reads the storage of a contract of another shard, then the tx writes it there",
    () => txBy(on(1, 2), [read("gget", [contracts[0], "k1"]), call(0, "put", ["k1", "w"]), read("gget", [contracts[0], "k1"])]),
  ],
  ["the written key read from a third shard", () => txBy(on(3, 1), [read("gget", [contracts[0], "k1"])])],
  ["a contract lends its caller's RAM to an account of its shard", () => txBy(on(1, 2), [read("lend", [on(1, 3), 10])])],
  // Inside a contract, a lend to an account of another shard: the RAM leaves as a credit, the borrower's total with it.
  ["a contract lends its caller's RAM to an account of another shard", () => txBy(on(1, 2), [read("lend", [on(2, 3), 10])])],
  ["a contract lends its caller's RAM to an account of shard 0", () => txBy(on(1, 2), [read("lend", [on(0, 3), 40])])],
  ["a contract lends its caller's RAM to an account of shard 3", () => txBy(on(1, 2), [read("lend", [on(3, 1), 100])])],
  ["a contract lends its caller's RAM to a missing account of another shard", () => txBy(on(1, 2), [read("lend", ["nobody", 10])])],
  ["a contract lends more RAM than its caller bought", () => txBy(on(1, 2), [read("lend", [on(2, 3), 10 ** 9])])],
  ["a contract lends less RAM than the minimum", () => txBy(on(1, 2), [read("lend", [on(2, 3), 9])])],
  [
    "a contract lends its caller's RAM to an account of another shard, then the tx fails",
    () => txBy(on(1, 2), [read("lend", [on(2, 3), 10]), transferAct(on(1, 2), on(1, 3), "99999999999")]),
  ],
  // The lend's credit carried to the part on the borrower's shard lands before that part's actions, the borrower's
  // total with it (forwarded.ts receiveHalf): the same gas and TR as one shard, whether the part succeeds or fails.
  [
    "a contract lends its caller's RAM to an account of another shard, then a contract of that shard runs",
    () => txBy(on(1, 2), [read("lend", [on(2, 3), 10]), call(2, "put", ["ln", "1"])]),
  ],
  [
    "a contract lends its caller's RAM to an account of another shard, then a contract of that shard fails",
    () => txBy(on(1, 2), [read("lend", [on(2, 3), 10]), call(2, "fail", ["no"])]),
  ],
  [
    "a contract of another shard lends its caller's RAM to an account of a third shard, then a contract there fails",
    () => txBy(on(3, 1), [read("lend", [on(0, 3), 20]), call(0, "fail", ["no"])]),
  ],
  [
    "a contract of another shard lends its caller's RAM to an account of a third shard, then a contract there runs",
    () => txBy(on(3, 1), [read("lend", [on(0, 3), 20]), call(0, "put", ["ln", "2"])]),
  ],
  ["a contract of another shard lends its caller's RAM to an account of a third shard", () => txBy(on(3, 1), [read("lend", [on(0, 3), 20])])],
  ["a contract of another shard lends its caller's RAM to an account of the caller's shard", () => txBy(on(3, 1), [read("lend", [on(3), 20])])],
  // The lend's credit rides to the next part, on the borrower's shard, which lands it with the borrower's total.
  [
    "a contract of another shard lends its caller's RAM to an account of a third shard, then a contract there writes",
    () => txBy(on(3, 1), [read("lend", [on(0, 3), 20]), call(0, "put", ["lent", "v"])]),
  ],
  [
    "a contract of another shard lends its caller's RAM to an account of a third shard, then a contract there fails",
    () => txBy(on(3, 1), [read("lend", [on(0, 3), 20]), call(0, "fail", ["no"])]),
  ],
  ["a contract lends its caller's RAM to a contract of another shard", () => txBy(on(1, 2), [read("lend", [contracts[2], 10])])],
  ["the borrower of another shard lends RAM back to its lender", () => txBy(on(2, 3), [act("ram.iost", "lend", [on(2, 3), on(1, 2), 10])])],
  ["the borrower of another shard sells more than it bought", () => txBy(on(2, 3), [act("ram.iost", "sell", [on(2, 3), on(2, 3), 10 ** 9])])],
  ["ram buy for oneself", () => txBy(on(1), [act("ram.iost", "buy", [on(1), on(1), 1000])])],
  ["ram buy for an account of another shard", () => txBy(on(1), [act("ram.iost", "buy", [on(1), on(2), 1000])])],
  ["ram buy for an account of another shard, the fee to a third shard", () => txBy(on(0), [act("ram.iost", "buy", [on(0), on(2), 1000])])],
  ["ram sell", () => txBy(on(1), [act("ram.iost", "sell", [on(1), on(1), 500])])],
  ["ram lend on the same shard", () => txBy(on(1), [act("ram.iost", "lend", [on(1), on(1, 1), 100])])],
  ["ram lend to another shard", () => txBy(on(1), [act("ram.iost", "lend", [on(1), on(2), 100])])],
  ["pledge for oneself", () => txBy(on(2), [act("gas.iost", "pledge", [on(2), on(2), "10"])])],
  ["pledge for an account of another shard", () => txBy(on(2), [act("gas.iost", "pledge", [on(2), on(0, 1), "10"])])],
  ["unpledge for an account of another shard", () => txBy(on(2), [act("gas.iost", "unpledge", [on(2), on(0, 1), "5"])])],
  ...[0, 2].map(
    (s): Case => [
      `admin unpledges its genesis pledge for an account of shard ${s}`,
      () => txBy("admin", [act("gas.iost", "unpledge", ["admin", on(s), "10"])]),
    ],
  ),
  // One pledger's pledges for users of three shards, interleaved: pledged_info lists them in pledge order.
  ...(
    [
      ["pledge", on(0, 5)],
      ["pledge", on(1, 7)],
      ["pledge", on(2, 4)],
      ["pledge", on(0, 6)],
      ["unpledge", on(1, 7)],
      ["pledge", on(1, 7)],
      ["unpledge", on(2, 4)],
      ["pledge", on(2, 4)],
    ] as const
  ).map(
    ([op, user], i): Case => [
      `pledge order ${i}: ${op} 10 for an account of shard ${shardOf(user, N)}`,
      () => txBy(on(1, 6), [act("gas.iost", op, [on(1, 6), user, "10"])]),
    ],
  ),
  ["unpledge beyond the pledge", () => txBy(on(2), [act("gas.iost", "unpledge", [on(2), on(0, 1), "500"])])],
  ...[0, 2].flatMap((s): Case[] => [
    [`vote from shard ${s}`, () => txBy(on(s), [act("vote_producer.iost", "vote", [on(s), PRODUCER, "100"])])],
    [`unvote from shard ${s}`, () => txBy(on(s), [act("vote_producer.iost", "unvote", [on(s), PRODUCER, "40"])])],
  ]),
  ["unvote beyond the vote", () => txBy(on(2), [act("vote_producer.iost", "unvote", [on(2), PRODUCER, "100"])])],
  // The voter's frozen iost goes with its escrow: token.iost reads it with the balance and unfreezes what is due.
  ...[on(2), on(2, 1)].flatMap((by, i): Case[] => [
    [`iost frozen until now to an account of shard 2, by ${i === 0 ? "itself" : "another"}`, () => txBy(by, [freezeNow(by, on(2))])],
    [`a vote from shard 2 unfreezes what is due, paid by ${i === 0 ? "itself" : "another"}`, () => vote(on(2), "10")],
  ]),
  // A frozen record another shard's account paid: the RAM freed of it goes back to that account's shard.
  ["iost frozen until now from shard 1 to an account of shard 2", () => txBy(on(1, 3), [freezeNow(on(1, 3), on(2, 3))])],
  ["a vote from shard 2 unfreezes what is due, paid by an account of shard 1", () => vote(on(2, 3), "10")],
  ["iost frozen until now from shard 1 to another account of shard 2", () => txBy(on(1, 7), [freezeNow(on(1, 7), on(2, 4))])],
  ["a transfer at home on shard 2 unfreezes what is due, paid by an account of shard 1", () => transfer(on(2, 4), on(2), "1")],
  ["iost frozen until now from shard 1 to an account of shard 0", () => txBy(on(1, 5), [freezeNow(on(1, 5), on(0, 4))])],
  // token.iost names itself the payer of its `ram` record; the RAM given back below rewrites it as doPay does (property test, PROP_SEED=44).
  ["ram bought for the frozen record's payer by another account", () => txBy(on(1), [act("ram.iost", "buy", [on(1), on(1, 5), 1000])])],
  ["iost frozen from shard 3 onto a frozen record of shard 0 paid by an account of shard 1", () => txBy(on(3, 1), [freezeNow(on(3, 1), on(0, 4))])],
  ["a vote from shard 2 beyond its balance", () => txBy(on(2), [act("vote_producer.iost", "vote", [on(2), PRODUCER, "2000000"])])],
  ["unvote the rest from shard 2", () => txBy(on(2), [act("vote_producer.iost", "unvote", [on(2), PRODUCER, "70"])])],
  // Along a chain of parts the record goes on with the escrow; a failure anywhere brings all of it back.
  ["iost frozen until now to an account of shard 1, by itself", () => txBy(on(1, 1), [freezeNow(on(1, 1), on(1, 1))])],
  ["a tx fails on the third shard of its chain after unfreezing on the second", () => txBy(on(1, 1), [call(2, "pay", ["2"]), call(3, "fail", ["no"])])],
  ["a chain over three shards unfreezes what is due on the second", () => txBy(on(1, 1), [call(2, "pay", ["2"]), call(3, "pay", ["1"])])],
  // A user's vote on vote.iost (shard 0): opened, voted and closed from other shards, forwarded there.
  [
    "user vote: newVote from shard 2 locks its deposit",
    () => txBy(on(2), [act("vote.iost", "newVote", [on(2), "poll", { resultNumber: 2, minVote: "1", options: ["a", "b"] }])]),
  ],
  ["user vote: vote from shard 1", () => txBy(on(1), [act("vote.iost", "vote", ["2", on(1), "a", "5"])])],
  ["user vote: voteFor another account from shard 3 is refused", () => txBy(on(3), [act("vote.iost", "voteFor", ["2", on(3), on(1), "b", "1"])])],
  ["user vote: addOption by its owner from shard 2", () => txBy(on(2), [act("vote.iost", "addOption", ["2", "c", false])])],
  ["user vote: unvote from shard 1", () => txBy(on(1), [act("vote.iost", "unvote", ["2", on(1), "a", "2"])])],
  ["user vote: delVote from shard 2 returns the deposit", () => txBy(on(2), [act("vote.iost", "delVote", ["2"])])],
  ["destroy iost on shard 1", () => txBy(on(1), [act("token.iost", "destroy", ["iost", on(1), "1"])])],
  ["supply of iost from shard 3 after a destroy on shard 1", () => txBy(on(3), [tokenRead("supply", ["iost"])])],
  ["a contract reads the supply of iost off shard 0 after a destroy", () => txBy(on(1, 2), [read("sup", ["iost"])])],
  ["add a permission", () => txBy(on(3), [act("auth.iost", "addPermission", [on(3), "perm1", 1])])],
  // domain.iost is 0.0.0 from genesis (IOST's): no link until admin sets 1.0.0, which runs on domain.iost's shard.
  ["link before domain.iost 1.0.0: abi link not found", () => txBy(on(2), [act("domain.iost", "link", ["rec.one", contracts[1]])])],
  ["updateNativeCode by an account of shard 2 is refused", () => txBy(on(2), [act("system.iost", "updateNativeCode", ["domain.iost", "1.0.0", ""])])],
  ["admin sets domain.iost 1.0.0", () => txBy("admin", [act("system.iost", "updateNativeCode", ["domain.iost", "1.0.0", ""])])],
  // domain.iost decides urls on the consensus shard and copies them to every other one (contracts/domain.ts).
  ["link a url from shard 2 to the contract of shard 1", () => txBy(on(2), [act("domain.iost", "link", ["rec.one", contracts[1]])])],
  ["a url taken by another account (shard 3)", () => txBy(on(3), [act("domain.iost", "link", ["rec.one", contracts[3]])])],
  ...[0, 1, 2, 3].map((s): Case => [`call the contract of shard 1 by its url from shard ${s}`, () => txBy(on(s, 1), [act("rec.one", "put", [`u${s}`, "v"])])]),
  [
    // The link runs on the consensus shard, which resolves it at once (a tx's actions never return to a shard they left).
    "link and call by the url in one tx from shard 3 (the contract of shard 0)",
    () => txBy(on(3), [act("domain.iost", "link", ["rec.zero", contracts[0]]), act("rec.zero", "put", ["same", "tx"])]),
  ],
  // A later part on another shard than the consensus shard knows the link: its copy rides on with the chain.
  [
    "link and call by the url in one tx from shard 3 (the contract of shard 2)",
    () => txBy(on(3), [act("domain.iost", "link", ["rec.two", contracts[2]]), act("rec.two", "put", ["same", "tx2"])]),
  ],
  [
    "link a url in one tx from shard 1 to the contract of shard 3, then a contract of shard 1 calls it",
    () => txBy(on(1, 2), [act("domain.iost", "link", ["rec.thr", contracts[3]]), callOf("rec.thr", "put", ["via", "url"])]),
  ],
  ["transfer a url from shard 2 to an account of shard 0", () => txBy(on(2), [act("domain.iost", "transfer", ["rec.one", on(0)])])],
  ["the new owner of shard 0 relinks the url to the contract of shard 2", () => txBy(on(0), [act("domain.iost", "link", ["rec.one", contracts[2]])])],
  ["call the relinked url from shard 1", () => txBy(on(1, 2), [act("rec.one", "mine", ["by url"])])],
  ["a contract of shard 1 reads domain.iost's links", () => txBy(on(1, 2), [read("gmap", ["domain.iost", "dns_table", "rec.one"])])],
  ["a contract lists domain.iost's owners from shard 3", () => txBy(on(3, 1), [read("gkeys", ["domain.iost", "dns_owner_table"])])],
  // exchange.iost: a plain transfer runs at home, a creating one on the new account's shard (executor/forward.ts).
  ["exchange transfer from shard 1 to an account of shard 2", () => txBy(on(1), [act("exchange.iost", "transfer", ["iost", on(2), "5", "x"])])],
  ...[1, 3].map((s): Case => [`exchange creates an account of shard ${s} from shard 1`, () => txBy(on(1, 3), [exchangeCreate(nameOn(s), 150)])]),
  ["exchange creates an account with less than 100 iost", () => txBy(on(1, 3), [exchangeCreate(nameOn(2), 99)])],
  ["exchange creates an account that exists (shard 3)", () => txBy(on(1, 3), [exchangeCreate(nameOn(3), 150)])],
  // A co-signer of a shard a chain sent the rest on from: its RAM goes along from there and the settle hands it back,
  // paid once after the last action as one shard pays it (docs/SHARDING.md "Co-signers' RAM escrow").
  [
    "a chain's last part charges RAM to a co-signer of a shard the chain left",
    () => txBy(on(1, 1), [call(0, "put", ["cl", "1"]), call(2, "theirs", [on(0, 7), "cl"])], { signers: [on(0, 7)] }),
  ],
  [
    "a co-signer of a chain's first forwarded shard is charged there and on the last",
    () => txBy(on(1, 1), [call(0, "theirs", [CO, "f1"]), call(2, "theirs", [CO, "f12"])], { signers: [CO] }),
  ],
  [
    "a co-signer of the second forwarded shard of a three-hop chain is charged there and on the last",
    () => txBy(on(1, 1), [call(2, "put", ["h3", "1"]), call(0, "theirs", [CO, "s2"]), call(3, "theirs", [CO, "s23"])], { signers: [CO] }),
  ],
  [
    "a chain back on its co-signer's shard charges it on the shard between and there again",
    () => txBy(on(1, 1), [call(0, "put", ["rt", "1"]), call(2, "theirs", [CO, "rt2"]), call(0, "theirs", [CO, "rt20"])], { signers: [CO] }),
  ],
  [
    "a chain back on its co-signer's shard goes on to a fourth",
    () =>
      txBy(on(1, 1), [call(0, "put", ["rt", "2"]), call(2, "theirs", [CO, "r"]), call(0, "theirs", [CO, "rt"]), call(3, "theirs", [CO, "rt4"])], {
        signers: [CO],
      }),
  ],
  [
    "a chain fails on its last shard after charging a co-signer of its first forwarded shard",
    () => txBy(on(1, 1), [call(0, "theirs", [CO, "failed"]), call(2, "fail", ["no"])], { signers: [CO] }),
  ],
  [
    "a co-signer of shard 0 keeps the RAM of one long record",
    () => txBy(LEAN, [act("ram.iost", "sell", [LEAN, LEAN, Number(freeRam(one, LEAN)) - LONG_RECORD])]),
  ],
  [
    "a co-signer of a chain's first forwarded shard short of RAM for a record there and one on the last",
    () => txBy(on(1, 1), [call(0, "theirs", [LEAN, LONG]), call(2, "theirs", [LEAN, LONG])], { signers: [LEAN] }),
  ],
  [
    "a co-signer of a chain's first forwarded shard with exactly the RAM the last part charges it",
    () => txBy(on(1, 1), [call(0, "put", ["ex", "1"]), call(2, "theirs", [LEAN, LONG])], { signers: [LEAN] }),
  ],
  [
    "a co-signer with no RAM left frees on the last part more than the first forwarded part charges it",
    () => txBy(on(1, 1), [call(0, "theirs", [LEAN, "u"]), call(2, "theirs", [LEAN, "u"])], { signers: [LEAN] }),
  ],
  [
    "a co-signer short of RAM is charged on the shard between two parts on its own",
    () => txBy(on(1, 1), [call(0, "put", ["sb", "1"]), call(2, "theirs", [LEAN, LONG]), call(0, "put", ["sb", "2"])], { signers: [LEAN] }),
  ],
  [
    "a chain ending back on its co-signer's shard charges a co-signer of a shard it has not run on too",
    () =>
      txBy(on(1, 1), [call(0, "put", ["rp", "1"]), call(2, "theirs", [CO, "rp"]), call(0, "theirs", [CO, "rp0"]), call(0, "theirs", [on(3, 1), "rp"])], {
        signers: [CO, on(3, 1)],
      }),
  ],
  [
    "a chain back home charges a co-signer of the shard between",
    () => txBy(on(1, 1), [call(0, "put", ["hb", "1"]), call(1, "theirs", [CO, "hb"])], { signers: [CO] }),
  ],
  [
    "a chain back home charges co-signers of home and of the shard between, then goes on to a third",
    () => txBy(on(1, 1), [call(0, "put", ["hb", "2"]), call(1, "theirs", [CO, "hb2"]), call(2, "theirs", [on(1, 2), "hb2"])], { signers: [CO, on(1, 2)] }),
  ],
  [
    "a co-signer of the publisher's shard charged at home and by a forwarded part",
    () => txBy(on(1, 1), [call(1, "theirs", [on(1, 2), "hh"]), call(2, "theirs", [on(1, 2), "hh22"])], { signers: [on(1, 2)] }),
  ],
  ["iost frozen to an account of another shard by a caller short of RAM", () => txBy(SHORT, [freezeNow(SHORT, on(2, 4))])],
  // A credit's half charging its publisher RAM on the receiver's shard, with exactly that RAM left and one byte less.
  ["gold moved to a publisher of shard 1 with none yet", () => transferOf("gold", on(0), TIGHT, "6")],
  ...tight("a new gold record", GOLD_RECORD, GOLD_RECORD, "gold moved to an account of another shard, its first record,", () =>
    transferOf("gold", TIGHT, on(0, 7), "1"),
  ),
  ...tight("a new gold record", GOLD_RECORD, GOLD_RECORD - 1, "gold moved to another account of another shard, its first record,", () =>
    transferOf("gold", TIGHT, on(0, 6), "1"),
  ),
  ...tight("a new frozen list", FROZEN_LIST, FROZEN_LIST, "iost frozen to an account of another shard, its first frozen list,", () =>
    txBy(TIGHT, [freezeNow(TIGHT, on(0, 7))]),
  ),
  ...tight("a new frozen list", FROZEN_LIST, FROZEN_LIST - 1, "iost frozen to another account of another shard, its first frozen list,", () =>
    txBy(TIGHT, [freezeNow(TIGHT, on(0, 5))]),
  ),
  // A forwarded part's credit whose half charges the publisher RAM: the last part reserves what is left of its RAM
  // escrow for the half, which decides the tx (docs/SHARDING.md "A credit's RAM"; short of it: the medal case above).
  ...tight("a new medal record", MEDAL_RECORD, MEDAL_RECORD, "reward contract of another shard issues medal to its caller, its first record,", () =>
    claim(TIGHT, "medal"),
  ),
  // iron's shard is 3: TIGHT (shard 1) creates it there, then issues it to accounts of shard 0.
  [
    "a token of shard 3 created by a publisher of shard 1",
    () => txBy(TIGHT, [act("ram.iost", "buy", [TIGHT, TIGHT, 1000]), act("token.iost", "create", ["iron", TIGHT, 1000, { decimal: 0 }])]),
  ],
  ...tight("a new iron record", GOLD_RECORD, GOLD_RECORD, "a token issued by a forwarded part to an account of a third shard, its first record,", () =>
    txBy(TIGHT, [act("token.iost", "issue", ["iron", on(0, 2), "2"])]),
  ),
  ...tight("a new iron record", GOLD_RECORD, GOLD_RECORD - 1, "a token issued by a forwarded part to another account of a third shard, its first record,", () =>
    txBy(TIGHT, [act("token.iost", "issue", ["iron", on(0, 3), "2"])]),
  ),
  // An unpledge's refund is frozen into the pledger's list, which its escrow holds there: one shard's doPay pays it.
  ["a pledge for an account of another shard by a publisher short of RAM", () => txBy(on(2, 2), [act("gas.iost", "pledge", [on(2, 2), on(0, 1), "10"])])],
  ["its unpledge, whose frozen refund's list the publisher cannot pay", () => txBy(on(2, 2), [act("gas.iost", "unpledge", [on(2, 2), on(0, 1), "5"])])],
  [
    "an unpledge for an account of another shard by a publisher with RAM for its refund",
    () => txBy(on(2), [act("gas.iost", "unpledge", [on(2), on(0, 1), "1"])]),
  ],
  // A contract of another shard moving its caller's tokens (the escrow) to an account of any shard: a credit whose
  // half settles at home, or decides the tx when it may charge the caller RAM (docs/SHARDING.md "A forwarded part's payments").
  ["giver contract deployed on shard 2", () => txBy(on(2, 4), [act("system.iost", "setCode", [contractJson(GIVER, GIVER_ABI)])])],
  ["a contract of shard 2 sends its caller's iost to an account of the caller's shard", () => txBy(GIVEN, [give(on(1, 7), "2")])],
  ["a contract of shard 2 sends its caller's iost to an account of its own shard", () => txBy(GIVEN, [give(on(2, 3), "2")])],
  ...[0, 3].map((c): Case => [`a contract of shard 2 sends its caller's iost to an account of shard ${c}`, () => txBy(GIVEN, [give(on(c), "1.5")])]),
  ["a contract of shard 2 sends its caller's iost to the caller", () => txBy(GIVEN, [give(GIVEN, "1")])],
  ["a contract of shard 2 sends its caller's iost to a contract of shard 0", () => txBy(GIVEN, [give(contracts[0], "1")])],
  ["a contract of shard 2 sends its caller's iost to a missing account of shard 3", () => txBy(GIVEN, [give("ghost2", "1")])],
  ["a contract of shard 2 sends more of its caller's iost than it holds to shard 3", () => txBy(GIVEN, [give(on(3), "2000000")])],
  ["a contract of shard 2 sends its caller's iost twice, to shards 0 and 1", () => txBy(GIVEN, [give(on(0, 3), "1"), give(on(1, 7), "1")])],
  ["a contract of shard 2 sends its caller's iost to shard 3, then fails", () => txBy(GIVEN, [give(on(3), "1"), act(giver, "fail", ["no"])])],
  [
    "a contract of shard 2 sends its caller's iost to shards 1 and 3, then a contract of shard 0 fails",
    () => txBy(GIVEN, [give(on(1, 7), "1"), give(on(3), "1"), call(0, "fail", ["no"])]),
  ],
  [
    "a contract of shard 2 sends its caller's iost to shard 3, then a contract of shard 0 writes",
    () => txBy(GIVEN, [give(on(3), "1"), call(0, "put", ["gv", "1"])]),
  ],
  [
    "a transfer at home, then a contract of shard 2 sends the caller's iost back to the caller's shard",
    () => txBy(GIVEN, [transferAct(GIVEN, on(1, 7), "1"), give(on(1, 7), "1")]),
  ],
  // A contract calls a contract of another shard (docs/SHARDING.md "Calls of another shard's contract"): the callee runs in the
  // caller's run on its code and records fetched from its shard, and its writes land there with the run's release.
  ["a contract has a contract of another shard write a new key", () => txBy(on(1, 2), [callOf(contracts[0], "put", ["rc", "v1"])])],
  ["a contract has a contract of another shard overwrite a key", () => txBy(on(1, 2), [callOf(contracts[0], "put", ["rc", "v2"])])],
  ["a contract of another shard reads the overwritten key", () => txBy(on(1, 2), [read("gget", [contracts[0], "rc"])])],
  ["a contract has a contract of another shard write a map field", () => txBy(on(1, 2), [callOf(contracts[2], "mine", ["m1"])])],
  ["a contract has a contract of another shard overwrite a map field", () => txBy(on(1, 2), [callOf(contracts[2], "mine", ["m2"])])],
  ["a contract has a contract of another shard delete a map field", () => txBy(on(1, 2), [callOf(contracts[2], "drop", [])])],
  ["a contract has a contract of another shard write a field for another payer", () => txBy(on(1, 2), [callOf(contracts[3], "theirs", [on(1, 2), "t"])])],
  ["a contract has a contract of another shard fail", () => txBy(on(1, 2), [callOf(contracts[0], "fail", ["boom"])])],
  [
    "a contract has a contract of another shard write, then the tx fails",
    () => txBy(on(1, 2), [callOf(contracts[0], "put", ["rf", "v"]), callOf(contracts[0], "fail", ["late"])]),
  ],
  ["the key written by the failed tx is absent", () => txBy(on(3, 1), [read("gget", [contracts[0], "rf"])])],
  [
    "a contract has a contract of another shard write twice in one tx",
    () => txBy(on(1, 2), [callOf(contracts[0], "put", ["r2", "a"]), callOf(contracts[0], "put", ["r2", "b"])]),
  ],
  ["a caller pays the giver", () => txBy(on(1, 2), [transferAct(on(1, 2), giver, "10")])],
  ["a contract has a contract of another shard send its own iost to the caller", () => txBy(on(1, 2), [callOf(giver, "spend", [on(1, 2), "1"])])],
  ["a contract has a contract of another shard send its own iost to a third shard", () => txBy(on(1, 2), [callOf(giver, "spend", [on(3, 1), "1.5"])])],
  ["a contract has a contract of another shard send its own iost to its shard", () => txBy(on(1, 2), [callOf(giver, "spend", [on(2, 3), "0.5"])])],
  ["a contract has a contract of another shard send more iost than it holds", () => txBy(on(1, 2), [callOf(giver, "spend", [on(1, 2), "1000"])])],
  ["a contract of another shard pays its caller's iost into itself with its authority", () => txBy(on(1, 2), [callOf(contracts[2], "pay", ["1"], true)])],
  ["a contract of another shard without the caller's authority", () => txBy(on(1, 2), [callOf(giver, "give", [on(1, 3), "1"])])],
  ["a contract of another shard with the caller's authority", () => txBy(on(1, 2), [callOf(giver, "give", [on(1, 3), "1"], true)])],
  ["relay contract deployed on shard 3", () => txBy(on(3, 1), [act("system.iost", "setCode", [contractJson(READER, READER_ABI)])])],
  [
    "a contract calls a contract of shard 3 that calls a contract of shard 0",
    () => txBy(on(1, 2), [callOf(relay, "callee", [contracts[0], "put", JSON.stringify(["ch", "c"])])]),
  ],
  [
    "a contract calls a contract of shard 3 that calls a contract of shard 1",
    () => txBy(on(1, 2), [callOf(relay, "callee", [contracts[1], "put", JSON.stringify(["ch", "d"])])]),
  ],
  ...[0, 2, 3].map(
    (p): Case => [
      `a caller of shard ${p} has a contract call a contract of shard 0 that writes`,
      () => txBy(on(p, 1), [callOf(contracts[0], "put", [`f${p}`, "v"])]),
    ],
  ),
  [
    "a contract of another shard writes, then a forwarded part fails",
    () => txBy(on(1, 2), [callOf(contracts[0], "put", ["rg", "x"]), call(3, "fail", ["no"])]),
  ],
  ["the key written before the forwarded part failed is absent", () => txBy(on(2, 1), [read("gget", [contracts[0], "rg"])])],
  [
    "a contract of another shard writes, then a forwarded part succeeds",
    () => txBy(on(1, 2), [callOf(contracts[0], "put", ["rs", "x"]), call(3, "put", ["rs", "y"])]),
  ],
  ["the key written before the forwarded part succeeded is there", () => txBy(on(2, 1), [read("gget", [contracts[0], "rs"])])],
  [
    "a contract of another shard writes, then a top-level action of its shard fails",
    () => txBy(on(1, 2), [callOf(contracts[0], "put", ["rw", "x"]), call(0, "put", ["rw2", "y"]), call(0, "fail", ["no"])]),
  ],
  ["the key written before the part of its shard failed is absent", () => txBy(on(2, 1), [read("gget", [contracts[0], "rw"])])],
  [
    "a contract of another shard writes, then a top-level action of its shard overwrites it",
    () => txBy(on(1, 2), [callOf(contracts[0], "put", ["ro", "x"]), call(0, "put", ["ro", "y"]), read("gget", [contracts[0], "ro"])]),
  ],
  [
    "a forwarded part has a contract of another shard write, then the next part on that shard overwrites it",
    () => txBy(on(2, 1), [callOf(contracts[0], "put", ["fw", "x"]), call(0, "put", ["fw", "y"]), read("gget", [contracts[0], "fw"])]),
  ],
  [
    "a forwarded part has a contract of another shard write, then the next part on that shard fails",
    () => txBy(on(2, 1), [callOf(contracts[0], "put", ["fx", "x"]), call(0, "fail", ["no"])]),
  ],
  ["the key written before the next part failed is absent", () => txBy(on(3, 1), [read("gget", [contracts[0], "fx"])])],
  [
    "a forwarded part has a contract of another shard write, then a part on a third shard fails",
    () => txBy(on(2, 1), [callOf(contracts[0], "put", ["fy", "x"]), call(3, "fail", ["no"])]),
  ],
  ["the key written before the third shard's part failed is absent", () => txBy(on(3, 1), [read("gget", [contracts[0], "fy"])])],
  [
    "a contract of another shard writes, then a top-level action of its shard reads it",
    () => txBy(on(1, 2), [callOf(contracts[0], "put", ["rt", "x"]), call(0, "put", ["rt2", "y"]), read("gget", [contracts[0], "rt"])]),
  ],
  // A chain coming back to the callee's shard, or reaching it after another part: the writes go along with the chain,
  // land before the first part of their shard (later parts on other shards read them as the run's own), and what no part
  // landed comes back to the writer, which lands it with its release (docs/SHARDING.md "Calls of another shard's contract").
  [
    "a contract of another shard writes, then a part of a third shard, then a part of its shard reads it",
    () => txBy(on(1, 2), [callOf(contracts[3], "put", ["cc", "x"]), call(2, "put", ["cc2", "y"]), act(relay, "gget", [contracts[3], "cc"])]),
  ],
  [
    "a contract of another shard writes, then a part of a third shard, then a part of its shard overwrites it",
    () =>
      txBy(on(1, 2), [
        callOf(contracts[3], "put", ["cd", "x"]),
        call(2, "put", ["cd2", "y"]),
        call(3, "put", ["cd", "z"]),
        act(relay, "gget", [contracts[3], "cd"]),
      ]),
  ],
  ["the key overwritten by the part of its shard is the part's", () => txBy(on(2, 1), [read("gget", [contracts[3], "cd"])])],
  [
    "a contract of another shard writes a map field, then a part of a third shard, then a part of its shard deletes it",
    () =>
      txBy(on(1, 2), [
        callOf(contracts[3], "mine", ["ce"]),
        call(2, "put", ["ce2", "y"]),
        call(3, "drop", []),
        act(relay, "gmap", [contracts[3], "rec", on(1, 2)]),
      ]),
  ],
  ["the map field deleted by the part of its shard is absent", () => txBy(on(2, 1), [read("gmap", [contracts[3], "rec", on(1, 2)])])],
  [
    "a contract of another shard writes, its shard's part runs, a third shard's, then its shard's again overwrites it",
    () =>
      txBy(on(1, 2), [
        callOf(contracts[3], "put", ["cf", "x"]),
        call(3, "put", ["cf2", "y"]),
        call(2, "put", ["cf3", "y"]),
        call(3, "put", ["cf", "z"]),
        act(relay, "gget", [contracts[3], "cf"]),
      ]),
  ],
  [
    "a contract of another shard writes, then a part of its shard parks for a call of a contract of a third shard, then reads it",
    () =>
      txBy(on(1, 2), [
        callOf(contracts[3], "put", ["ck", "x"]),
        act(relay, "callee", [contracts[0], "put", JSON.stringify(["ck", "y"])]),
        act(relay, "gget", [contracts[3], "ck"]),
      ]),
  ],
  // The home wrote the key, a part of another shard had a callee overwrite it, a later part at home landed that, then the
  // tx fails: the callee's release puts back the home's value before the home part's undo puts back the original.
  [
    "a home part writes a key, a part of another shard has it overwritten, a part back home reads it, then the tx fails",
    () =>
      txBy(on(3, 1), [
        call(3, "put", ["cl", "a"]),
        callOf(contracts[3], "put", ["cl", "b"]),
        act(relay, "gget", [contracts[3], "cl"]),
        call(0, "fail", ["no"]),
      ]),
  ],
  ["the key the failed tx wrote at home and had overwritten is absent", () => txBy(on(2, 1), [read("gget", [contracts[3], "cl"])])],
  [
    "a contract of another shard writes, then a part of its shard overwrites it after a third shard's, then the tx fails",
    () => txBy(on(1, 2), [callOf(contracts[3], "put", ["cg", "x"]), call(2, "put", ["cg2", "y"]), call(3, "put", ["cg", "z"]), call(0, "fail", ["no"])]),
  ],
  ["the key written and overwritten before the tx failed is absent", () => txBy(on(2, 1), [read("gget", [contracts[3], "cg"])])],
  [
    "a forwarded part has a contract of the home's shard write, then parts of two other shards, then the home's part overwrites it",
    () =>
      txBy(on(1, 2), [
        call(2, "put", ["ch", "1"]),
        act(relay, "callee", [contracts[1], "put", JSON.stringify(["ch", "x"])]),
        call(0, "put", ["ch2", "y"]),
        call(1, "put", ["ch", "z"]),
        read("gget", [contracts[1], "ch"]),
      ]),
  ],
  [
    "a contract of another shard writes, then a part of a third shard, then the home reads it through a contract",
    () => txBy(on(1, 2), [callOf(contracts[3], "put", ["ci", "x"]), call(2, "put", ["ci2", "y"]), read("gget", [contracts[3], "ci"])]),
  ],
  [
    "a contract of another shard writes, then a part of a third shard, then the home has it overwrite",
    () => txBy(on(1, 2), [callOf(contracts[3], "put", ["cj", "x"]), call(2, "put", ["cj2", "y"]), callOf(contracts[3], "put", ["cj", "z"])]),
  ],
  ["the key the home had overwritten after a third shard's part is the last write", () => txBy(on(2, 1), [read("gget", [contracts[3], "cj"])])],
  // domain.iost called inside a contract of another shard than the consensus shard: as a callee of shard 0.
  ["a contract of shard 3 links a url to itself", () => txBy(on(3, 1), [act(relay, "authed", ["domain.iost", "link", JSON.stringify(["rec.rel", relay])])])],
  ...[0, 1, 3].map((s): Case => [`call the contract of shard 3 by its url from shard ${s}`, () => txBy(on(s, 1), [act("rec.rel", "gget", [relay, "x"])])]),
  [
    "a contract of shard 3 links a url, then a contract of shard 0 runs, then a contract of shard 1 calls the url",
    () =>
      txBy(on(3, 1), [
        act(relay, "authed", ["domain.iost", "link", JSON.stringify(["rec.re2", contracts[2]])]),
        call(0, "put", ["dn", "1"]),
        callOf("rec.re2", "put", ["via2", "u"]),
      ]),
  ],
  ["call the contract of shard 2 by that url from shard 3", () => txBy(on(3, 1), [act("rec.re2", "put", ["by", "url"])])],
  [
    "link a url, call a contract of shard 1, link another, then a contract of shard 3 calls the first, in one tx from shard 2",
    () =>
      txBy(on(2, 1), [
        act("domain.iost", "link", ["rec.fi2", contracts[2]]),
        call(1, "put", ["lk", "1"]),
        act("domain.iost", "link", ["rec.se2", contracts[2]]),
        act(relay, "callee", ["rec.fi2", "put", JSON.stringify(["via", "first"])]),
      ]),
  ],
  [
    "a contract of shard 3 links a url, then the tx fails",
    () => txBy(on(3, 1), [act(relay, "authed", ["domain.iost", "link", JSON.stringify(["rec.re3", contracts[2]])]), call(0, "fail", ["no"])]),
  ],
  ["call that url from shard 1", () => txBy(on(1, 2), [act("rec.re3", "put", ["by", "url"])])],
  [
    "a contract of shard 3 transfers a url its caller does not own",
    () => txBy(on(3, 1), [act(relay, "authed", ["domain.iost", "transfer", JSON.stringify(["rec.one", on(3, 1)])])]),
  ],
  // A later part lists a map an earlier action of the tx added a field to on another shard, as one shard lists it.
  [
    "a contract of shard 3 has one of shard 2 put its caller's record, then a contract of shard 1 lists that map",
    () => txBy(on(0, 3), [act(relay, "callee", [contracts[2], "mine", JSON.stringify(["mk"])]), read("gkeys", [contracts[2], "rec"])]),
  ],
  [
    "a contract of shard 3 has one of shard 1 add two fields to a map, then that one lists it",
    () => txBy(on(0, 3), [act(relay, "callee", [reader, "mputs", JSON.stringify(["mm", JSON.stringify(["b", "a"])])]), read("gkeys", [reader, "mm"])]),
  ],
  [
    "a contract of shard 3 has one of shard 1 add two fields to a map, then lists it",
    () => txBy(on(0, 3), [act(relay, "callee", [reader, "mputs", JSON.stringify(["mn", JSON.stringify(["d", "c"])])]), act(relay, "gkeys", [reader, "mn"])]),
  ],
  [
    "a contract of shard 3 has one of shard 1 add two fields to a map",
    () => txBy(on(0, 3), [act(relay, "callee", [reader, "mputs", JSON.stringify(["mo", JSON.stringify(["f", "e"])])])]),
  ],
  ["a contract lists the map a contract of another shard added two fields to", () => txBy(on(2, 1), [read("gkeys", [reader, "mo"])])],
  // The home part's transfer creates the reader contract's iost record; the relay's, on shard 3, sends a credit to it home,
  // and the tx fails there. The failing part's probe leaves before its settle (incoming.ts): after it, the home part
  // undone, its half would find no record and count 300 gas less (a GetCost) than one shard's run.
  [
    "an account of shard 1 pays a contract of its shard, a contract of shard 3 pays it too, then the tx fails",
    () =>
      txBy(on(1, 2), [
        transferAct(on(1, 2), reader, "1"),
        act(relay, "authed", ["token.iost", "transfer", JSON.stringify(["iost", on(1, 2), reader, "1", ""])]),
        call(3, "fail", ["no"]),
      ]),
  ],
  [
    "an account of shard 1 pledges for one of shard 0, then a contract of shard 3 lists its users",
    () => txBy(on(1, 4), [act("gas.iost", "pledge", [on(1, 4), on(0, 3), "1"]), act(relay, "gkeys", ["gas.iost", `${on(1, 4)}gp`])]),
  ],
  [
    "an account of shard 1 pledges for one of shard 2, then a contract of its own shard lists its users",
    () => txBy(on(1, 4), [act("gas.iost", "pledge", [on(1, 4), on(2, 3), "1"]), read("gkeys", ["gas.iost", `${on(1, 4)}gp`])]),
  ],
  // A contract creating an account, or changing one's permissions, of another shard: as one shard does.
  [
    "a contract of shard 1 signs up an account of shard 3",
    () => txBy(on(1, 2), [read("authed", ["auth.iost", "signUp", JSON.stringify([MADE[3], fakeKey(-1), fakeKey(-1)])])]),
  ],
  ["an account of shard 0 pays the account a contract signed up", () => txBy(on(0), [transferAct(on(0), MADE[3], "1")])],
  [
    "a contract of shard 1 signs up an account of shard 2, then its caller pays it",
    () => txBy(on(1, 2), [read("authed", ["auth.iost", "signUp", JSON.stringify([MADE[2], fakeKey(-1), fakeKey(-1)])]), transferAct(on(1, 2), MADE[2], "1")]),
  ],
  ["a contract of shard 1 signs up an account of shard 3, then the tx fails", () => txBy(on(1, 2), [signUpIn(MADE2[3]), call(0, "fail", ["no"])])],
  ["an account of shard 0 pays the account the failed tx signed up", () => txBy(on(0), [transferAct(on(0), MADE2[3], "1")])],
  [
    "a contract of shard 1 signs up an account of shard 2, then a contract of shard 2 runs, then its caller pays the account",
    () => txBy(on(1, 2), [signUpIn(MADE2[2]), call(2, "put", ["su", "1"]), transferAct(on(1, 2), MADE2[2], "2")]),
  ],
  [
    "a contract of shard 1 signs up an account of shard 0, then a contract of shard 0 runs, then the tx fails",
    () => txBy(on(1, 2), [signUpIn(MADE2[0]), call(0, "put", ["sv", "1"]), call(3, "fail", ["no"])]),
  ],
  ["an account of shard 3 pays the account that tx signed up", () => txBy(on(3), [transferAct(on(3), MADE2[0], "1")])],
  [
    "a contract of shard 1 signs up an account of shard 0, then a contract of shard 3 pays it",
    () => txBy(on(1, 2), [signUpIn(MADE[0]), act(relay, "authed", ["token.iost", "transfer", JSON.stringify(["iost", on(1, 2), MADE[0], "1", ""])])]),
  ],
  [
    "a contract of shard 1 signs up an account of shard 2, then a contract of shard 2 runs, then a contract of shard 3 pays it",
    () =>
      txBy(on(1, 2), [
        signUpIn(MADE3),
        call(2, "put", ["sw", "1"]),
        act(relay, "authed", ["token.iost", "transfer", JSON.stringify(["iost", on(1, 2), MADE3, "1", ""])]),
      ]),
  ],
  [
    "an account of shard 2 pays the accounts contracts signed up",
    () => txBy(on(2, 1), [transferAct(on(2, 1), MADE[0], "1"), transferAct(on(2, 1), MADE2[2], "1")]),
  ],
  [
    "a contract of shard 1 adds a permission to its co-signer of shard 3",
    () => txBy(on(1, 2), [read("authed", ["auth.iost", "addPermission", JSON.stringify([on(3, 1), "pm", 1])])], { signers: [`${on(3, 1)}@owner`] }),
  ],
  ["a contract of shard 1 asks for that permission", () => txBy(on(1, 2), [read("can", [on(3, 1), "pm"])], { signers: [`${on(3, 1)}@owner`] })],
  ["that permission signs a tx of its account", () => txBy(on(3, 1), [transferAct(on(3, 1), on(0), "1")], { signers: [`${on(3, 1)}@pm`] })],
  // A token a tx creates on its symbol's shard, read later in the tx by a contract of another shard: it knows it.
  [
    "an account of shard 2 creates a token of shard 3, then a contract of shard 1 reads its supply and its balance",
    () =>
      txBy(on(2, 1), [
        act("token.iost", "create", [FRESH_SYM[3], on(2, 1), 1000, { decimal: 0 }]),
        act("token.iost", "issue", [FRESH_SYM[3], on(2, 1), "10"]),
        read("sup", [FRESH_SYM[3]]),
        read("bal", [FRESH_SYM[3], on(2, 1)]),
      ]),
  ],
  [
    "an account of shard 2 creates a token of shard 0, then a contract of shard 1 reads its supply, then the tx fails",
    () => txBy(on(2, 1), [act("token.iost", "create", [FRESH_SYM[0], on(2, 1), 1000, { decimal: 0 }]), read("sup", [FRESH_SYM[0]]), call(3, "fail", ["no"])]),
  ],
  [
    "an account of shard 2 creates a token721 token of shard 3 and issues one, then a contract of shard 1 reads its holding",
    () => txBy(on(2, 1), [nft("create", [NFT_FRESH, on(2, 1), 5]), nft("issue", [NFT_FRESH, on(2, 1), "{}"]), act(nftReader, "held", [NFT_FRESH])]),
  ],
  [
    "a contract of shard 1 creates a token of shard 2 and issues some to its caller, then a contract of shard 3 reads its supply and the balance",
    () =>
      txBy(on(0, 1), [
        act(minter, "make", [FRESH_SYM[2], 1000, 0]),
        act(minter, "give", [FRESH_SYM[2], "7"]),
        act(relay, "sup", [FRESH_SYM[2]]),
        act(relay, "bal", [FRESH_SYM[2], on(0, 1)]),
      ]),
  ],
  [
    "a contract of shard 1 creates a token of shard 3, then a contract of shard 0 reads its supply, then the tx fails",
    () =>
      txBy(on(0, 1), [
        act(minter, "make", [FAILED_SYM, 1000, 0]),
        act(contracts[0], "put", ["tk", "1"]),
        act(relay, "sup", [FAILED_SYM]),
        call(2, "fail", ["no"]),
      ]),
  ],
  ["a contract of shard 3 reads the supply of the token that failed tx created", () => txBy(on(0, 1), [act(relay, "sup", [FAILED_SYM])])],
  ["a contract of shard 1 reads the supply of the token the failed tx created", () => txBy(on(2, 1), [read("sup", [FRESH_SYM[0]])])],
  // A co-signer's pledge for a user of a third shard, whose records a later part lands on the co-signer's shard ahead
  // of the decision: the pledger's order keeps the user when the tx stands.
  [
    "a co-signer of shard 1 pledges for an account of shard 2 in a tx of shard 0, whose later action runs on shard 1",
    () => txBy(on(0, 3), [act("gas.iost", "pledge", [on(1, 8), on(2, 4), "1"]), call(1, "put", ["pc", "1"])], { signers: [on(1, 8)] }),
  ],
  ["that co-signer lists its users", () => txBy(on(1, 8), [read("gkeys", ["gas.iost", `${on(1, 8)}gp`])])],
  // Its full unpledge writes none of its records on shard 1 but reads its account there: the field it removed goes on
  // that read's release, where its pledge order drops the user, as one shard's index does.
  [
    "that co-signer unpledges all of it in a tx of shard 0",
    () => txBy(on(0, 3), [act("gas.iost", "unpledge", [on(1, 8), on(2, 4), "1"])], { signers: [on(1, 8)] }),
  ],
  ["that co-signer lists its users again", () => txBy(on(1, 8), [read("gkeys", ["gas.iost", `${on(1, 8)}gp`])])],
  // The pledge's part (shard 2) holds the field it added on its release to shard 1 until the settle passes back, after
  // the unpledge's part (shard 3), whose release lands first: that one leaves the removal to it (pledges.ts pledgesAt,
  // withLater), and the order drops the user, as one shard's index does.
  [
    "it pledges for that account again, which a contract of shard 3 unpledges, then a part of shard 2 runs",
    () =>
      txBy(
        on(0, 3),
        [
          act("gas.iost", "pledge", [on(1, 8), on(2, 4), "1"]),
          act(relay, "authed", ["gas.iost", "unpledge", JSON.stringify([on(1, 8), on(2, 4), "1"])]),
          call(2, "put", ["up", "1"]),
        ],
        { signers: [on(1, 8)] },
      ),
  ],
  // Its vote at home fetched the co-signer's balance and carried it on, so the pledge's part on the user's shard writes
  // none of its records itself (the balance goes back with the settle): its release there still brings the move.
  [
    "a co-signer of shard 3 votes at home in a tx of shard 0, then pledges for an account of shard 2",
    () =>
      txBy(on(0, 3), [act("vote_producer.iost", "vote", [on(3, 0), PRODUCER, "10"]), act("gas.iost", "pledge", [on(3, 0), on(2, 1), "1"])], {
        signers: [on(3, 0)],
      }),
  ],
  ["that co-signer of shard 3 lists its users", () => txBy(on(3, 0), [read("gkeys", ["gas.iost", `${on(3, 0)}gp`])])],
  ["that account of shard 1 buys RAM", () => txBy(on(1, 4), [act("ram.iost", "buy", [on(1, 4), on(1, 4), 1000])])],
  [
    "an account of shard 1 unpledges all it pledged for one of shard 0, then a contract of shard 3 lists its users",
    () => txBy(on(1, 4), [act("gas.iost", "unpledge", [on(1, 4), on(0, 3), "1"]), act(relay, "gkeys", ["gas.iost", `${on(1, 4)}gp`])]),
  ],
  ...[1, 3].map(
    (c): Case => [`a contract of shard 2 freezes its caller's iost to an account of shard ${c}`, () => txBy(GIVEN, [act(giver, "freeze", [on(c), "1"])])],
  ),
  // gold (decimal 2) of a publisher of shard 0, carried along because a later forwarded action names it.
  ...[0, 1, 3].map(
    (c): Case => [
      `a contract of shard 2 sends its caller's gold to an account of shard ${c}`,
      () => txBy(on(0), [act(giver, "giveTok", ["gold", on(c, 3 - c), "0.5"]), act("token.iost", "transfer", ["gold", on(0), on(2, 3), "0.25", ""])]),
    ],
  ),
  [
    "a contract of shard 2 sends more of its caller's gold than it holds",
    () => txBy(on(0), [act(giver, "giveTok", ["gold", on(1, 7), "5000"]), act("token.iost", "transfer", ["gold", on(0), on(2, 3), "0.25", ""])]),
  ],
  [
    "a contract of shard 2 sends its caller's gold to shard 3, then a contract of shard 1 fails",
    () =>
      txBy(on(0), [
        act(giver, "giveTok", ["gold", on(3), "0.5"]),
        act("token.iost", "transfer", ["gold", on(0), on(2, 3), "0.25", ""]),
        call(1, "fail", ["no"]),
      ]),
  ],
  // A home part's credit to the shard a later part runs on rides in that part's action receipt and lands there
  // before its actions, undone with it (docs/SHARDING.md "A credit's RAM"): the part spends and reads it as one shard.
  ["iost sent at home to a contract of shard 2, which spends it", () => txBy(GIVEN, [transferAct(GIVEN, giver, "2"), act(giver, "spend", [on(3), "2"])])],
  [
    "iost sent at home to a contract of shard 2, which spends it, then fails",
    () => txBy(GIVEN, [transferAct(GIVEN, giver, "2"), act(giver, "spend", [on(3), "2"]), act(giver, "fail", ["no"])]),
  ],
  [
    "iost sent at home to a contract of shard 2, which spends more than it holds",
    () => txBy(GIVEN, [transferAct(GIVEN, giver, "2"), act(giver, "spend", [on(3), "2000000"])]),
  ],
  [
    "iost sent at home to a co-signer of shard 2, which a contract there sends on with all it had",
    () => txBy(GIVEN, [transferAct(GIVEN, on(2, 3), "3"), act(giver, "pass", [on(2, 3), on(0), allAnd3(on(2, 3))])], { signers: [on(2, 3)] }),
  ],
  [
    "iost sent at home to a co-signer of shard 2, which a contract there sends on with all it had, then a contract of shard 0 fails",
    () =>
      txBy(GIVEN, [transferAct(GIVEN, on(2, 3), "3"), act(giver, "pass", [on(2, 3), on(0), allAnd3(on(2, 3))]), call(0, "fail", ["no"])], {
        signers: [on(2, 3)],
      }),
  ],
  // A contract voting (vote_producer.iost, shard 0) and pledging gas for a user of another shard, for its caller.
  ["a contract of shard 2 votes with its caller's iost", () => txBy(GIVEN, [act(giver, "voteFor", [PRODUCER, "1000"])])],
  [
    "a contract of shard 2 pledges its caller's iost for a user of shard 3, then unpledges part of it",
    () => txBy(GIVEN, [act(giver, "pledgeFor", [on(3, 1), "7"]), act(giver, "unpledgeFor", [on(3, 1), "2"])]),
  ],
  ["a contract of shard 2 pledges its caller's iost for a user of the caller's shard", () => txBy(GIVEN, [act(giver, "pledgeFor", [on(1, 1), "3"])])],
  // A contract moving a co-signer's iost, the co-signer of another shard than the contract's: its records fetched there.
  ["a contract of shard 2 sends on iost of a co-signer of shard 3", () => txBy(GIVEN, [act(giver, "pass", [on(3, 1), on(0), "2"])], { signers: [on(3, 1)] })],
  [
    "a contract of shard 2 sends on iost of a co-signer of shard 3, then a contract of shard 0 fails",
    () => txBy(GIVEN, [act(giver, "pass", [on(3, 1), on(0), "2"]), call(0, "fail", ["no"])], { signers: [on(3, 1)] }),
  ],
  ["a contract of shard 2 sends on iost of an account of shard 3 that did not sign", () => txBy(GIVEN, [act(giver, "pass", [on(3, 1), on(0), "2"])])],
  [
    "iost sent at home to shards 2 and 1, then a contract of shard 2 spends it and one of shard 1 reads it",
    () => txBy(on(3), [transferAct(on(3), giver, "2"), transferAct(on(3), on(1, 3), "1"), act(giver, "spend", [on(0), "2"]), read("bal", ["iost", on(1, 3)])]),
  ],
  [
    "iost sent at home to shards 2 and 1, then a contract of shard 2 spends it, one of shard 1 reads it, and the contract of shard 2 fails",
    () =>
      txBy(on(3), [
        transferAct(on(3), giver, "2"),
        transferAct(on(3), on(1, 3), "1"),
        act(giver, "spend", [on(0), "2"]),
        read("bal", ["iost", on(1, 3)]),
        act(giver, "fail", ["no"]),
      ]),
  ],
  // A home part's credit whose half may charge the publisher goes along to the chain's last part, which decides the
  // tx with that half (docs/SHARDING.md "A credit's RAM"), here on its own shard.
  [
    "a holder of medal keeps one byte less than a new medal record (lent to an account of its shard)",
    () => txBy(on(3, 1), [act("ram.iost", "lend", [on(3, 1), on(3), Number(freeRam(one, on(3, 1))) - (MEDAL_RECORD - 1)])]),
  ],
  [
    "medal moved at home to an account of another shard, then a forwarded call, by a publisher one byte short of its RAM",
    () => txBy(on(3, 1), [act("token.iost", "transfer", ["medal", on(3, 1), on(0, 4), "1", ""]), call(0, "put", ["held", "1"])]),
  ],
  // Two halves charging one publisher on one shard: one shard checks their RAM together, so does that shard (the
  // credits bundled in one reservation, docs/SHARDING.md "A credit's RAM").
  ...tight("a new iron record", GOLD_RECORD, GOLD_RECORD, "a token issued by a forwarded part to two accounts of a third shard", () =>
    txBy(TIGHT, [act("token.iost", "issue", ["iron", on(0, 4), "1"]), act("token.iost", "issue", ["iron", on(0, 6), "1"])]),
  ),
  ...[0, 1].flatMap((short): Case[] => [
    ...tight(
      "two new gold records",
      2 * GOLD_RECORD,
      2 * GOLD_RECORD - short,
      `gold moved at home to two${short ? " other" : ""} accounts of another shard`,
      () =>
        txBy(TIGHT, [
          act("token.iost", "transfer", ["gold", TIGHT, on(0, short ? 2 : 5), "1", ""]),
          act("token.iost", "transfer", ["gold", TIGHT, on(0, short ? 6 : 1), "1", ""]),
        ]),
    ),
    ...tight(
      "two new iron records",
      2 * GOLD_RECORD,
      2 * GOLD_RECORD - short,
      `iron issued by a forwarded part to two${short ? " other" : ""} accounts of a third shard`,
      () => txBy(TIGHT, [act("token.iost", "issue", ["iron", on(0, short ? 1 : 5), "1"]), act("token.iost", "issue", ["iron", on(0, short ? 0 : 7), "1"])]),
    ),
  ]),
  // Halves on two or more shards, or of two tokens: chained, each shard runs and locks its half, the last decides them
  // all against the one reservation, as one shard's doPay (docs/SHARDING.md "A credit's RAM", chained halves).
  ["TIGHT keeps the RAM of one new gold record", () => txBy(TIGHT, [act("ram.iost", "sell", [TIGHT, TIGHT, Number(freeRam(one, TIGHT)) - GOLD_RECORD])])],
  [
    "gold moved at home to accounts of two other shards by a publisher with one record's RAM",
    () => txBy(TIGHT, [act("token.iost", "transfer", ["gold", TIGHT, on(0, 6), "1", ""]), act("token.iost", "transfer", ["gold", TIGHT, on(2, 4), "1", ""])]),
  ],
  ["gold moved to TIGHT again", () => transferOf("gold", on(0), TIGHT, "20")],
  ...tight("three new gold records", 3 * GOLD_RECORD, 3 * GOLD_RECORD, "gold moved at home to accounts of shards 0, 2 and 3", () =>
    txBy(TIGHT, [goldTo(on(0, 4)), goldTo(on(2, 1)), goldTo(on(3, 1))]),
  ),
  ...tight("two new gold records", 2 * GOLD_RECORD, 2 * GOLD_RECORD - 1, "gold moved at home to accounts of shards 0 and 2", () =>
    txBy(TIGHT, [goldTo(on(0, 6)), goldTo(on(2, 2))]),
  ),
  ["iron issued to its issuer", () => txBy(TIGHT, [act("ram.iost", "buy", [TIGHT, TIGHT, 1000]), act("token.iost", "issue", ["iron", TIGHT, "10"])])],
  ...[0, 1].flatMap((short): Case[] =>
    tight(
      "two new records of two tokens",
      2 * GOLD_RECORD,
      2 * GOLD_RECORD - short,
      `gold and iron moved at home to ${short ? "accounts of shards 2 and 0" : "an account of shard 0"}`,
      () => txBy(TIGHT, [goldTo(short ? on(2, 2) : on(0, 6)), act("token.iost", "transfer", ["iron", TIGHT, short ? on(0, 0) : on(0, 6), "1", ""])]),
    ),
  ),
  // iron's shard is 3: a forwarded part's credits to shards 0 and 2, or to shard 0 and the publisher's home, chained from there.
  ...[0, 1].flatMap((short): Case[] =>
    tight(
      "two new iron records",
      2 * GOLD_RECORD,
      2 * GOLD_RECORD - short,
      `iron issued by a forwarded part to accounts of shards 0 and 2${short ? " (others)" : ""}`,
      () =>
        txBy(TIGHT, [
          act("token.iost", "issue", ["iron", short ? on(0, 1) : on(0, 0), "1"]),
          act("token.iost", "issue", ["iron", short ? on(2, 4) : on(2, 3), "1"]),
        ]),
    ),
  ),
  ...tight(
    "two new iron records",
    2 * GOLD_RECORD,
    2 * GOLD_RECORD,
    "iron issued by a forwarded part to accounts of shard 0 and of the publisher's shard",
    () => txBy(TIGHT, [act("token.iost", "issue", ["iron", on(0, 3), "1"]), act("token.iost", "issue", ["iron", on(1, 5), "1"])]),
  ),
  // A chain whose last part is back at its publisher's home: the reservation comes out of its record there.
  ...[0, 1].flatMap((short): Case[] =>
    tight(
      "a new gold record",
      GOLD_RECORD,
      GOLD_RECORD - short,
      `gold moved to an account of shard 2 by a chain's last part back at its publisher's home${short ? " (another)" : ""}`,
      () => txBy(TIGHT, [call(0, "put", [`hg${short}`, "1"]), call(1, "put", [`hg${short}`, "1"]), goldTo(short ? on(2, 4) : on(2, 2))]),
    ),
  ),
  // A token created at home (wool, mica and lead live on shard 1) and issued to accounts of shards 0 and 2 in one tx:
  // its announces to those shards ride in the chain, applied before the halves and undone with them.
  ["TIGHT buys RAM for a token", () => txBy(TIGHT, [act("ram.iost", "buy", [TIGHT, TIGHT, 500])])],
  [
    "wool, a token of shard 1, created by TIGHT",
    () => {
      beforeCreate = freeRam(one, TIGHT);
      return txBy(TIGHT, [act("token.iost", "create", ["wool", TIGHT, 1000, { decimal: 0 }])]);
    },
  ],
  ...(["mica", "lead"] as const).flatMap((sym, short): Case[] => [
    [
      `${sym} created and issued to accounts of shards 0 and 2: its publisher buys RAM`,
      () => {
        afterCreate(); // read before the first buy: what wool's creation took
        return txBy(TIGHT, [act("ram.iost", "buy", [TIGHT, TIGHT, 1000])]);
      },
    ],
    [
      `${sym} created and issued to accounts of shards 0 and 2: its publisher keeps ${short ? "one byte less than" : "the RAM of"} the token and two records`,
      // Lent away, not sold: ram.iost sells only what was bought since, and TIGHT holds more.
      () =>
        txBy(TIGHT, [
          act("ram.iost", "lend", [TIGHT, on(1, 1), Number(freeRam(one, TIGHT) - (beforeCreate - afterCreate()) - BigInt(2 * GOLD_RECORD - short))]),
        ]),
    ],
    [
      `${sym} created and issued to accounts of shards 0 and 2 in one tx by a publisher with ${short ? "one byte short of its RAM" : "exactly its RAM"}`,
      () =>
        txBy(TIGHT, [
          act("token.iost", "create", [sym, TIGHT, 1000, { decimal: 0 }]),
          act("token.iost", "issue", [sym, on(0, 1), "1"]),
          act("token.iost", "issue", [sym, on(2, 0), "1"]),
        ]),
    ],
  ]),
  // A part whose own doPay fails: one shard's message counts the halves' bytes too (their probes report them).
  ["TIGHT keeps one byte", () => txBy(TIGHT, [act("ram.iost", "sell", [TIGHT, TIGHT, Number(freeRam(one, TIGHT)) - 1])])],
  ["a record at home and gold moved to an account of shard 2 by a publisher with one byte", () => txBy(TIGHT, [call(1, "mine", ["h1"]), goldTo(on(2, 4))])],
  [
    "a record on shard 0 and gold moved from there to an account of shard 2 by a publisher with one byte",
    () => txBy(TIGHT, [call(0, "mine", ["f1"]), goldTo(on(2, 4))]),
  ],
  // Found by the property test (PROP_SEED=12): a failed tx's probes to one shard run in order, undone together.
  [
    "iost frozen twice to one account of shard 2, then a transfer of a token no one created: the second freeze's gas",
    () =>
      txBy(on(0, 3), [farFreeze(on(0, 3), on(2, 5)), farFreeze(on(0, 3), on(2, 5)), act("token.iost", "transfer", ["nosuch", on(0, 3), on(0, 3), "1", ""])]),
  ],
  // Found by the property test (PROP_SEED=30): a contract its publisher owns charges it RAM in a chain's last part back home.
  [
    "a chain from shard 3 to shard 1 and back writes a record of a contract its publisher owns",
    () => txBy(on(3), [call(1, "put", ["hb", "1"]), call(3, "put", ["hb", "1"])]),
  ],
  // Found by the property test (PROP_SEED=33): one shard's doPay stops at the first payer short of RAM, in payer order.
  ["the owner of the contract of shard 0 keeps 60 bytes", () => txBy(on(0), [act("ram.iost", "lend", [on(0), on(0, 1), Number(freeRam(one, on(0)) - 60n)])])],
  [
    "iost frozen to an account of shard 3, then a record of its own contract its publisher cannot pay",
    () => txBy(on(0), [farFreeze(on(0), on(3, 1)), call(0, "put", ["own", "1"])]),
  ],
  ["the owner of the contract of shard 0 buys RAM again", () => txBy(on(0), [act("ram.iost", "buy", [on(0), on(0), 100000])])],
  // One shard's doPay checks a contract's bytes (its owner's RAM) before its publisher's: so does a chain's last part,
  // and the probes of a part failing so report no bytes of the publisher's.
  ["the owner of the contract of shard 0 keeps 150 bytes", () => txBy(on(0), [act("ram.iost", "lend", [on(0), on(0, 1), Number(freeRam(one, on(0)) - 150n)])])],
  [
    "a chain from shard 0 to shard 1 and back writes a record of its contract's, then one of its publisher's it cannot pay",
    () => txBy(on(0), [call(1, "put", ["hc", "1"]), call(0, "mine", ["m"]), call(0, "put", ["hc", "1"])]),
  ],
  [
    "a chain from shard 0 to shard 1 and back writes a record of its publisher's, then two of its contract's it cannot pay",
    () => txBy(on(0), [call(1, "put", ["hd", "1"]), call(1, "mine", ["m"]), call(0, "put", ["hd", "1"]), call(0, "put", ["he", "1"])]),
  ],
  [
    "a chain from shard 0 to shard 1 freezes iost to new names of shards 2 and 3, then back home writes two records of its contract's it cannot pay",
    () =>
      txBy(on(0), [call(1, "put", ["hf", "1"]), farFreeze(on(0), "icy2"), farFreeze(on(0), "icy7"), call(0, "put", ["hf", "1"]), call(0, "put", ["hg", "1"])]),
  ],
  [
    "a chain from shard 0 through shard 1, home and shard 2 writes records of its publisher's around one of its contract's, then cannot pay",
    () => txBy(on(0), [call(1, "mine", ["mm"]), call(0, "put", ["hh", "1"]), call(2, "mine", ["mm"])]),
  ],
  [
    "a chain from shard 0 through home twice writes records of its contract's there, then cannot pay them",
    () => txBy(on(0), [call(1, "put", ["hi", "1"]), call(0, "put", ["hi", "1"]), call(2, "put", ["hi", "1"]), call(0, "put", ["hj", "1"])]),
  ],
  ["the owner of the contract of shard 0 buys RAM once more", () => txBy(on(0), [act("ram.iost", "buy", [on(0), on(0), 2000])])],
  [
    "a chain from shard 0 through shard 1, home and shard 2 writes records of its publisher's around one of its contract's",
    () => txBy(on(0), [call(1, "mine", ["mn"]), call(0, "put", ["hk", "1"]), call(2, "mine", ["mn"])]),
  ],
  // Found by the property test's `perm` step: auth.iost changes an account's records where it lives, after a part elsewhere too.
  ...(
    [
      [
        "a permission and a group added",
        [
          ["addPermission", "perm9", 100],
          ["addGroup", "grp9"],
        ],
      ],
      [
        "a key assigned to the permission, which joins the group",
        [
          ["assignPermission", "perm9", fakeKey(97), 100],
          ["assignPermissionToGroup", "perm9", "grp9"],
        ],
      ],
      [
        "the key revoked, the permission and the group dropped",
        [
          ["revokePermission", "perm9", fakeKey(97)],
          ["dropGroup", "grp9"],
          ["dropPermission", "perm9"],
        ],
      ],
    ] as [string, unknown[][]][]
  ).map(([what, acts], i): Case => {
    const acc = on(2, 2);
    const c = i % 2 === 0 ? 1 : 3;
    const auth = ([name, ...args]: unknown[]) => act("auth.iost", name as string, [acc, ...args]);
    return [
      `${what} after a call to a contract of shard ${c}, by an account of shard 2`,
      () => txBy(acc, [call(c, "put", ["pm", String(i)]), ...acts.map(auth)], { signers: [`${acc}@owner`] }),
    ];
  }),
  // A credit to a callee of another shard and its write of that balance in one tx: the amount joins the value written.
  // First to a fresh giver: the credit's half would create its iost record, whose RAM the run pays instead.
  ["giver contract deployed on shard 2 again", () => txBy(on(2, 4), [act("system.iost", "setCode", [contractJson(GIVER, GIVER_ABI)])])],
  [
    "a caller pays a contract of another shard that holds no iost, then has it spend, in one tx",
    () => txBy(on(1, 2), [transferAct(on(1, 2), giver, "2"), callOf(giver, "spend", [on(1, 2), "0.5"])]),
  ],
  [
    "a caller pays a contract of another shard, then has it spend, in one tx",
    () => txBy(on(1, 2), [transferAct(on(1, 2), giver, "2"), callOf(giver, "spend", [on(1, 2), "1"])]),
  ],
  [
    "a contract of another shard spends, then its caller pays it, in one tx",
    () => txBy(on(1, 2), [callOf(giver, "spend", [on(1, 2), "1"]), transferAct(on(1, 2), giver, "2")]),
  ],
  [
    "a caller pays a contract of another shard, then has it spend all it holds, in one tx",
    () => txBy(on(1, 2), [transferAct(on(1, 2), giver, "2"), callOf(giver, "spend", [on(1, 2), iostText(one.iostBalance(giver) + 200000000n)])]),
  ],
  ["a caller pays the giver again", () => txBy(on(1, 2), [transferAct(on(1, 2), giver, "10")])],
  [
    "a caller pays a contract of another shard twice around its spending, in one tx",
    () => txBy(on(1, 2), [transferAct(on(1, 2), giver, "1"), callOf(giver, "spend", [on(3, 1), "0.5"]), transferAct(on(1, 2), giver, "2")]),
  ],
  [
    "a caller of shard 3 pays a contract of shard 2, then has one of shard 1 make it spend, in one tx",
    () => txBy(on(3), [transferAct(on(3), giver, "2"), callOf(giver, "spend", [on(3), "1"])]),
  ],
  [
    "a caller of shard 3 has a contract of shard 1 make one of shard 2 spend, then pays it, in one tx",
    () => txBy(on(3), [callOf(giver, "spend", [on(3), "1"]), transferAct(on(3), giver, "2")]),
  ],
  [
    "a caller pays a contract of another shard, then has it spend more than it holds, in one tx",
    () => txBy(on(1, 2), [transferAct(on(1, 2), giver, "2"), callOf(giver, "spend", [on(1, 2), "1000000"])]),
  ],
  // The credit goes as a probe, held with the home part until the tx is decided; the write lands with the later part.
  [
    "a caller pays a contract of another shard, has it spend, then it spends at top level, in one tx",
    () => txBy(on(1, 2), [transferAct(on(1, 2), giver, "2"), callOf(giver, "spend", [on(1, 2), "1"]), act(giver, "spend", [on(3), "0.5"])]),
  ],
  [
    "a caller pays a contract of another shard, has it spend, then a contract of a third shard, then it spends at top level, in one tx",
    () =>
      txBy(on(1, 2), [
        transferAct(on(1, 2), giver, "2"),
        callOf(giver, "spend", [on(1, 2), "1"]),
        call(0, "put", ["gp", "1"]),
        act(giver, "spend", [on(3), "0.5"]),
      ]),
  ],
  // The callee's balance write is undone where it landed no earlier than the caller's side at home (supply exact).
  [
    "a caller has a contract of another shard spend to it, then a top-level action of that contract fails",
    () => txBy(on(1, 2), [callOf(giver, "spend", [on(1, 2), "1"]), act(giver, "fail", ["no"])]),
  ],
  [
    "a caller has a contract of another shard spend to it, then a contract of a third shard fails",
    () => txBy(on(1, 2), [callOf(giver, "spend", [on(1, 2), "1"]), call(0, "fail", ["no"])]),
  ],
  [
    "a caller has a contract of another shard spend to it, then that contract spends at top level, then a contract of a third shard fails",
    () => txBy(on(1, 2), [callOf(giver, "spend", [on(1, 2), "1"]), act(giver, "spend", [on(3), "1"]), call(0, "fail", ["no"])]),
  ],
  [
    "a caller has a contract of another shard spend to it, then a contract of a third shard, then that contract spends at top level",
    () => txBy(on(1, 2), [callOf(giver, "spend", [on(1, 2), "1"]), call(0, "put", ["gs", "1"]), act(giver, "spend", [on(3), "1"])]),
  ],
  ...frozenJoins(on(1, 2), "from shard 1"),
  ...frozenJoins(on(3), "from a forwarded part"),
  // The same for an account of the callee's shard whose frozen list the callee rewrites (it moves the account's iost, co-signed).
  ...(() => {
    const acc = on(2, 3);
    const pass = () => callOf(giver, "pass", [acc, on(1, 2), "1"], true);
    return [
      ["an account of shard 2 gets a freeze due at once", () => txBy(on(1, 2), [freezeNow(on(1, 2), acc)])],
      [
        "a caller freezes iost to an account of shard 2, then has a contract of shard 2 move its iost, unfreezing it, in one tx",
        () => txBy(on(1, 2), [freezeNow(on(1, 2), acc), pass()], { signers: [acc] }),
      ],
      ["an account of shard 2 gets a freeze due at once again", () => txBy(on(1, 2), [freezeNow(on(1, 2), acc)])],
      [
        "a contract of shard 2 moves an account's iost, unfreezing it, then a caller freezes iost to the account, in one tx",
        () => txBy(on(1, 2), [pass(), farFreeze(on(1, 2), acc)], { signers: [acc] }),
      ],
    ] as Case[];
  })(),
  // Two credits one write absorbs: the second's half runs on what the first wrote (a record then present), in one probe.
  ["giver contract deployed on shard 2 a third time", () => txBy(on(2, 4), [act("system.iost", "setCode", [contractJson(GIVER, GIVER_ABI)])])],
  [
    "a caller pays a contract of another shard that holds no iost twice, then has it spend, in one tx",
    () => txBy(on(1, 2), [transferAct(on(1, 2), giver, "2"), transferAct(on(1, 2), giver, "1"), callOf(giver, "spend", [on(1, 2), "0.5"])]),
  ],
  // A callee's reads count against the read bounds on every shard count, its code as one record (of no bytes).
  [
    "many-records contract deployed on shard 2",
    () => txBy(on(2, 4), [act("system.iost", "setCode", [contractJson(MANY, [{ name: "count", args: ["number"] }])])]),
  ],
  ["a contract has a contract of another shard read 255 of its records, 256 with its code", () => txBy(on(1, 2), [callOf(many, "count", [255])])],
  [
    "a contract has a contract of another shard read 256 of its records, 257 with its code: past the bound",
    () => txBy(on(1, 2), [callOf(many, "count", [256])]),
  ],
  // At each bound's edge, whatever a callee causes counts alike on every shard count: its owner's RAM records (contract_owner,
  // RAM, used RAM) as the RAM is booked, its caller's records it spends from, not its receivers' (their halves'), and
  // what the tx's earlier parts counted (docs/SHARDING.md "Calls of another shard's contract").
  ["bounds contract deployed on shard 2", () => txBy(on(2, 4), [act("system.iost", "setCode", [contractJson(EDGE, EDGE_ABI)])])],
  ["the bounds contract's owner buys RAM", () => txBy(on(2, 4), [act("ram.iost", "buy", [on(2, 4), on(2, 4), 60000])])],
  ...[251, 252, 253].map(
    (n): Case => [
      `a contract has a contract of another shard write ${n} records with its own RAM, ${n + 4} with its code and its owner's${past(n + 4)}`,
      () => txBy(on(1, 3), [callOf(edge, "fill", ["f", n])]),
    ],
  ),
  ...[254, 255, 256].map(
    (n): Case => [
      `a contract has a contract of another shard write ${n} records its caller pays for, ${n + 1} with its code${past(n + 1)}`,
      () => txBy(on(1, 3), [callOf(edge, "fillFor", ["g", n])]),
    ],
  ),
  ...[252, 253, 254].map(
    (n): Case => [
      `a contract has a contract of another shard read ${n} records and pay accounts of shards 0 and 3, ${n + 3} with its code and its caller's${past(n + 3)}`,
      () => txBy(on(1, 3), [callOf(edge, "pay", [n, on(0, 3), on(3, 1)], true)]),
    ],
  ),
  ...[51, 52, 53].map(
    (n): Case => [
      `a contract has a contract of another shard write 200 records, a part of shard 0 runs, then it writes ${n} more, ${n + 204} over the parts${past(n + 204)}`,
      () => txBy(on(1, 3), [callOf(edge, "fill", ["a", 200]), call(0, "put", ["edge", "y"]), callOf(edge, "fill", ["b", n])]),
    ],
  ),
  // A contract whose owner lives on another shard (its setCode ran in a forwarded part): what it writes with its own
  // RAM is paid from its owner's RAM there, fetched and written back as a callee's of another shard is, and counted.
  ["the far contract's owner buys RAM", () => txBy(FAR_OWNER, [act("ram.iost", "buy", [FAR_OWNER, FAR_OWNER, 60000])])],
  [
    "far contract deployed on shard 2 by a forwarded part of a caller of shard 1: its owner lives on shard 1",
    () => txBy(FAR_OWNER, [call(2, "put", ["far", "1"]), act("system.iost", "setCode", [contractJson(FAR, FAR_ABI)])]),
  ],
  ["a caller of shard 3 has the contract of shard 2 whose owner lives on shard 1 write records", () => txBy(on(3, 1), [act(far, "fill", ["t", 2])])],
  ["its owner has it write records", () => txBy(FAR_OWNER, [act(far, "fill", ["o", 2])])],
  ["a contract of shard 1, its owner's, has it write records", () => txBy(on(1, 2), [callOf(far, "fill", ["u", 2])])],
  ["a contract of shard 3 has it write records", () => txBy(on(3, 1), [act(relay, "callee", [far, "fill", JSON.stringify(["v", 2])])])],
  ["it has itself write records, from a caller of shard 0", () => txBy(on(0, 1), [farFill("w", 2)])],
  ["a caller of shard 3 has it delete records: its owner of shard 1 gets the RAM back", () => txBy(on(3, 1), [act(far, "drop", ["t", 2])])],
  // A part reads a record of shard 1 (locked there for reading), then, in its next run, has a contract of shard 2 write
  // it (its owner's RAM): the record is asked again for writing before the part's release writes it.
  ["when contract deployed on shard 3", () => txBy(on(3, 0), [act("system.iost", "setCode", [contractJson(WHEN, WHEN_ABI)])])],
  ...[
    ["a caller of shard 3", on(3, 0)],
    ["a forwarded part of a caller of shard 0", on(0, 2)],
  ].flatMap(([who, by]): Case[] => [
    [
      `${who} reads the far contract's owner's RAM of shard 1, then has the far contract write records paid from it`,
      () => txBy(by, [act(when, "ifRam", [FAR_OWNER, far, "fill", JSON.stringify([`r${by}`, 2])])]),
    ],
    [
      `${who} reads the far contract's owner's RAM of shard 1, has the far contract write records paid from it, then the tx fails`,
      () => txBy(by, [act(when, "ifRam", [FAR_OWNER, far, "fill", JSON.stringify([`f${by}`, 2])]), call(2, "fail", ["late"])]),
    ],
  ]),
  ...[251, 252, 253].map(
    (n): Case => [
      `it has itself write ${n} records with its own RAM, ${n + 4} with its code and its owner's of shard 1${past(n + 4)}`,
      () => txBy(on(0, 1), [farFill(`x${n}k`, n)]),
    ],
  ),
  // A callee lending its caller's RAM to, or buying RAM for, an account of another shard: the receiver's records count
  // nowhere (its half's), the lender's and the market's as one shard counts them (an account's record, read to tell
  // it exists or check its permissions, counts nowhere either: a forwarded part's publisher is checked from its tx).
  ...[251, 252].map(
    (n): Case => [
      `it has itself lend its owner's RAM to an account of shard 3 after reading ${n} records, ${n + 5} with its code and the lender's RAM records${past(n + 5)}`,
      () => txBy(FAR_OWNER, [act(far, "callee", [far, "lendAfter", JSON.stringify([n, on(3, 1), 100])])]),
    ],
  ),
  ...[244, 245].map(
    (n): Case => [
      `it has itself buy RAM for an account of shard 3 after reading ${n} records, ${n + 12} with its code, the market's and the payers'${past(n + 12)}`,
      () => txBy(FAR_OWNER, [act(far, "callee", [far, "buyAfter", JSON.stringify([n, on(3, 1), 100])])]),
    ],
  ),
  // A ram record an earlier doPay left naming no payer: the tx's first write of it names token.iost (10 bytes more,
  // charged to it), and a later part of another shard writing it again finds token.iost named, as one shard does.
  // A tx that pledged for its publisher at home and failed in a later part: one shard charges its gas on the records as
  // before the tx, keeping none of the gas limit the pledge gave (the home held them for the charge, locks.ts `gas`).
  ...["pledges", "pledges for itself, which it", "unpledges"].map((what): Case => {
    const abi = what === "unpledges" ? "unpledge" : "pledge";
    const pledge = act("gas.iost", abi, [on(0, 3), on(0, 3), "5"]);
    const fails = () => read("authed", ["vote_producer.iost", "unvote", JSON.stringify([on(0, 3), PRODUCER, "10"])]);
    return what.startsWith("pledges for")
      ? [`an account of shard 0 ${what} unpledges next`, () => txBy(on(0, 3), [pledge])]
      : [`an account of shard 0 ${what} for itself, then a contract of shard 1 fails`, () => txBy(on(0, 3), [pledge, fails()])];
  }),
  // A chain back at its publisher's shard whose callee of shard 0 freezes to it (vote.iost's unvote): its freeze list's
  // index is the one here, not a guest's held one asked of no shard (it waited for that answer for good).
  [
    "an account of shard 3 votes, then a contract of its shard unvotes for it",
    () =>
      txBy(on(3, 1), [
        act("vote_producer.iost", "vote", [on(3, 1), PRODUCER, "10"]),
        act(relay, "authed", ["vote_producer.iost", "unvote", JSON.stringify([on(3, 1), PRODUCER, "10"])]),
      ]),
  ],
  // A co-signer of another shard selling its RAM inside a contract runs as a callee of its shard, as a lend does
  // (ram.ts sell): on shard 0 the market is at hand and the seller's records were read absent ("self ram amount 0").
  ["market contract deployed on shard 0", () => txBy(on(0, 4), [act("system.iost", "setCode", [contractJson(MARKET, MARKET_ABI)])])],
  ...[
    ["its caller's co-signer of shard 1", [on(1, 5)]],
    ["an account of shard 1 that did not sign", []],
  ].map(
    ([whose, signers]): Case => [
      `a contract of shard 0 sells the RAM of ${whose} to its caller of shard 2`,
      () => txBy(on(2, 2), [act(market0, "sell", [on(1, 5), on(2, 2), 50])], { signers: signers as string[] }),
    ],
  ),
  [
    "a contract of shard 0 sells more RAM than its caller's co-signer of shard 1 has",
    () => txBy(on(2, 2), [act(market0, "sell", [on(1, 5), on(2, 2), 10 ** 9])], { signers: [on(1, 5)] }),
  ],
  // The publisher's RAM sold on shard 0 (its escrow's record then naming token.iost), then lent by a contract of its own
  // shard: back home the escrow rejoins a record its last tx's payment left naming none, and the lend finds the name
  // the sale gave, as one shard does (forwarded.ts nameAsBefore), not 10 bytes to charge token.iost again.
  ...[
    ["its own shard", () => act(far, "callee", ["ram.iost", "lend", JSON.stringify([on(2, 3), on(1, 2), 30])])],
    ["shard 1", () => read("lend", [on(1, 2), 30])],
  ].map(
    ([where, lend]): Case => [
      `an account of shard 2 sells RAM, then a contract of ${where} lends it RAM`,
      () => txBy(on(2, 3), [act("ram.iost", "sell", [on(2, 3), on(0), 50]), (lend as () => ReturnType<typeof act>)()]),
    ],
  ),
  // Bytes a contract bought or lent a co-signer of another shard, moved again by a contract of another shard in the same
  // tx: the sale's or lend's write of the co-signer's balance absorbs the credit carrying them, and its run writes them
  // into the `SR`/`TR` it fetched (guard.ts writeBytes), as one shard's half had. They failed ("not supported yet")
  // before session 32.
  [
    "a contract of shard 0 buys RAM for its caller's co-signer of shard 1, then a contract of shard 2 sells it",
    () =>
      txBy(on(2, 2), [act(market0, "buy", [on(1, 5), on(1, 5), 100]), act(far, "callee", ["ram.iost", "sell", JSON.stringify([on(1, 5), on(2, 2), 50])])], {
        signers: [on(1, 5)],
      }),
  ],
  [
    "a contract of shard 0 buys RAM for that co-signer again, then a contract of shard 2 lends it to the caller",
    () =>
      txBy(on(2, 2), [act(market0, "buy", [on(1, 5), on(1, 5), 100]), act(far, "callee", ["ram.iost", "lend", JSON.stringify([on(1, 5), on(2, 2), 30])])], {
        signers: [on(1, 5)],
      }),
  ],
  [
    "a contract of shard 0 lends the caller's RAM to that co-signer, then a contract of shard 2 sells the co-signer's own",
    () =>
      txBy(on(2, 2), [act(market0, "lend", [on(2, 2), on(1, 5), 10]), act(far, "callee", ["ram.iost", "sell", JSON.stringify([on(1, 5), on(2, 2), 20])])], {
        signers: [on(1, 5)],
      }),
  ],
  // A pledge for the publisher by a contract off its shard runs as a callee of the publisher's home, which keeps its gas
  // records (Host.recordsShard, gas.ts armPledger), whoever pledges: the publisher, or a co-signer through a contract of
  // the co-signer's own shard. It failed with the guard's error before session 31.
  [
    "a contract of shard 1 pledges gas for its caller of shard 0",
    () => txBy(on(0, 3), [read("authed", ["gas.iost", "pledge", JSON.stringify([on(0, 3), on(0, 3), "5"])])]),
  ],
  [
    "a contract of shard 1 pledges gas of its caller's co-signer of shard 1 for the caller of shard 0",
    () => txBy(on(0, 3), [read("authed", ["gas.iost", "pledge", JSON.stringify([on(1, 4), on(0, 3), "5"])])], { signers: [on(1, 4)] }),
  ],
  [
    "a contract of shard 1 unpledges that co-signer's gas for the caller of shard 0",
    () => txBy(on(0, 3), [read("authed", ["gas.iost", "unpledge", JSON.stringify([on(1, 4), on(0, 3), "5"])])], { signers: [on(1, 4)] }),
  ],
  ["that caller of shard 0 lists who pledged for it", () => txBy(on(0, 3), [read("gkeys", ["gas.iost", `${on(0, 3)}gp`])])],
  // A token721 moved by a contract off the token's shard, then listed by a later part: the holders' id maps are indexed
  // by the run and land whole, as a contract's maps are (guard.ts indexesHere), where the later part listed them as before.
  [
    "token721: a contract of shard 1 moves card, then contracts of shards 2 and 1 list its holders' ids",
    () =>
      txBy(on(2), [
        read("authed", ["token721.iost", "transfer", JSON.stringify(["card", on(2), on(0, 1), "2"])]),
        act(far, "callee", ["token721.iost", "tokenOfOwnerByIndex", JSON.stringify(["card", on(0, 1), 0])]),
        read("gkeys", ["token721.iost", `T721Mcard#${on(2)}`]),
      ]),
  ],
  [
    "token721: a contract of shard 1 moves card back, a contract of shard 2 lists it, then the tx fails",
    () =>
      txBy(on(0, 1), [
        read("authed", ["token721.iost", "transfer", JSON.stringify(["card", on(0, 1), on(2), "2"])]),
        act(far, "callee", ["token721.iost", "tokenOfOwnerByIndex", JSON.stringify(["card", on(2), 1])]),
        call(0, "fail", ["no"]),
      ]),
  ],
  ["token721: its holder moves card back", () => txBy(on(0, 1), [nft("transfer", ["card", on(0, 1), on(2), "2"])])],
  // A publisher changing its own permissions through contracts of other shards: its record is fetched from its shard
  // and written back, as a co-signer's is (auth.ts onItsShard, Host.recordsShard); it failed to parse a record it found nowhere.
  [
    "an account of shard 2 adds a permission to itself through a contract of shard 1",
    () => txBy(on(2, 4), [read("authed", ["auth.iost", "addPermission", JSON.stringify([on(2, 4), "perm9", 100])])], { signers: [`${on(2, 4)}@owner`] }),
  ],
  [
    "it assigns a key to it through a contract of shard 3",
    () =>
      txBy(on(2, 4), [act(relay, "authed", ["auth.iost", "assignPermission", JSON.stringify([on(2, 4), "perm9", fakeKey(97), 100])])], {
        signers: [`${on(2, 4)}@owner`],
      }),
  ],
  [
    "an account of shard 0 has it co-sign with that permission, checked on shard 0",
    () => txBy(on(0, 2), [read("can", [on(2, 4), "perm9"])], { signers: [`${on(2, 4)}@perm9`], keys: [97] }),
  ],
  [
    "it adds another permission through a contract of shard 3, then a contract of shard 1 fails",
    () =>
      txBy(
        on(2, 4),
        [
          act(relay, "authed", ["auth.iost", "addPermission", JSON.stringify([on(2, 4), "perm8", 100])]),
          read("authed", ["vote_producer.iost", "unvote", JSON.stringify([on(2, 4), PRODUCER, "10"])]),
        ],
        { signers: [`${on(2, 4)}@owner`] },
      ),
  ],
  ["market contract deployed on shard 3", () => txBy(on(3), [act("system.iost", "setCode", [contractJson(MARKET, MARKET_ABI)])])],
  ...[
    ["its caller", on(0, 3), []],
    ["its caller's co-signer", on(2, 1), [on(0, 3)]],
  ].map(
    ([whose, by, signers]): Case => [
      `contracts of shards 2 and 3 sell then lend the RAM of ${whose} of shard 0, which its last tx's payment left naming no payer`,
      () =>
        txBy(by as string, [act(far, "callee", ["ram.iost", "sell", JSON.stringify([on(0, 3), on(2), 50])]), act(market, "lend", [on(0, 3), on(1, 3), 30])], {
          signers: signers as string[],
        }),
    ],
  ),
  // A forwarded part's publisher with no free RAM: its escrow holds its record at 0 as its home does, so a read of it
  // counts one shard's bytes (here the last 3 of the byte bound, beside one record of the rest).
  ["an account of shard 1 sells all its free RAM", () => txBy(BARE, [act("ram.iost", "sell", [BARE, BARE, Number(freeRam(one, BARE))])])],
  ...[0, 1].flatMap((d): Case[] => [
    [
      `the far contract writes a record of 65,533 bytes less its RAM balance's${d === 0 ? "" : ", and one more"}`,
      () => txBy(on(0, 1), [act(far, "big", ["big", bigLength(d)])]),
    ],
    [
      `an account of shard 1 with no free RAM has it read the record and its RAM balance: ${65536 + d} bytes${d === 0 ? "" : ": past the bound"}`,
      () => txBy(BARE, [act(far, "bigRead", ["big"])]),
    ],
  ]),
  // The same co-signing: its RAM escrow holds its record at 0 there too, as its home does.
  ...[0, 1].flatMap((d): Case[] => [
    [
      `the far contract writes a record of 65,533 bytes less a co-signer's RAM balance's${d === 0 ? "" : ", and one more"}`,
      () => txBy(on(0, 1), [act(far, "big", ["big", bigLength(d)])]),
    ],
    [
      `an account of shard 1 has it read the record and the RAM balance of a co-signer of shard 1 with none: ${65536 + d} bytes${d === 0 ? "" : ": past the bound"}`,
      () => txBy(on(1, 1), [act(far, "bigReadOf", ["big", BARE])], { signers: [BARE] }),
    ],
  ]),
  ["the account of shard 1 with no free RAM buys RAM", () => txBy(BARE, [act("ram.iost", "buy", [BARE, BARE, 100000])])],
  // One round asks at most 256 keys of a shard: the missed ones first, then their companions (a callee's code's
  // owner, an account's used RAM) while there is room; one left out is asked in a later round if read at all.
  ...[254, 255, 256].map(
    (n): Case => [
      `a contract reads ${n} records of a contract of shard 1, then calls it: ${n + 1} with its code, ${n + 2} keys of shard 1 with its owner's${past(n + 1)}`,
      () => txBy(on(2, 1), [act(far, "peek", [reader, n, "gget", JSON.stringify([reader, "p0"])])]),
    ],
  ),
  // Found by the property test with longer sequences (PROP_SEED=2, 30 to 50 steps): a contract issuing for the
  // token's creator, who signs the tx, off the token's home: the supply is written there as a callee's write.
  // fern's home is shard 2, sage's 2, reed's 3; the minter lives on shard 1, the receiver (the creator) on shard
  // 0 (a third shard: the tx is forwarded to the minter), 2 (the home: forwarded too) and 1 (the contract's: not).
  ...(
    [
      ["fern", on(0, 3), "a third shard"],
      ["sage", on(2, 1), "the token's home"],
      ["reed", on(1, 2), "the contract's shard"],
    ] as const
  ).flatMap(([sym, by, where]): Case[] => [
    [`${sym} created at top level by an account of ${where}`, () => txBy(by, [act("token.iost", "create", [sym, by, 1000, { decimal: 0 }])])],
    [`${sym}'s creator, on ${where}, has a contract of shard 1 issue ${sym} to it`, () => mint(by, "give", [sym, "1"])],
  ]),
  // To others than the creator: an account of the home, of a third shard, a contract of another, a name no one has.
  ...(
    [
      [on(2), "an account of its home"],
      [on(3), "an account of shard 3"],
      ["ghost2", "a name no one has, of shard 3"],
    ] as const
  ).map(([to, who]): Case => [`sage's creator has a contract of shard 1 issue sage to ${who}`, () => mint(on(2, 1), "giveTo", ["sage", to, "2"])]),
  ["sage's creator has a contract of shard 1 issue sage to a contract of shard 0", () => mint(on(2, 1), "giveTo", ["sage", contracts[0], "2"])],
  [
    "fern's creator has a contract of shard 1 issue fern twice, the second beyond its totalSupply: both undone",
    () => txBy(on(0, 3), [act(minter, "give", ["fern", "2"]), act(minter, "give", ["fern", "998"])]),
  ],
  ["fern's creator has a contract of shard 1 issue fern up to its totalSupply", () => mint(on(0, 3), "give", ["fern", "999"])],
  ["a contract of shard 1 issues fern for a caller who did not create it", () => mint(on(3, 1), "give", ["fern", "1"])],
  // One RAM market for the chain (docs/SHARDING.md "One RAM market"): buys of a million bytes move its price as one
  // chain's, whichever shard they come from (each shard once ran a market of 1/N of it).
  ...(["buy", "sell"] as const).map((op): Case => {
    const acc = on(3, 1);
    const many = act("ram.iost", op, [acc, acc, 1000000]);
    return [`a million bytes of RAM ${op === "buy" ? "bought" : "sold"} twice on shard 3's market`, () => txBy(acc, [many, many])];
  }),
  // From every shard but the market's: for oneself, for an account of a fourth shard, sold back (the iost to oneself
  // and to that account), failing beyond the buyer's iost or the left space, and after another action.
  ...[1, 2, 3].flatMap((s): Case[] => {
    const [by, fourth] = [on(s, s === 3 ? 1 : 2), [on(2, 3), on(3), on(1, 3)][s - 1]];
    const ram = (op: string, args: unknown[]) => act("ram.iost", op, args);
    return [
      [`RAM bought from shard ${s} for oneself`, () => txBy(by, [ram("buy", [by, by, 2000])])],
      [`RAM bought from shard ${s} for an account of another shard than the market's`, () => txBy(by, [ram("buy", [by, fourth, 2000])])],
      [`RAM sold from shard ${s}`, () => txBy(by, [ram("sell", [by, by, 1500])])],
      [`RAM sold from shard ${s}, the iost to an account of another shard than the market's`, () => txBy(by, [ram("sell", [by, fourth, 100])])],
      [`RAM bought from shard ${s} beyond the buyer's iost`, () => txBy(by, [ram("buy", [by, by, 10 ** 10])])],
      [`RAM bought from shard ${s} beyond the left space`, () => txBy(by, [ram("buy", [by, fourth, 10 ** 12])])],
      [`RAM bought from shard ${s} in a tx's second action`, () => txBy(by, [transferAct(by, fourth, "1"), ram("buy", [by, by, 1000])])],
      [`RAM bought from shard ${s} in a tx's second action, failing`, () => txBy(by, [transferAct(by, fourth, "1"), ram("buy", [by, by, 10 ** 10])])],
      [
        `RAM sold from shard ${s} in a tx's second action, beyond what it bought`,
        () => txBy(by, [transferAct(by, fourth, "1"), ram("sell", [by, by, 10 ** 9])]),
      ],
    ];
  }),
  // A co-signer's own RAM or iost in the trade: it runs where the tx is, on the market's records and the co-signer's
  // fetched from their shards (docs/SHARDING.md "One RAM market"), the co-signer of the publisher's shard, of the
  // market's or of a third; from a tx of shard 0 too.
  ...(
    [
      [on(1, 5), on(1, 6), "shard 1", on(2, 0), "shard 2"],
      [on(1, 5), on(0, 7), "shard 0", on(2, 0), "shard 2"],
      [on(1, 5), on(2, 0), "shard 2", on(3, 0), "shard 3"],
      [on(0, 6), on(3, 0), "shard 3", on(2, 0), "shard 2"],
    ] as const
  ).flatMap(([by, mate, where, other, its]): Case[] => {
    const home = `a tx of shard ${shardOf(by, N)}`;
    const ram = (op: string, args: unknown[]) => act("ram.iost", op, args);
    const signed = { signers: [mate] };
    return [
      [`a co-signer of ${where} sells its RAM in ${home}`, () => txBy(by, [ram("sell", [mate, mate, 100])], signed)],
      [`a co-signer of ${where} sells its RAM in ${home}, the iost to the publisher`, () => txBy(by, [ram("sell", [mate, by, 100])], signed)],
      [`a co-signer of ${where} pays a buy for the publisher in ${home}`, () => txBy(by, [ram("buy", [mate, by, 100])], signed)],
      [`a co-signer of ${where} pays a buy for an account of ${its} in ${home}`, () => txBy(by, [ram("buy", [mate, other, 100])], signed)],
      [
        `a co-signer of ${where} pays a buy for the publisher in ${home}, then the tx fails in its second action: all undone`,
        () => txBy(by, [ram("buy", [mate, by, 100]), transferAct(by, other, "100000000")], signed),
      ],
      [
        `a co-signer of ${where} sells its RAM in ${home}, then sells more than it has in the second action: all undone`,
        () => txBy(by, [ram("sell", [mate, by, 100]), ram("sell", [mate, mate, 10 ** 9])], signed),
      ],
    ];
  }),
  [
    "a co-signer of shard 2 pays a buy for the publisher in a tx of shard 1, then a contract of shard 2 charges the publisher",
    () => txBy(on(1, 5), [act("ram.iost", "buy", [on(2, 0), on(1, 5), 100]), call(2, "mine", ["bought"])], { signers: [on(2, 0)] }),
  ],
  [
    "a contract of shard 2 charges the publisher of shard 1, then a co-signer of shard 1 sells its RAM to it",
    () => txBy(on(1, 5), [call(2, "mine", ["sells"]), act("ram.iost", "sell", [on(1, 6), on(1, 5), 100])], { signers: [on(1, 6)] }),
  ],
  [
    "a contract of shard 2 charges the publisher of shard 1, then a co-signer of shard 1 pays a buy for it",
    () => txBy(on(1, 5), [call(2, "mine", ["buys"]), act("ram.iost", "buy", [on(1, 6), on(1, 5), 100])], { signers: [on(1, 6)] }),
  ],
  [
    "a contract of shard 2 charges the publisher of shard 1, then a co-signer of shard 2 sells its RAM to it",
    () => txBy(on(1, 5), [call(2, "mine", ["sells2"]), act("ram.iost", "sell", [on(2, 0), on(1, 5), 100])], { signers: [on(2, 0)] }),
  ],
  [
    "a contract of shard 2 charges the publisher of shard 1, then a co-signer of shard 3 pays a buy for it",
    () => txBy(on(1, 5), [call(2, "mine", ["buys3"]), act("ram.iost", "buy", [on(3, 0), on(1, 5), 100])], { signers: [on(3, 0)] }),
  ],
  [
    "a co-signer of shard 1 sells its RAM in a tx of shard 1, then a contract of shard 2 charges it RAM",
    () => txBy(on(1, 5), [act("ram.iost", "sell", [on(1, 6), on(1, 5), 100]), call(2, "theirs", [on(1, 6), "x"])], { signers: [on(1, 6)] }),
  ],
  [
    "a contract of shard 2 charges a co-signer of shard 1, then a contract of shard 3 too, then it sells its RAM on shard 3",
    () =>
      txBy(on(1, 5), [call(2, "theirs", [on(1, 6), "y"]), call(3, "theirs", [on(1, 6), "y"]), act("ram.iost", "sell", [on(1, 6), on(1, 6), 100])], {
        signers: [on(1, 6)],
      }),
  ],
  [
    "a co-signer of shard 0 pays a buy for the publisher of shard 1 beyond its iost",
    () => txBy(on(1, 5), [act("ram.iost", "buy", [on(0, 7), on(1, 5), 10 ** 10])], { signers: [on(0, 7)] }),
  ],
  // Inside a contract (blockchain.callWithAuth): the market's records fetched from shard 0 and written back there.
  [
    "a contract of shard 1 buys RAM for its caller of shard 1",
    () => txBy(on(1, 4), [act(reader, "authed", ["ram.iost", "buy", JSON.stringify([on(1, 4), on(1, 4), 1000])])]),
  ],
  [
    "a contract of shard 1 buys RAM for an account of shard 2",
    () => txBy(on(1, 4), [act(reader, "authed", ["ram.iost", "buy", JSON.stringify([on(1, 4), on(2, 4), 1000])])]),
  ],
  [
    "a contract of shard 3 buys RAM for its caller of shard 2",
    () => txBy(on(2, 4), [act(relay, "authed", ["ram.iost", "buy", JSON.stringify([on(2, 4), on(2, 4), 1000])])]),
  ],
  [
    "a contract of shard 1 sells its caller's RAM",
    () => txBy(on(1, 4), [act(reader, "authed", ["ram.iost", "sell", JSON.stringify([on(1, 4), on(1, 4), 500])])]),
  ],
  [
    "a contract of shard 1 buys more RAM than its caller's iost",
    () => txBy(on(1, 4), [act(reader, "authed", ["ram.iost", "buy", JSON.stringify([on(1, 4), on(1, 4), 10 ** 10])])]),
  ],
  // A part on the owner's shard pays its RAM (doPay rewrites its ram record, payer "") before the ram's credit lands
  // there, which one shard's single doPay follows: the credit carries the record's payer before (paidRam).
  [
    "ram buy for the owner of a contract the tx wrote to before, on the owner's shard",
    () => txBy(on(0), [call(2, "put", ["s", "ram"]), act("ram.iost", "buy", [on(0), on(2), 1000])]),
  ],
  // token.iost names the owner's ram record again (a buy's credit with no part there), so its rewrite is free on one shard.
  ["ram buy for the owner of contract 2 alone", () => txBy(on(0), [act("ram.iost", "buy", [on(0), on(2), 1000])])],
  [
    "ram buy for the owner of a contract the tx wrote to before, its record token.iost's",
    () => txBy(on(0), [call(2, "put", ["s", "ram2"]), act("ram.iost", "buy", [on(0), on(2), 1000])]),
  ],
  ["ram buy for the owner of contract 2 alone, again", () => txBy(on(0), [act("ram.iost", "buy", [on(0), on(2), 1000])])],
  [
    "ram lend to the owner of a contract the tx wrote to before, on the owner's shard",
    () => txBy(SYS, [call(2, "put", ["s", "lend"]), act("ram.iost", "lend", [SYS, on(2), 100])]),
  ],
  ["ram buy for the owner of contract 2 alone, before a contract's lend", () => txBy(on(0), [act("ram.iost", "buy", [on(0), on(2), 1000])])],
  [
    "a contract lends its caller's RAM to the owner of a contract the tx wrote to before",
    () => txBy(on(1, 2), [call(2, "put", ["s", "lend2"]), read("lend", [on(2), 10])]),
  ],
  ["ram buy for the owner of contract 2 alone, before a third shard's buy", () => txBy(on(0), [act("ram.iost", "buy", [on(0), on(2), 1000])])],
  [
    "ram buy from a third shard for the owner of a contract the tx wrote to before",
    () => txBy(on(1), [call(2, "put", ["s", "buy3"]), act("ram.iost", "buy", [on(1), on(2), 1000])]),
  ],
  // The home part pays the owner's RAM before the buy leaves for the market; the credit comes back home.
  ["ram buy for the owner of contract 1 alone", () => txBy(on(0), [act("ram.iost", "buy", [on(0), on(1), 1000])])],
  [
    "ram buy for the owner of a contract of the publisher's home the tx wrote to before",
    () => txBy(on(1, 2), [call(1, "put", ["s", "home"]), act("ram.iost", "buy", [on(1, 2), on(1), 1000])]),
  ],
  // One shard checks a contract's records of every action at once against its owner's RAM; a chain coming back to the
  // contract's shard checks the sum of its parts' (docs/SHARDING.md "RAM of a chain"; in-flight 172/73).
  ["the owner of contract 2 keeps 60 bytes of RAM", () => txBy(on(2), [act("ram.iost", "sell", [on(2), on(2), Number(freeRam(one, on(2)) - 60n)])])],
  [
    "a chain back on contract 2's shard whose owner pays neither record",
    () => txBy(on(0, 1), [call(2, "put", ["back0", "1"]), call(3, "put", ["back1", "1"]), call(2, "put", ["back2", "1"])]),
  ],
  [
    "a chain of contract 2's owner back home, short of RAM for both records",
    () => txBy(on(2), [call(2, "put", ["own0", "1"]), call(3, "put", ["own1", "1"]), call(2, "put", ["own2", "1"])]),
  ],
  ["the owner of contract 2 buys RAM for one record more", () => txBy(on(2), [act("ram.iost", "buy", [on(2), on(2), 100])])],
  [
    "a chain back on contract 2's shard whose owner pays its first record, not both",
    () => txBy(on(0, 1), [call(2, "put", ["back3", "1"]), call(3, "put", ["back4", "1"]), call(2, "put", ["back5", "1"])]),
  ],
  ["the owner of contract 2 buys its RAM back", () => txBy(on(2), [act("ram.iost", "buy", [on(2), on(2), 100000])])],
  [
    "a chain back on contract 2's shard whose owner pays both records",
    () => txBy(on(0, 1), [call(2, "put", ["back6", "1"]), call(3, "put", ["back7", "1"]), call(2, "put", ["back8", "1"])]),
  ],
  // One shard checks the owner's RAM after every action, a later buy's bytes for it included: a part that found it short
  // leaves the check to a part with no actions on its shard, where the buy's credit lands first (in-flight 334/49).
  ["the owner of contract 2 keeps 60 bytes of RAM, again", () => txBy(on(2), [act("ram.iost", "sell", [on(2), on(2), Number(freeRam(one, on(2)) - 60n)])])],
  [
    "ram buy from a third shard for the owner of a contract the tx wrote to before, short of RAM until the buy",
    () => txBy(on(1), [call(2, "put", ["owed0", "1"]), act("ram.iost", "buy", [on(1), on(2), 1000])]),
  ],
  ["the owner of contract 2 keeps 60 bytes of RAM, once more", () => txBy(on(2), [act("ram.iost", "sell", [on(2), on(2), Number(freeRam(one, on(2)) - 60n)])])],
  [
    "ram buy from a third shard of too few bytes for the owner of a contract the tx wrote to before",
    () => txBy(on(1), [call(2, "put", ["owed1", "1"]), act("ram.iost", "buy", [on(1), on(2), 10])]),
  ],
  ["the owner of contract 1 keeps 60 bytes of RAM", () => txBy(on(1), [act("ram.iost", "sell", [on(1), on(1), Number(freeRam(one, on(1)) - 60n)])])],
  [
    "ram buy for the owner of a contract of the publisher's home the tx wrote to before, short of RAM until the buy",
    () => txBy(on(1, 2), [call(1, "put", ["owed2", "1"]), act("ram.iost", "buy", [on(1, 2), on(1), 1000])]),
  ],
  [
    "the owners of contracts 1 and 2 buy their RAM back",
    () => txBy(on(1), [act("ram.iost", "buy", [on(1), on(1), 100000]), act("ram.iost", "buy", [on(1), on(2), 100000])]),
  ],
];

/**
 * Cases whose N = 4 outcome still differs from N = 1, with the docs/SHARDING.md
 * "Not done yet" entry that says why. Each is asserted to differ, so fixing one
 * fails here until it is removed.
 */
const KNOWN: Record<string, string> = {};

let one: SimChain;
let four: SimChain;
/** Each token's supply as defined at genesis, on one and four shards. */
let genesis: Map<string, bigint>[];

describe("N shards ≡ one shard: the differential workload (simulator)", () => {
  beforeAll(async () => {
    await vmReady();
    one = new SimChain(config(), 1);
    four = new SimChain(config(), N);
    genesis = [one, four].map(genesisSupplies);
  });

  it("places callers, deployers and payees on every shard", () => {
    for (let s = 0; s < N; s++) expect([on(s), on(s, 1)].every((u) => u !== undefined && shardOf(u, N) === s)).toBe(true);
    expect(shardOf(on(2, 2), N)).toBe(2);
  });

  for (const [name, make] of CASES) {
    it(name, () => {
      const tx = make();
      const why = KNOWN[name];
      // Every token's supply equals what exists after every block, or (after a KNOWN case) the same gap.
      const none = () => {};
      const [check1, check4] = [one, four].map((c, i) => (why === undefined ? supplyCheck(genesis[i], supplyGaps(c, genesis[i])) : none));
      // A KNOWN case runs on copies: the chains after it stay equal for the cases and tests that follow.
      const [c1, c4] = why === undefined ? [one, four] : [one.fork(), four.fork()];
      const a = run(c1, tx, check1);
      const b = run(c4, tx, check4);
      level(c1, c4, check1, check4);
      if (name.startsWith("deploy") && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        const id = "Contract" + txId(tx);
        contracts[shardOf(tx.publisher, N)] = id;
        contractShard.set(id, shardOf(tx.publisher, N));
      }
      if (name.startsWith("giver contract deployed on shard 2") && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        giver = "Contract" + txId(tx);
        contractShard.set(giver, 2);
      }
      if (name === "many-records contract deployed on shard 2" && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        many = "Contract" + txId(tx);
        contractShard.set(many, 2);
      }
      if (name === "bounds contract deployed on shard 2" && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        edge = "Contract" + txId(tx);
        contractShard.set(edge, 2);
      }
      if (name.startsWith("far contract deployed") && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        far = "Contract" + txId(tx);
        contractShard.set(far, 2);
      }
      if (name === "vault contract deployed on shard 1" && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        vault = "Contract" + txId(tx);
        contractShard.set(vault, shardOf(tx.publisher, N));
      }
      if (name.startsWith("minter contract deployed") && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        minter = "Contract" + txId(tx);
        contractShard.set(minter, shardOf(tx.publisher, N));
      }
      const created = /creates (\w+) in init$/.exec(name);
      if (created && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        rewards[created[1]] = "Contract" + txId(tx);
        contractShard.set("Contract" + txId(tx), shardOf(tx.publisher, N));
      }
      const collection = /creates the collection (\w+) in init$/.exec(name);
      if (collection && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        collections[collection[1]] = "Contract" + txId(tx);
        contractShard.set(collections[collection[1]], shardOf(tx.publisher, N));
      }
      if (name === "updatable contract deployed on shard 2" && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        upd = "Contract" + txId(tx);
        contractShard.set(upd, shardOf(tx.publisher, N));
      }
      if (name === "when contract deployed on shard 3" && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        when = "Contract" + txId(tx);
        contractShard.set(when, 3);
      }
      if (name === "market contract deployed on shard 0" && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        market0 = "Contract" + txId(tx);
        contractShard.set(market0, 0);
      }
      if (name === "market contract deployed on shard 3" && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        market = "Contract" + txId(tx);
        contractShard.set(market, 3);
      }
      if (name === "relay contract deployed on shard 3" && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        relay = "Contract" + txId(tx);
        contractShard.set(relay, 3);
      }
      if (name === "reader contract deployed on shard 1" && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        reader = "Contract" + txId(tx);
        contractShard.set(reader, shardOf(tx.publisher, N));
      }
      if (name.endsWith("deployed on shard 1 reads it") && (a.receipt as { statusCode?: string }).statusCode === "SUCCESS") {
        nftReader = "Contract" + txId(tx);
        contractShard.set(nftReader, shardOf(tx.publisher, N));
      }
      if (process.env.DIFF_LOG)
        console.log(
          "CASE",
          name,
          JSON.stringify({ a, b }, (_, v) => (typeof v === "bigint" ? String(v) : v)),
        );
      if (why === undefined) {
        expect(b.receipt, "receipt").toEqual(a.receipt);
        expect(b.changed, "reads").toEqual(a.changed);
        expect(b.events, "/subscribe events").toEqual(a.events);
        expect(b.pledged, "getAccount's pledged_info").toEqual(a.pledged);
      } else {
        expect(b, `now equal on N = 1 and N = 4: remove it from KNOWN (${why})`).not.toEqual(a);
      }
    });
  }

  it("a co-signer's RAM escrow held at 0 in a forwarded part leaves no row of it off its shard", () => {
    const left = four.shards.filter((s) => s.index !== shardOf(BARE, N)).flatMap((s) => s.store.keys().filter((k) => k.includes("TB" + BARE)));
    expect(left).toEqual([]);
    // The part that held it ran off its shard, on the far contract's.
    expect(shardOf(BARE, N)).not.toBe(contractShard.get(far));
  });

  it("two txs of one publisher in consecutive blocks while its escrow is away: the second waits and sees what one shard shows", () => {
    // The first escrows the whole balance and free RAM (`unlimited`); the second needs both at home.
    const a = txBy(on(2, 1), [call(0, "mine", ["first"]), call(0, "pay", ["5"])]);
    const b = txBy(on(2, 1), [act("token.iost", "transfer", ["iost", on(2, 1), on(2), "100", ""]), call(2, "mine", ["second"])]);
    const results = [one, four].map((chain) => {
      const before = reads(chain);
      chain.submit(a);
      chain.step({ time: BLOCK_TIME });
      const out = runAll(chain, [b]);
      const r = chain.shards[shardOf(a.publisher, chain.shards.length)].results.get(txId(a))!.receipt!;
      return { first: [r.statusCode, r.message, r.gasUsage, r.ramUsage], second: out.receipts[0], changed: delta(before, reads(chain)) };
    });
    expect((results[0].second as { statusCode: string }).statusCode).toBe("SUCCESS");
    expect(results[1]).toEqual(results[0]);
  });

  it("a contract and an account created on shard 3 in the block of transfers to them from shard 1, at home and by a contract of shard 2, and of a call of the contract: they wait a block for the directory and succeed, as on one shard", () => {
    const maker = on(3, 1);
    const deploy = txBy(on(3), [act("system.iost", "setCode", [contractJson(CODE, ABI)])]);
    const id = "Contract" + txId(deploy);
    const born = Array.from({ length: 64 }, (_, i) => `late${i}`).find((n) => shardOf(n, N) === 3)!;
    // No RAM buy: off shard 0 it is forwarded to the market's shard, and the account is announced when the tx stands
    // (docs/SHARDING.md "Not done yet", an account a forwarded part creates).
    const signUp = txBy(maker, [act("auth.iost", "signUp", [born, fakeKey(94), fakeKey(94)]), act("gas.iost", "pledge", [maker, born, "10"])]);
    // On one chain they run in this order; the giver's part runs on shard 2 before shard 3's announces there.
    const [toContract, toAccount] = [paying(on(1, 2), id, "1"), paying(on(1, 3), born, "1")];
    const callIt = txBy(on(1, 5), [act(id, "put", ["new", "v"])]);
    const txs = [deploy, signUp, toContract, toAccount, txBy(GIVEN, [give(id, "1"), give(born, "1")]), callIt];
    const parked: string[][] = [];
    const home = shardOf(toContract.publisher, N);
    const [a, b] = [one, four].map((chain) => runAll(chain, txs, (c) => c === four && parked.push(readParked(c.shards[home].store).map((p) => p.txHash))));
    expect(a.receipts.map((r) => (r as { statusCode: string }).statusCode)).toEqual(txs.map(() => "SUCCESS"));
    // /subscribe posts each tx's events when it is final: five txs of one block, final in different blocks on N = 4.
    const byTx = (o: typeof a) => ({ ...o, events: o.events.map((e) => JSON.stringify(e)).sort() });
    expect(byTx(b)).toEqual(byTx(a));
    // On N = 4 the two transfers and the call at home waited one block.
    // The transfer to the account waits two blocks more, while the signUp asks before it stands (creators, sharding/asks.ts).
    expect(parked.slice(0, 4)).toEqual([[txId(toContract), txId(toAccount), txId(callIt)], [txId(toAccount)], [txId(toAccount)], []]);
  });

  it("a flood of transfers to names no shard knows, more than 8 waiting on shard 1 at once (at home, then forwarded parts), the last of each to an account a tx of their block creates: every waiter runs again, asking, and fails or pays as on one shard, no row left", () => {
    const ghosts = Array.from({ length: 64 }, (_, i) => `floodghost${i}`).filter((n) => !USERS.includes(n));
    const born = Array.from({ length: 64 }, (_, i) => `floodborn${i}`).find((n) => shardOf(n, N) === 3)!;
    const maker = on(3, 1);
    const signUp = txBy(maker, [act("auth.iost", "signUp", [born, fakeKey(94), fakeKey(94)]), act("gas.iost", "pledge", [maker, born, "10"])]);
    // At home on shard 1: each parks in block h and runs again in h + 1, after that chunk's receipts.
    const homes = USERS.filter((u) => shardOf(u, N) === 1);
    // The one to born after the signUp in pool order, as one chain pays it (a plain transfer runs first, src/pool poolOrder).
    const home = homes.map((u, i) => (i === homes.length - 1 ? paying(u, born, "1") : transfer(u, ghosts[i], "1")));
    // A pledge for a user of shard 1 first: the transfer after it runs there, a part applied in h + 1 that waits once more.
    const part = (u: string, to: string) => txBy(u, [act("gas.iost", "pledge", [u, on(1), "1"]), transferAct(u, to, "1")]);
    const parts = USERS.filter((u) => shardOf(u, N) === 0).map((u, i) => part(u, ghosts[home.length + i]));
    // Shard 2's part applies after shard 0's, which wait already, and before shard 3's register of born.
    const last = part(on(2, 2), born);
    expect([home.length, parts.length].every((n) => n >= 8)).toBe(true);
    const txs = [signUp, ...home, ...parts, last];
    const paid = [signUp, home[home.length - 1], last];
    const parked: number[] = [];
    const [a, b] = [one, four].map((chain) => runAll(chain, txs, (c) => c === four && parked.push(readParked(c.shards[1].store).length)));
    const status = (o: typeof a) => o.receipts.map((r) => (r as { statusCode: string }).statusCode);
    expect(status(a)).toEqual(txs.map((tx) => (paid.includes(tx) ? "SUCCESS" : "RUNTIME_ERROR")));
    const byTx = (o: typeof a) => ({ ...o, events: o.events.map((e) => JSON.stringify(e)).sort() });
    expect(byTx(b)).toEqual(byTx(a));
    // Block h parks those at home; h + 1 runs them (the others ask the other shards, sharding/asks.ts), and the parts,
    // passing the home waiters' gas locks (waitsForNameOnly), wait, run again in its chunk and ask too. The signUp of
    // born asks until h + 2 before it stands (creators), so at h + 1 the two paying born wait too.
    expect(parked.slice(0, 2)).toEqual([home.length, home.length + parts.length + 1]);
    expect(four.shards.flatMap((sh) => sh.store.keys().filter((k) => k.startsWith(READS)))).toEqual([]);
  });

  it("accounts signed up by txs of shard 1 that park first for a read of shard 2 (created on shard 3 by a forwarded part, at home, and a failing one), with transfers to them from shard 2 in their block: they wait for the re-runs, as on one shard", () => {
    const fresh = (tag: string, s: number) => Array.from({ length: 64 }, (_, i) => `${tag}${i}`).find((n) => shardOf(n, N) === s)!;
    const [there, home, failed] = [fresh("pkthere", 3), fresh("pkhome", 1), fresh("pkfail", 3)];
    // Each first reads a balance of shard 2 through the reader of shard 1, then signs up; the last spends past its limit.
    // Three makers: a publisher's next tx waits in the pool for its parked one, running in a later block than on one chain.
    const create = (maker: string, name: string, spend: string[] = []) =>
      txBy(
        maker,
        [
          read("pair", [on(2, 3), on(1, 3)]),
          act("auth.iost", "signUp", [name, fakeKey(94), fakeKey(94)]),
          act("gas.iost", "pledge", [maker, name, "10"]),
          ...spend.map((amount) => act("token.iost", "transfer", ["iost", maker, name, amount, ""])),
        ],
        { limits: [{ token: "iost", value: "100" }] },
      );
    const txs = [
      create(on(1, 4), there),
      create(on(1, 5), home),
      create(on(1, 7), failed, ["500"]),
      paying(on(2, 1), there, "1"),
      paying(on(2, 2), home, "1"),
      paying(on(2, 4), failed, "1"),
    ];
    const [a, b] = [one, four].map((chain) => runAll(chain, txs));
    expect(a.receipts.map((r) => (r as { statusCode: string }).statusCode)).toEqual([
      "SUCCESS",
      "SUCCESS",
      "RUNTIME_ERROR",
      "SUCCESS",
      "SUCCESS",
      "RUNTIME_ERROR",
    ]);
    const byTx = (o: typeof a) => ({ ...o, events: o.events.map((e) => JSON.stringify(e)).sort() });
    expect(byTx(b)).toEqual(byTx(a));
    expect(four.shards.flatMap((sh) => sh.store.keys().filter((k) => k.startsWith("x-pending-")))).toEqual([]);
  });

  it("accounts signed up by txs of shard 1 held behind their publisher's call of a contract of shard 2 (created on shard 3; the second fails), with transfers to them from shard 0 in their block: the signUps park behind the call, noting the names in their block, and the transfers wait for them, as on one shard", () => {
    const maker = on(1, 6);
    const fresh = (tag: string) => Array.from({ length: 64 }, (_, i) => `${tag}${i}`).find((n) => shardOf(n, N) === 3)!;
    const [born, failed] = [fresh("pbborn"), fresh("pbfail")];
    // The call runs on shard 2 and settles two blocks on: until then the maker's gas stays locked on shard 1.
    const first = txBy(maker, [call(2, "put", ["behind", "1"])]);
    const create = (name: string, spend: string[] = []) =>
      txBy(
        maker,
        [
          act("auth.iost", "signUp", [name, fakeKey(94), fakeKey(94)]),
          act("gas.iost", "pledge", [maker, name, "10"]),
          ...spend.map((amount) => act("token.iost", "transfer", ["iost", maker, name, amount, ""])),
        ],
        { limits: [{ token: "iost", value: "100" }] },
      );
    const creates = [create(born), create(failed, ["500"])];
    const txs = [first, ...creates, paying(on(0, 4), born, "1"), paying(on(0, 5), failed, "1")];
    const behind: string[][] = [];
    const [a, b] = [one, four].map((chain) =>
      runAll(chain, txs, (c) => c === four && behind.push(readParked(c.shards[1].store).flatMap((p) => (p.behind ? [p.txHash] : [])))),
    );
    expect(a.receipts.map((r) => (r as { statusCode: string }).statusCode)).toEqual(["SUCCESS", "SUCCESS", "RUNTIME_ERROR", "SUCCESS", "RUNTIME_ERROR"]);
    const byTx = (o: typeof a) => ({ ...o, events: o.events.map((e) => JSON.stringify(e)).sort() });
    expect(byTx(b)).toEqual(byTx(a));
    // Taken into block 1 behind the call, both, in order.
    expect(behind[0]).toEqual(creates.map(txId));
    expect(four.shards.flatMap((sh) => sh.store.keys().filter((k) => k.startsWith("x-pending-")))).toEqual([]);
  });

  it("a signUp of shard 1 held behind its publisher's call of a contract of shard 2 and a transfer of its publisher creating nothing, with a transfer to the name from shard 0 in their block; another publisher's transfer held behind its call, no signUp after it: the first two park behind the call in order, the third waits in the pool, and the transfer to the name waits for it, as on one shard", () => {
    const [maker, other] = [on(1, 6), on(1, 4)];
    const born = Array.from({ length: 64 }, (_, i) => `pcborn${i}`).find((n) => shardOf(n, N) === 3)!;
    // Each call runs on shard 2 and settles two blocks on: until then its publisher's gas stays locked on shard 1.
    const [first, second] = [maker, other].map((who) => txBy(who, [call(2, "put", ["held", "2"])]));
    // No plain transfer (they run first in a block: src/pool poolOrder), so each runs in the order made.
    const [plain, waits] = [maker, other].map((who) => paying(who, on(1, 5), "3"));
    const create = txBy(maker, [act("auth.iost", "signUp", [born, fakeKey(94), fakeKey(94)]), act("gas.iost", "pledge", [maker, born, "10"])]);
    const txs = [first, second, plain, waits, create, paying(on(0, 4), born, "2")];
    const behind: string[][] = [];
    const [a, b] = [one, four].map((chain) =>
      runAll(chain, txs, (c) => c === four && behind.push(readParked(c.shards[1].store).map((p) => `${p.txHash} ${p.behind}`))),
    );
    expect(a.receipts.map((r) => (r as { statusCode: string }).statusCode)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS"]);
    const byTx = (o: typeof a) => ({ ...o, events: o.events.map((e) => JSON.stringify(e)).sort() });
    expect(byTx(b)).toEqual(byTx(a));
    // Block 1: the maker's two, behind the call, in order; the other's transfer not parked (it waited in the pool).
    expect(behind[0]).toEqual([plain, create].map((tx) => `${txId(tx)} ${maker}`));
    expect(four.shards.flatMap((sh) => sh.store.keys().filter((k) => k.startsWith("x-pending-")))).toEqual([]);
  });

  it("a transfer to a contract of shard 3 deployed in the block before, and to an account admin created on shard 3 in the block before: as on one shard", () => {
    const deploy = txBy(on(3), [act("system.iost", "setCode", [contractJson(CODE, ABI)])]);
    const id = "Contract" + txId(deploy);
    const born = Array.from({ length: 64 }, (_, i) => `prev${i}`).find((n) => shardOf(n, N) === 3 && shardOf("admin", N) !== 3)!;
    // Without newAccount's RAM buy, which the market's shard runs: one forwarded part, as the test's block allows.
    const create = txBy(
      "admin",
      newAccount(born).filter((a) => a.contract !== "ram.iost"),
    );
    const later = [transfer(on(1, 3), id, "2"), transfer(on(2, 2), born, "2")];
    const [a, b] = [one, four].map((chain) => {
      const before = reads(chain);
      for (const tx of [deploy, create]) chain.submit(tx);
      chain.step({ time: BLOCK_TIME });
      const out = runAll(chain, later);
      const first = [deploy, create].map((tx) => chain.shards[shardOf(tx.publisher, chain.shards.length)].results.get(txId(tx))!.receipt!.statusCode);
      return { first, later: out.receipts, changed: delta(before, reads(chain)) };
    });
    expect([a.first, a.later.map((r) => (r as { statusCode: string }).statusCode)]).toEqual([
      ["SUCCESS", "SUCCESS"],
      ["SUCCESS", "SUCCESS"],
    ]);
    expect(b).toEqual(a);
  });

  it("a reader's keys stay locked on their shard until it ran again: a writer of one sent meanwhile waits, and the reader sees what one shard shows", () => {
    // X (shard 2) pays Y (shard 1) after the reader of both was sent: the reader must see neither side of it.
    const [x, y] = [on(2, 3), on(1, 3)];
    const reader = txBy(on(1, 2), [read("pair", [x, y])]);
    const writer = transfer(x, y, "7");
    const results = [one, four].map((chain) => {
      runAll(chain, [transfer(y, x, "10")]);
      const before = reads(chain);
      const balances = [chain.iostBalance(x), chain.iostBalance(y)];
      chain.submit(reader);
      chain.step({ time: BLOCK_TIME });
      const out = runAll(chain, [writer]);
      const r = chain.shards[shardOf(reader.publisher, chain.shards.length)].results.get(txId(reader))!;
      expect(r.pending, "the reader settled").toBe(0);
      return {
        reader: [r.receipt!.statusCode, r.receipt!.returns, r.receipt!.gasUsage],
        writer: out.receipts[0],
        changed: delta(before, reads(chain)),
        balances,
      };
    });
    expect((results[0].writer as { statusCode: string }).statusCode).toBe("SUCCESS");
    expect(results[0].reader[1]).toEqual([`["${results[0].balances.map((b) => Number(b) / 1e8).join(",")}"]`]);
    expect(results[1]).toEqual(results[0]);
  });

  it("sage issued in one block by a contract of shard 1 for its creator and at top level by an account of shard 3 it co-signs: its supply on shard 2 is written by one at a time, both issue as on one shard", () => {
    const [creator, other] = [on(2, 1), on(3, 1)];
    const txs = [txBy(creator, [act(minter, "give", ["sage", "3"])]), txBy(other, [act("token.iost", "issue", ["sage", other, "4"])], { signers: [creator] })];
    const supply = "m-token.iost-TIsage-supply";
    const results = [one, four].map((chain, i) => {
      const store = chain.shards[chain === one ? 0 : 2].store;
      const before = decodeValue(store.get(supply))?.value.v as bigint;
      const check = supplyCheck(genesis[i]);
      const contended = new Set<string>();
      const out = runAll(chain, txs, (c) => {
        check(c);
        for (const r of c.inFlight()) if (r.busy) contended.add(`busy ${r.txHash}`);
        for (const r of JSON.parse(c.shards[2]?.store.get(DEFERRED) ?? "[]") as CrossReceipt[]) contended.add(`waited ${r.kind} ${r.txHash}`);
      });
      // On four shards the top-level issue, forwarded to shard 2, waits there while the creator's tx holds its records
      // there and the contract's part the supply (locked for writing with the creator's sage balance and auth).
      if (chain === four) expect([...contended]).toEqual([`waited action ${txId(txs[1])}`]);
      // Posted when final (its block on one shard, later on four): the top-level issue, a plain token.iost tx, runs first
      // on one shard (src/pool poolOrder) and is final after the give on four, so the two txs' events are compared as sets.
      const events = out.events.map((e) => JSON.stringify(e)).sort();
      return { ...out, events, issued: (decodeValue(store.get(supply))?.value.v as bigint) - before };
    });
    expect(results[0].receipts.map((r) => (r as { statusCode: string }).statusCode)).toEqual(["SUCCESS", "SUCCESS"]);
    expect(results[0].issued).toBe(7n);
    expect(results[1]).toEqual(results[0]);
  });

  it("two txs of two shards call one contract of a third in one block, each spending its iost: the callee's balance locks for one at a time, and both spend as on one shard", () => {
    // Caller contracts on shards 1 and 3, the giver on 2: both fetch the giver's balance; its lock is for writing.
    const [a, b] = [on(1, 2), on(3, 1)];
    const txs = [txBy(a, [callOf(giver, "spend", [a, "1"])]), txBy(b, [act(relay, "callee", [giver, "spend", JSON.stringify([b, "1"])])])];
    const results = [one, four].map((chain) => {
      const store = chain.shards[chain === one ? 0 : 2].store;
      const balance = () => decodeValue(store.get(`m-token.iost-TB${giver}-iost`))?.value.v as bigint;
      const held = balance();
      const check = supplyCheck(genesis[chain === one ? 0 : 1]);
      const [busy, waited] = [new Set<string>(), new Set<string>()];
      const out = runAll(chain, txs, (c) => {
        check(c);
        for (const r of c.inFlight()) if (r.busy) busy.add(r.txHash);
        for (const r of JSON.parse(c.shards[2]?.store.get(DEFERRED) ?? "[]") as CrossReceipt[]) if (r.kind === "read") waited.add(r.txHash);
      });
      // On four shards they contend on the giver's shard: the older tx (locks order txs by their pool key, "Atomic txs",
      // _Giving way_) waits there, or the younger is answered busy and starts its reads over.
      const [older, younger] = txs
        .map((t) => [poolOrder(t, txId(t)), txId(t)])
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, h]) => h);
      if (chain === four)
        expect([busy.size + waited.size > 0, [...busy].every((h) => h === younger), [...waited].every((h) => h === older)]).toEqual([true, true, true]);
      return { ...out, spent: held - balance() };
    });
    expect(results[0].receipts.map((r) => (r as { statusCode: string }).statusCode)).toEqual(["SUCCESS", "SUCCESS"]);
    expect(results[0].spent).toBe(200000000n);
    expect(results[1]).toEqual(results[0]);
  });

  // iwallet's and itest's default `*:unlimited`: each forwarded part escrows the whole balance, and the others wait
  // for its settle (the publisher's gas is locked meanwhile), then run on what one shard shows: none fails for it.
  it.each([
    ["eight account creations by admin, five of them on other shards", () => BURST.slice(1).map((n) => txBy("admin", newAccount(n)))],
    ["eight payments of 10 iost into a contract of another shard by one caller", () => BURST.slice(1).map(() => txBy(on(1, 1), [call(0, "pay", ["10"])]))],
  ] as [string, () => Tx[]][])("%s sent in one block under `*:unlimited`: all succeed, as on one shard", (_, make) => {
    const txs = make();
    const results = [one, four].map((chain) => {
      const before = chain.iostBalance(txs[0].publisher);
      const out = runAll(chain, txs);
      const count = chain.shards.length;
      const accounts = BURST.slice(1).map((n) => [n, chain.shards[shardOf(n, count)].store.get(`m-auth.iost-auth-${n}`) !== undefined, chain.iostBalance(n)]);
      return { receipts: out.receipts, changed: out.changed, spent: before - chain.iostBalance(txs[0].publisher), accounts };
    });
    expect(results[1].receipts.map((r) => (r as { statusCode: string }).statusCode)).toEqual(txs.map(() => "SUCCESS"));
    if (txs[0].publisher === "admin") expect(BURST.slice(1).filter((n) => shardOf(n, N) !== shardOf("admin", N))).toHaveLength(5);
    expect(results[1]).toEqual(results[0]);
  });

  it("token721: two shards racing for one symbol in one block, a contract's create off its symbol's shard and a top-level create: the claim, first in shard order, wins as on one shard", () => {
    // totem's shard is 2: the claim of deck's contract (shard 0) reaches it before the create forwarded from shard 3.
    expect([shardOf("totem", N), contractShard.get(collections.deck), shardOf(on(3), N)]).toEqual([2, 0, 3]);
    const txs = [cards("deck", on(0, 2), "make", ["totem", 2]), txBy(on(3), [nft("create", ["totem", on(3), 5])])];
    const [a, b] = [one, four].map((chain) =>
      runAll(chain, txs, supplyCheck(genesis[chain === one ? 0 : 1], supplyGaps(chain, genesis[chain === one ? 0 : 1]))),
    );
    expect(a.receipts.map((r) => (r as { statusCode: string }).statusCode)).toEqual(["SUCCESS", "RUNTIME_ERROR"]);
    expect((a.receipts[1] as { message: string }).message).toMatch(/error: token exists$/);
    expect(b).toEqual(a);
    // The winner issues it to a caller of the loser's shard, as on one shard.
    const give = cards("deck", on(3), "give", ["totem", "{}"]);
    expect(run(four, give).receipt).toEqual(run(one, give).receipt);
  });

  it("token721: the cases moved the token as one chain does, and the token's shard answers the RPC reads", () => {
    const at = (chain: SimChain) => new State(chain.shards[nftShard("card", chain.shards.length)].store);
    for (const chain of [one, four]) {
      const holders = [0, 1, 2, 3].map((s) => getToken721Balance(at(chain), on(s), "card"));
      expect(holders).toEqual([
        { balance: "2", tokenIDs: ["1", "3"] },
        { balance: "0", tokenIDs: [] },
        { balance: "2", tokenIDs: ["0", "2"] },
        { balance: "0", tokenIDs: [] },
      ]);
      expect(getToken721Owner(at(chain), "card", "2")).toEqual({ owner: on(2) });
      expect(getToken721Metadata(at(chain), "card", "2")).toEqual({ metadata: '{"n": 3}' });
    }
  });

  it("a forwarded part runs in its tx's block: a contract of another shard stores block.number and block.time, and an unpledge's refund unfreezes as on one shard", () => {
    // Fresh chains whose blocks have distinct times, both going on from one height after each tx as the cases do.
    const timeAt = (height: number) => BLOCK_TIME + BigInt(height) * 500_000_000n;
    const chains = [new SimChain(config(), 1), new SimChain(config(), N)];
    const checks = chains.map((c) => supplyCheck(genesisSupplies(c)));
    const level = () => {
      for (const [lo, hi, check] of [
        [chains[0], chains[1], checks[0]],
        [chains[1], chains[0], checks[1]],
      ] as const)
        while (lo.height < hi.height) {
          lo.step({ time: timeAt(lo.height + 1) });
          check(lo);
        }
    };
    const deploy = txBy(on(3), [act("system.iost", "setCode", [contractJson(CLOCK, [{ name: "stamp", args: [] }])])]);
    const clock = "Contract" + txId(deploy);
    contractShard.set(clock, 3);
    const txs = [
      deploy,
      txBy(on(1), [act(clock, "stamp", [])]),
      txBy(on(2), [act("gas.iost", "pledge", [on(2), on(0, 1), "10"])]),
      txBy(on(2), [act("gas.iost", "unpledge", [on(2), on(0, 1), "5"])]),
    ];
    const sent: number[] = [];
    const [a, b]: Outcome[][] = [[], []];
    for (const tx of txs) {
      sent.push(chains[0].height + 1);
      a.push(run(chains[0], tx, checks[0], timeAt));
      b.push(run(chains[1], tx, checks[1], timeAt));
      level();
    }
    expect(a.map((x) => (x.receipt as { statusCode: string }).statusCode)).toEqual(txs.map(() => "SUCCESS"));
    // One shard ran each tx in the first block after it was sent: the stamp and the unfreeze time are that block's.
    const [n, t] = [sent[1], timeAt(sent[1])];
    expect((a[1].receipt as { returns: string[] }).returns).toEqual([`["${n}:${Number(t)}:${n}:${Number(t)}"]`]);
    expect(a[3].changed[`m-token.iost-TF${on(2)}-iost`]).toContain(`"Ftime":${timeAt(sent[3]) + 3n * 86_400n * 1_000_000_000n}`);
    expect(b).toEqual(a);
  });

  it("a forwarded part older in the order for names than the signUp of its receiver on its target, by a tx later in pool order of its block or of the next block, which runs there before the part: the part fails with invalid account, as on one shard", () => {
    const young = Array.from({ length: 64 }, (_, i) => `young${i}`).filter((n) => shardOf(n, N) === 2 && !USERS.includes(n));
    const signUp = (name: string) => txBy(on(2, 2), [act("auth.iost", "signUp", [name, fakeKey(94), fakeKey(94)])]);
    // Made first, so older in pool order: one shard runs it before the signUp of its block, and the part's run on shard 2 comes a block later.
    const sameBlock = txBy(GIVEN, [give(young[0], "1")]);
    const beside = signUp(young[0]);
    // Through a contract of shard 3 first: the giver's part reaches shard 2 two blocks after its tx, after the next block's signUp ran there.
    const twoHops = txBy(on(1, 7), [act(relay, "gget", [relay, "k"]), give(young[1], "1")]);
    const next = signUp(young[1]);
    const [a, b] = [one, four].map((chain) => {
      const before = reads(chain);
      for (const tx of [sameBlock, beside, twoHops]) chain.submit(tx);
      chain.step({ time: BLOCK_TIME });
      const out = runAll(chain, [next]);
      const first = [sameBlock, beside, twoHops].map((tx) => {
        const r = chain.shards[shardOf(tx.publisher, chain.shards.length)].results.get(txId(tx))!;
        expect(r.pending, "the tx settled").toBe(0);
        return [r.receipt!.statusCode, r.receipt!.message, r.receipt!.gasUsage, r.receipt!.ramUsage];
      });
      return { first, next: out.receipts, changed: delta(before, reads(chain)) };
    });
    expect(a.first.map(([status, message]) => [status, message])).toEqual([
      ["RUNTIME_ERROR", expect.stringContaining(`invalid account ${young[0]}`)],
      ["SUCCESS", ""],
      ["RUNTIME_ERROR", expect.stringContaining(`invalid account ${young[1]}`)],
    ]);
    expect((a.next[0] as { statusCode: string }).statusCode).toBe("SUCCESS");
    expect(b).toEqual(a);
  });

  it("two txs of one block signing one name up, the older forwarded to the name's shard, the younger at home there or forwarded from a third shard: the younger fails with `id existed`, as on one shard", () => {
    const twice = Array.from({ length: 64 }, (_, i) => `twice${i}`).filter((n) => shardOf(n, N) === 2 && !USERS.includes(n));
    const signUp = (by: string, name: string) => txBy(by, [act("auth.iost", "signUp", [name, fakeKey(94), fakeKey(94)])]);
    // Made in this order, so older in this order in their block's pool order.
    const txs = [signUp(on(1, 2), twice[0]), signUp(on(2, 3), twice[0]), signUp(on(3, 1), twice[1]), signUp(on(0, 2), twice[1])];
    const [a, b] = [one, four].map((chain) => runAll(chain, txs));
    expect(a.receipts.map((r) => (r as { statusCode: string }).statusCode)).toEqual(["SUCCESS", "RUNTIME_ERROR", "SUCCESS", "RUNTIME_ERROR"]);
    for (const i of [1, 3]) expect((a.receipts[i] as { message: string }).message).toMatch(/id existed > twice[0-9]+$/);
    expect(b).toEqual(a);
  });

  it("lists only cases of the workload as known differences", () => {
    const names = new Set(CASES.map(([n]) => n));
    expect(Object.keys(KNOWN).filter((k) => !names.has(k))).toEqual([]);
  });
});
