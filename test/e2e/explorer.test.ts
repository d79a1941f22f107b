/**
 * The explorer in a real browser: Debian's Chromium driven by playwright-core
 * against a started node. Screenshots go to test-artifacts/ (gitignored).
 * Skipped, saying why, only where /usr/bin/chromium is missing (.ci/run installs it).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/node";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { expectSuccess, KeyPair, Algorithm, newAccountTx, uniqueName } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = resolve(ROOT, "test-artifacts");
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`explorer tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let browser: BrowserContext;
let page: Page;
let profile: string;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `explorer-${name}.png`), fullPage: true });
}

async function headShown(): Promise<number> {
  return Number(await page.locator("#stat-head b").textContent());
}

describe.skipIf(!hasChromium)("explorer in headless Chromium", () => {
  // Every slot: the page is watched moving on its own, and the producers' rounds need elections (every 20 blocks).
  const node = useNode({ vars: { BLOCK_PRODUCTION: "interval" } });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), "iost-edge-chromium-"));
    // A fresh profile directory each run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("serves the page to browsers and keeps IOST's envelope for RPC clients at /", async () => {
    const html = await fetch(node.url + "/", { headers: { accept: "text/html" } });
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html.headers.get("content-security-policy")).toContain("script-src 'self'");
    const rpc = await fetch(node.url + "/");
    expect(rpc.status).toBe(400);
    expect(await rpc.json()).toEqual({ code: 12, message: "Not Implemented" });
  });

  it("shows new blocks arriving, the chart, producers and shards", async () => {
    await page.goto(node.url + "/");
    await page.locator("#stat-head b").waitFor();
    const first = await headShown();
    await expect.poll(headShown, { timeout: 10_000 }).toBeGreaterThan(first + 1);
    await expect.poll(() => page.locator("#latest-blocks tbody tr").count()).toBeGreaterThan(1);
    expect(await page.locator("svg.chart rect.bar").count()).toBeGreaterThan(1);
    expect(await page.locator("#producers").textContent()).toContain(String((node.chainInfo.witness_list as string[])[0]));
    expect(await page.locator("#shards tbody tr").count()).toBeGreaterThanOrEqual(1);
    await shot("home");
  });

  it("names the producers with their votes, status, score and rounds; the account page shows a producer and votes cast", async () => {
    const witness = DEV_PRODUCERS[0].pubkey; // producer000's block key
    expect(node.chainInfo.witness_list).toContain(witness);
    const voteTx = node.client.iost.callABI("vote_producer.iost", "vote", ["admin", "producer000", "2100000"]);
    voteTx.addApprove("iost", "2100000");
    await expectSuccess(node.client, voteTx);
    const row = page.locator("#producers tbody tr", { hasText: witness });
    // Names and votes are re-read every few seconds, not every poll: allow a few refreshes on a loaded machine.
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain("2,100,000");
    const cells = row.locator("td");
    expect(await cells.nth(0).textContent()).toBe("producer000");
    expect(await cells.nth(1).textContent()).toBe(witness);
    expect(await cells.nth(4).textContent()).toBe("online APPROVED");
    expect(Number(await cells.nth(5).textContent())).toBeGreaterThan(0);
    expect(await cells.nth(7).textContent()).toBe("yes");
    // The score is written at the next re-election (every 20 blocks on the devnet).
    await expect.poll(() => cells.nth(3).textContent(), { timeout: 60_000 }).toMatch(/^[1-9][0-9,]*(\.[0-9]+)?$/);
    expect(await page.locator("#latest-blocks tbody").textContent()).toContain("producer000");
    await shot("producers");

    await page.goto(node.url + "/#/account/producer000");
    await expect.poll(() => page.locator("#account-producer").textContent(), { timeout: 15_000 }).toContain(witness);
    const producer = await page.locator("#account-producer").textContent();
    expect(producer).toContain("online APPROVED");
    expect(producer).toContain("2,100,000");
    await page.goto(node.url + "/#/account/admin");
    await expect.poll(() => page.locator("#account-votes tbody").textContent(), { timeout: 15_000 }).toContain("producer000");
    expect(await page.locator("#account-votes tbody").textContent()).toContain("2,100,000");
    expect(await page.locator("#account-producer").count()).toBe(0);
    await page.goto(node.url + "/");
  });

  it("shows a tx sent with the SDK, its receipt, and escapes user data", async () => {
    const memo = '<img src=x onerror="window.__xss=1">';
    const sent = await expectSuccess(node.client, node.client.iost.transfer("iost", "admin", "producer000", "1.5", memo));
    const row = page.locator("#latest-txs a", { hasText: sent.hash.slice(0, 8) });
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await expect.poll(() => page.locator("#receipt-status").textContent()).toBe("SUCCESS");
    expect(await page.locator("main").textContent()).toContain(sent.hash);
    expect(await page.locator("#receipt").textContent()).toContain("onerror");
    expect(await page.locator("main img").count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    await shot("tx");
  });

  it("search finds an account, a block and a contract", async () => {
    const name = uniqueName("exp");
    const kp = KeyPair.newKeyPair(Algorithm.Ed25519);
    await expectSuccess(node.client, newAccountTx(node.client, name, kp.B58PubKey(), kp.B58PubKey()));

    const search = async (q: string) => {
      await page.fill("#q", q);
      await page.press("#q", "Enter");
    };
    await search(name);
    await expect.poll(() => page.locator("main h1").textContent()).toBe(`Account ${name}`);
    expect(await page.locator("#account-balance").textContent()).toBe("0 IOST");
    await shot("account");

    await search("1");
    await expect.poll(() => page.locator("main h1").textContent()).toBe("Block #1");

    await search("token.iost");
    await expect.poll(() => page.locator("main h1").textContent()).toBe("Contract token.iost");
    await page.fill("input[name=key]", "TIiost");
    await page.fill("input[name=field]", "admin");
    await page.click("form.inline button");
    await expect.poll(() => page.locator("#storage-result").textContent()).not.toBe("…");
    await shot("contract");

    await search("nosuchacct1");
    await expect.poll(() => page.locator("#not-found").textContent()).toContain("account not found");
  });
});
