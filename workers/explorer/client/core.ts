/**
 * Browser helpers: a DOM builder that only ever writes text nodes and
 * attributes (account names, memos and contract code are user data, so no
 * innerHTML anywhere), the node's RPC, and formatting.
 */
export const CORE_JS = String.raw`
const SVG_NS = "http://www.w3.org/2000/svg";

function append(node, kids) {
  for (const k of [kids].flat(Infinity)) {
    if (k === undefined || k === null || k === false) continue;
    node.appendChild(typeof k === "object" ? k : document.createTextNode(String(k)));
  }
  return node;
}

function el(tag, attrs, kids) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  return append(node, kids);
}

function svg(tag, attrs, kids) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  return append(node, kids);
}

/** In-page link; every segment is URI-encoded so the hash route reads back exactly. */
function link(parts, text, cls) {
  return el("a", { href: "#/" + parts.map((p) => encodeURIComponent(String(p))).join("/"), class: cls }, text);
}

function short(hash) {
  const h = String(hash || "");
  return h.length > 16 ? h.slice(0, 8) + "…" + h.slice(-6) : h;
}

function nsToDate(ns) {
  try {
    return new Date(Number(BigInt(ns) / 1000000n));
  } catch (e) {
    return null;
  }
}

function fmtTime(ns) {
  const d = nsToDate(ns);
  return d ? d.toISOString().replace("T", " ").replace("Z", " UTC") : String(ns);
}

function table(headers, rows, empty) {
  if (rows.length === 0) return el("p", { class: "muted" }, empty || "none");
  return el("table", {}, [el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))), el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c) => (c && c.nodeName === "TD" ? c : el("td", {}, c)))))) ]);
}

function mono(text) {
  return el("td", { class: "mono" }, text);
}

function dl(pairs) {
  const out = el("dl");
  for (const [k, v] of pairs) if (v !== undefined) append(out, [el("dt", {}, k), el("dd", {}, v)]);
  return out;
}

function card(title, body, attrs) {
  return el("section", Object.assign({ class: "card" }, attrs || {}), [title ? el("h2", {}, title) : null, body]);
}

function errorLine(err) {
  return el("p", { class: "bad" }, String((err && err.message) || err));
}

function statusClass(code) {
  return code === "SUCCESS" ? "ok" : "bad";
}

class RpcError extends Error {}

/** The node's own RPC (same origin); IOST errors come back as {code, message}. */
async function rpc(path, body) {
  const init = body === undefined ? {} : { method: "POST", body: JSON.stringify(body) };
  const res = await fetch(path, init);
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new RpcError("HTTP " + res.status + " " + text.slice(0, 200));
  }
  if (!res.ok) throw new RpcError(json && json.message ? json.message : "HTTP " + res.status);
  return json;
}

function seg(value) {
  return encodeURIComponent(String(value));
}
`;
