/**
 * The `iost-edge` CLI as a user runs it: a child process per command against a
 * started node, with a throwaway keystore. Bad input must print exactly one line
 * on stderr and exit non-zero. The real bin (cli/bin.mjs) loads tsx and compiles
 * the CLI's TypeScript on every start (about a second of CPU); it runs the
 * unreachable-server case, and the other calls run cli/index.ts bundled once by
 * esbuild (the same code, plain JS), which starts in a tenth of that.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/node";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { ADMIN_PUBKEY, ADMIN_SECRET, uniqueName } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const BIN = resolve(ROOT, "cli/bin.mjs");
const node = useNode();
let keystore: string;
let bundle: string;
const alice = uniqueName("cli");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    // Defaults first, so a test can override --keystore (the last value wins).
    const child = spawn(process.execPath, [join(bundle, "cli.mjs"), "--server", node.url, "--keystore", keystore, ...args], {
      env: { ...process.env, IOST_EDGE_PASSWORD: "correct horse", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

async function ok(args: string[]): Promise<any> {
  const r = await cli([...args, "--json"]);
  expect(r.stderr, `stderr of ${args.join(" ")}`).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

function expectOneLineError(r: Run, pattern: RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.stdout).toBe("");
  expect(r.stderr.endsWith("\n")).toBe(true);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

beforeAll(async () => {
  keystore = mkdtempSync(join(tmpdir(), "iost-edge-keys-"));
  bundle = mkdtempSync(join(tmpdir(), "iost-edge-cli-"));
  await build({
    entryPoints: [resolve(ROOT, "cli/index.ts")],
    outfile: join(bundle, "cli.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    // sha3's wasm permutation: Node compiles its bytes at load, so this import only runs in workerd.
    loader: { ".wasm": "file" },
    logLevel: "error",
  });
});

afterAll(async () => {
  rmSync(keystore, { recursive: true, force: true });
  rmSync(bundle, { recursive: true, force: true });
});

describe("iost-edge CLI", () => {
  it("makes keys and keeps them encrypted with mode 0600", async () => {
    const fresh = await ok(["key", "new"]);
    expect(fresh.algorithm).toBe("ed25519");
    expect(fresh.public_key).toMatch(/^[1-9A-HJ-NP-Za-km-z]{43,44}$/);

    const stored = await ok(["key", "import", "admin", ADMIN_SECRET]);
    expect(stored.public_key).toBe(ADMIN_PUBKEY);
    expect(statSync(stored.file).mode & 0o777).toBe(0o600);
    expect(await ok(["key", "list"])).toEqual([{ account: "admin", algorithm: "ed25519", public_key: ADMIN_PUBKEY }]);
  });

  it("creates an account, transfers to it, reads its balance and the receipt", async () => {
    const created = await ok(["account", "create", alice, "--account", "admin"]);
    expect(created.account).toBe(alice);
    expect((await ok(["account", "view", alice])).permissions.active.items[0].id).toBe(created.public_key);

    const sent = await ok(["transfer", alice, "12.5", "--account", "admin", "--memo", "from the cli"]);
    expect(sent.receipt.status_code).toBe("SUCCESS");
    expect((await ok(["balance", alice])).balance).toBe(12.5);

    const receipt = await ok(["receipt", sent.tx_hash]);
    expect(receipt.status_code).toBe("SUCCESS");
    expect(receipt.receipts[0].content).toContain("from the cli");
    expect((await ok(["tx", sent.tx_hash])).status).toBe("IRREVERSIBLE");

    // The created account's own stored key signs too.
    expect((await ok(["transfer", "admin", "1", "--account", alice])).receipt.status_code).toBe("SUCCESS");

    const human = await cli(["balance", alice]);
    expect(human.stdout.trim()).toBe("11.5 iost");
  });

  it("publishes a contract (.js + .abi) and calls it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "iost-edge-contract-"));
    try {
      writeFileSync(join(dir, "kv.js"), `class KV {\n  init() {}\n  set(k, v) { storage.put(k, v); return "stored " + k; }\n}\nmodule.exports = KV;\n`);
      writeFileSync(
        join(dir, "kv.abi"),
        JSON.stringify({ lang: "javascript", version: "1.0.0", abi: [{ name: "set", args: ["string", "string"], amountLimit: [] }] }),
      );
      const published = await ok(["publish", join(dir, "kv.js"), join(dir, "kv.abi"), "--account", "admin"]);
      expect(published.receipt.status_code).toBe("SUCCESS");
      const id = JSON.parse(published.receipt.returns[0])[0] as string;
      expect(id).toBe("Contract" + published.tx_hash);
      const called = await ok(["call", id, "set", '["color","blue"]', "--account", "admin"]);
      expect(called.receipt.returns).toEqual(['["stored color"]']);
      expect((await ok(["receipt", called.tx_hash])).status_code).toBe("SUCCESS");
      const bad = await cli(["call", id, "set", '["only one"]', "--account", "admin"]);
      expectOneLineError(bad, /args length unmatched/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an unknown account is one clear line", async () => {
    expectOneLineError(await cli(["balance", "nobody_here"]), /unknown account nobody_here/);
    expectOneLineError(await cli(["transfer", alice, "1", "--account", "nobody_here"]), /unknown account nobody_here/);
  });

  it("a wrong key or password is one clear line", async () => {
    const other = mkdtempSync(join(tmpdir(), "iost-edge-keys-"));
    try {
      const stranger = await ok(["key", "new"]);
      const imported = await cli(["key", "import", "admin", stranger.secret_key, "--keystore", other]);
      expect(imported.code).toBe(0);
      expectOneLineError(await cli(["transfer", alice, "1", "--account", "admin", "--keystore", other]), /wrong key: .* is not an active key of admin/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    expectOneLineError(await cli(["transfer", alice, "1", "--account", "admin"], { IOST_EDGE_PASSWORD: "wrong" }), /wrong password for the key of admin/);
    expectOneLineError(await cli(["key", "import", "admin2x", "not-base58-0OIl"]), /bad secret key/);
  });

  it("a bad amount is one clear line and sends nothing", async () => {
    for (const bad of ["abc", "-1", "0", "1e3", "1.2.3"]) {
      expectOneLineError(await cli(["transfer", alice, bad, "--account", "admin"]), new RegExp(`bad amount "${bad.replace(/\./g, "\\.")}"`));
    }
    expect((await ok(["balance", alice])).balance).toBe(11.5);
  });

  it("proof: a balance and an absent key verified against their block; a node that alters the value is caught", async () => {
    const p = await ok(["proof", "token.iost", `TB${alice}`, "iost"]);
    expect(p).toMatchObject({ key: `m-token.iost-TB${alice}-iost`, verified: true });
    expect(p.value).toMatch(/^i1150000000@/);
    const none = await ok(["proof", "token.iost", "TBnobody", "iost"]);
    expect(none.value).toBeNull();
    expect((await cli(["proof", "token.iost", `TB${alice}`, "iost"])).stdout).toMatch(/proof +\d+ siblings: verified/);
    // A node in the middle that answers every read as the real one but raises the balance.
    const liar = createServer(async (req, res) => {
      const body = await new Promise<string>((done) => {
        let text = "";
        req.on("data", (d) => (text += d));
        req.on("end", () => done(text));
      });
      const real = await fetch(node.url + req.url, req.method === "POST" ? { method: "POST", body } : {});
      let text = await real.text();
      if (req.url === "/getProof") text = text.replace(/"value":"i(\d)/, '"value":"i9$1');
      res.writeHead(real.status, { "content-type": "application/json" }).end(text);
    });
    await new Promise<void>((done) => liar.listen(0, "127.0.0.1", done));
    try {
      const url = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`;
      expectOneLineError(await cli(["proof", "token.iost", `TB${alice}`, "iost", "--server", url]), /does not verify against root/);
    } finally {
      liar.close();
    }
    expectOneLineError(await cli(["proof", "token.iost"]), /missing contract or key/);
  });

  it("an unreachable server and an unknown contract are one clear line", async () => {
    const r = await new Promise<Run>((done) => {
      const child = spawn(process.execPath, [BIN, "balance", "admin", "--server", "http://127.0.0.1:9"], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => done({ code, stdout: "", stderr }));
    });
    expectOneLineError(r, /cannot reach http:\/\/127\.0\.0\.1:9/);
    expectOneLineError(await cli(["call", "Contractnotthere", "hi", "[]", "--account", alice]), /Contractnotthere not found/);
  });

  it("producer info and vote/unvote: votes lock the voter's IOST, an unvote leaves it frozen", async () => {
    const before = await ok(["producer", "info", "producer000"]);
    expect(before).toMatchObject({ pubkey: DEV_PRODUCERS[0].pubkey, status: "APPROVED", online: true, is_producer: true });
    expect(typeof before.votes).toBe("number");
    const human = await cli(["producer", "info", "producer000"]);
    expect(human.stdout).toMatch(/status\s+APPROVED/);

    const voted = await ok(["producer", "vote", "producer000", "1", "--account", alice]);
    expect(typeof voted.tx_hash).toBe("string");
    expect((await ok(["producer", "info", "producer000"])).votes).toBe(before.votes + 1);
    expect((await ok(["balance", alice])).balance).toBe(10.5);

    expectOneLineError(await cli(["producer", "vote", "nobody_here", "1", "--account", alice]), /producer not exists/);
    expectOneLineError(await cli(["producer", "info", "nobody_here"]), /can't get producer vote info/);
    expect((await ok(["balance", alice])).balance).toBe(10.5);

    await ok(["producer", "unvote", "producer000", "1", "--account", alice]);
    expect((await ok(["producer", "info", "producer000"])).votes).toBe(before.votes);
    const after = await ok(["balance", alice]);
    expect(after.balance).toBe(10.5);
    expect(after.frozen_balances.map((f: { amount: number }) => f.amount)).toEqual([1]);
  });

  it("producer register, approve (admin only) and login", async () => {
    const key = (await ok(["account", "view", alice])).permissions.active.items[0].id;
    await ok(["producer", "register", "--account", alice, "--location", "cli", "--url", "https://cli.example"]);
    expect(await ok(["producer", "info", alice])).toMatchObject({
      pubkey: key,
      loc: "cli",
      url: "https://cli.example",
      status: "APPLY",
      online: false,
      votes: 0,
    });
    expectOneLineError(await cli(["producer", "register", "--account", alice]), /producer exists/);
    expectOneLineError(await cli(["producer", "approve", alice, "--account", alice]), /require auth failed/);
    expect((await ok(["producer", "info", alice])).status).toBe("APPLY");
    await ok(["producer", "approve", alice, "--account", "admin"]);
    await ok(["producer", "login", "--account", alice]);
    expect(await ok(["producer", "info", alice])).toMatchObject({ status: "APPROVED", online: true });
  });
});
