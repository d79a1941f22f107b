/** The explorer's HTML shell and stylesheet; the views are drawn by client/*.ts. */

export const EXPLORER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>iost-edge explorer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/explorer/style.css">
<script src="/explorer/app.js" defer></script>
</head>
<body>
<header>
  <a class="brand" href="#/">iost-edge</a>
  <form id="search" role="search">
    <input id="q" name="q" autocomplete="off" spellcheck="false" placeholder="tx hash, block number or hash, account, contract">
    <button type="submit">Search</button>
  </form>
</header>
<main id="view"><p class="muted">Loading…</p></main>
<noscript>The explorer needs JavaScript; the RPC answers at the same address.</noscript>
</body>
</html>
`;

export const EXPLORER_CSS = `
:root { --fg: #1b1f24; --muted: #6a737d; --line: #e1e4e8; --bg: #fafbfc; --accent: #0b6bcb; --ok: #1a7f37; --bad: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; }
.brand { font-weight: 700; color: var(--fg); text-decoration: none; }
#search { display: flex; flex: 1; max-width: 40rem; gap: .4rem; }
#search input { flex: 1; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 4px; font: inherit; }
button { padding: .35rem .8rem; border: 1px solid var(--line); border-radius: 4px; background: #f3f4f6; font: inherit; cursor: pointer; }
main { padding: 1rem; max-width: 78rem; margin: 0 auto; }
h1 { font-size: 1.25rem; margin: .2rem 0 1rem; word-break: break-all; }
h2 { font-size: 1rem; margin: 1.4rem 0 .5rem; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.muted { color: var(--muted); }
.ok { color: var(--ok); } .bad { color: var(--bad); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; overflow: auto; }
.card + .card, .card + .grid, .grid + .card, .grid + .grid { margin-top: 1rem; }
.grid > .card + .card { margin-top: 0; }
.stats { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.stat b { display: block; font-size: 1.2rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); white-space: nowrap; }
td.mono, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; word-break: break-all; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; word-break: break-all; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; padding: .6rem; overflow: auto; max-height: 30rem; white-space: pre-wrap; word-break: break-all; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .bar { fill: #9ecbff; } svg.chart .line { fill: none; stroke: #d4721a; stroke-width: 1.5; }
svg.chart text { font-size: 10px; fill: var(--muted); }
form.inline { display: flex; gap: .4rem; flex-wrap: wrap; margin: .4rem 0; }
form.inline input { padding: .3rem .5rem; border: 1px solid var(--line); border-radius: 4px; font: inherit; }
`;
