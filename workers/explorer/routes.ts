/**
 * The block explorer: GET / with `Accept: text/html` (a browser) answers the
 * page; any other client still gets IOST's "Not Implemented" envelope there, so
 * RPC behaviour is unchanged. The page is static (no build step) and reads the
 * chain through this node's own RPC paths.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { EXPLORER_JS } from "./client";
import { EXPLORER_CSS, EXPLORER_HTML } from "./page";

export const explorerRoutes = new Hono<AppEnv>();

/**
 * Everything rendered is built with textContent/setAttribute, never innerHTML;
 * the policy is a second wall should that ever slip: only our own script,
 * style and RPC origin.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function asset(body: string, type: string): Response {
  return new Response(body, {
    headers: { "content-type": `${type}; charset=utf-8`, "content-security-policy": CSP, "x-content-type-options": "nosniff", "cache-control": "no-cache" },
  });
}

explorerRoutes.get("/", async (c, next) => {
  if (!(c.req.header("accept") ?? "").includes("text/html")) return next();
  return asset(EXPLORER_HTML, "text/html");
});
explorerRoutes.get("/explorer/app.js", () => asset(EXPLORER_JS, "text/javascript"));
explorerRoutes.get("/explorer/style.css", () => asset(EXPLORER_CSS, "text/css"));
