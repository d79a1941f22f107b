/**
 * Hash routes (#/block/12, #/tx/<hash>, #/account/<name>, #/contract/<id>) and
 * search. Each render bumps a generation number, so a slow answer for a page
 * the user already left is dropped and the home poll stops.
 */
export const ROUTER_JS = String.raw`
const view = document.getElementById("view");
const PAGES = { block: blockPage, tx: txPage, account: accountPage, contract: contractPage };
let generation = 0;

async function render() {
  const mine = ++generation;
  const alive = () => mine === generation;
  const [kind, ...rest] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const arg = rest.join("/");
  if (!kind || !PAGES[kind]) {
    view.replaceChildren(homeView(alive));
    return;
  }
  view.replaceChildren(el("p", { class: "muted" }, "Loading…"));
  let content;
  try {
    content = await PAGES[kind](arg);
  } catch (err) {
    content = [el("h1", {}, kind + " " + arg), card(null, errorLine(err), { id: "not-found" })];
  }
  if (alive()) view.replaceChildren(...content);
}

/** Where a search term leads: numbers are blocks, dotted names or Contract… ids contracts, IOST names accounts; else a tx, then a block hash. */
async function resolve(q) {
  if (/^[0-9]+$/.test(q)) return ["block", q];
  if (q.includes(".") || /^Contract[1-9A-HJ-NP-Za-km-z]+$/.test(q)) return ["contract", q];
  if (/^[a-z0-9_]{5,11}$/.test(q)) return ["account", q];
  try {
    await rpc("/getTxByHash/" + seg(q));
    return ["tx", q];
  } catch (e) {
    await rpc("/getBlockByHash/" + seg(q) + "/false");
    return ["block", q];
  }
}

document.getElementById("search").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const q = document.getElementById("q").value.trim();
  if (!q) return;
  try {
    location.hash = "#/" + (await resolve(q)).map(seg).join("/");
  } catch (err) {
    generation++;
    view.replaceChildren(el("h1", {}, "Search"), card(null, el("p", { class: "bad", id: "not-found" }, "Nothing found for " + q), {}));
  }
});

window.addEventListener("hashchange", render);
render();
`;
