/**
 * Proof of Believability data for the explorer: who owns each witness key
 * (vote_producer.iost `producerKeyToId`), its votes and status
 * (/getProducerVoteInfo) and its believability score (`producerScores`,
 * written at each re-election, docs/POB.md). The home page polls every second
 * but these change only with votes and re-elections, so each key is read at
 * most every few seconds and a failed read keeps the last answer.
 */
export const PRODUCERS_JS = String.raw`
const PRODUCER_REFRESH_MS = 5000;
const producerCache = new Map(); // pubkey → { at, account, info }
const scoreCache = { at: 0, scores: {} };

function vpStorage(key, field) {
  return rpc("/getContractStorage", { id: "vote_producer.iost", key, field: field || "", by_longest_chain: true }).then((r) => r.data);
}

/** producerScores: {account: score in 1e-8 IOST}; anything else reads as no scores yet. */
function parseScores(data) {
  try {
    const s = JSON.parse(data);
    return s && typeof s === "object" && !Array.isArray(s) ? s : {};
  } catch (e) {
    return {};
  }
}

/** 1e-8 IOST units (decimal text) as IOST, exactly: BigInt, no float rounding. */
function fmtUnits(text) {
  let u;
  try {
    u = BigInt(text);
  } catch (e) {
    return String(text);
  }
  const sign = u < 0n ? "-" : "";
  if (u < 0n) u = -u;
  const frac = (u % 100000000n).toString().padStart(8, "0").replace(/0+$/, "");
  return sign + (u / 100000000n).toLocaleString("en-US") + (frac ? "." + frac : "");
}

function fmtVotes(v) {
  return typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: 8 }) : "—";
}

async function producerOf(pubkey) {
  const account = await vpStorage("producerKeyToId", pubkey);
  if (!account || account === "null") return { account: null, info: null };
  const info = await rpc("/getProducerVoteInfo/" + seg(account) + "/true").catch(() => null);
  return { account, info };
}

/** Reads the stale entries of these keys (and the scores) and forgets keys no longer listed. */
async function refreshProducers(keys) {
  const now = Date.now();
  const jobs = [];
  for (const k of [...producerCache.keys()]) if (!keys.includes(k)) producerCache.delete(k);
  for (const k of keys) {
    const e = producerCache.get(k) || { at: 0, account: null, info: null };
    if (now - e.at < PRODUCER_REFRESH_MS) continue;
    e.at = now; // also stops the next poll from asking again while this read is in flight
    producerCache.set(k, e);
    jobs.push(producerOf(k).then((r) => Object.assign(e, r), () => {}));
  }
  if (now - scoreCache.at >= PRODUCER_REFRESH_MS) {
    scoreCache.at = now;
    jobs.push(vpStorage("producerScores").then((d) => { scoreCache.scores = parseScores(d); }, () => {}));
  }
  await Promise.all(jobs);
}

/** The account owning a witness key when known, else the short key. */
function producerLabel(pubkey) {
  const e = producerCache.get(pubkey);
  return e && e.account ? link(["account", e.account], e.account) : short(pubkey);
}

function onlineView(info) {
  if (!info) return "—";
  return [el("span", { class: info.online ? "ok" : "bad" }, info.online ? "online" : "offline"), " " + info.status];
}

function producersView(info, blocks) {
  const made = new Map();
  for (const b of blocks) made.set(b.witness, (made.get(b.witness) || 0) + 1);
  const current = info.witness_list || [];
  const pending = info.pending_witness_list || [];
  const keys = [...current, ...pending.filter((k) => !current.includes(k))];
  const rows = keys.map((k) => {
    const e = producerCache.get(k) || {};
    const score = e.account ? scoreCache.scores[e.account] : undefined;
    return [
      e.account ? link(["account", e.account], e.account) : el("span", { class: "muted" }, "unknown"),
      mono(k),
      e.info ? fmtVotes(e.info.votes) : "—",
      score !== undefined ? fmtUnits(score) : "—",
      onlineView(e.info),
      String(made.get(k) || 0),
      current.includes(k) ? "yes" : "no",
      pending.includes(k) ? "yes" : "no",
    ];
  });
  return [
    table(["producer", "key", "votes", "score", "status", "blocks in window", "this round", "next round"], rows, "no witnesses"),
    el("p", { class: "muted" }, "Score: believability from the last re-election (votes × reliability × service bonus, docs/POB.md). Names, votes and scores refresh every " + PRODUCER_REFRESH_MS / 1000 + " s."),
  ];
}

/** The account page's producer card, or nothing when the account is no producer. */
async function producerCard(name) {
  const [p, ci, scores] = await Promise.all([
    rpc("/getProducerVoteInfo/" + seg(name) + "/true").catch(() => null),
    rpc("/getChainInfo").catch(() => ({})),
    vpStorage("producerScores").then(parseScores, () => ({})),
  ]);
  if (!p) return null;
  const round = (list) => ((list || []).includes(p.pubkey) ? "yes" : "no");
  return card("Producer", dl([
    ["key", el("span", { class: "mono" }, p.pubkey)],
    ["status", onlineView(p)],
    ["votes", fmtVotes(p.votes)],
    ["score", scores[name] !== undefined ? fmtUnits(scores[name]) : "— (no re-election yet)"],
    ["this round", round(ci.witness_list)],
    ["next round", round(ci.pending_witness_list)],
    ["location", p.loc || "—"],
    ["url", p.url || "—"],
    ["network id", p.net_id || "—"],
  ]), { id: "account-producer" });
}

/** The account's own producer votes (getAccount vote_infos). */
function votesCastView(voteInfos) {
  const rows = (voteInfos || []).map((v) => [link(["account", v.option], v.option), fmtVotes(v.votes), fmtVotes(v.cleared_votes)]);
  return table(["producer", "votes", "cleared"], rows, "no producer votes");
}
`;
