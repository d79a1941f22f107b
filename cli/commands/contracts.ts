/**
 * `publish <code.js> <abi>` (system.iost setCode, as iwallet publish) and
 * `call <contract> <action> [args-json]`. Whatever the node answers — a
 * receipt or an error such as a missing setCode — is shown as it said it.
 */
import { readFileSync } from "node:fs";
import { CliError, usage } from "../errors";
import { lines, print } from "../output";
import { action, buildTx, chainId, sendAndWait, signer, type Sent } from "../send";
import type { Command } from "./context";
import type { Ctx } from "./context";

function readText(path: string | undefined, what: string): string {
  if (path === undefined) throw usage(`missing ${what} file`);
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${what} file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function parseJson(text: string, what: string): any {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}

async function send(ctx: Ctx, contract: string, name: string, args: unknown[]): Promise<Sent> {
  const from = await signer(ctx.opts, ctx.client);
  return sendAndWait(ctx.client, buildTx(ctx.opts, await chainId(ctx.opts, ctx.client), from, [action(contract, name, args)], []));
}

function report(ctx: Ctx, sent: Sent, extra: [string, unknown][] = []): void {
  print(ctx.opts.json, { tx_hash: sent.hash, receipt: sent.receipt }, () =>
    lines([["tx", sent.hash], ["status", sent.receipt.status_code], ["returns", JSON.stringify(sent.receipt.returns)], ...extra]),
  );
}

export const publish: Command = async (ctx, [codePath, abiPath]) => {
  const code = readText(codePath, "contract code");
  const abi = parseJson(readText(abiPath, "ABI"), `ABI file ${abiPath}`);
  // go-iost's contract JSON (iwallet publish): {ID, info: {lang, version, abi}, code}.
  const contract = { ID: "", info: { lang: abi.lang ?? "javascript", version: abi.version ?? "1.0.0", abi: abi.abi ?? abi }, code };
  const sent = await send(ctx, "system.iost", "setCode", [JSON.stringify(contract)]);
  const id = (() => {
    try {
      return JSON.parse(sent.receipt.returns?.[0] ?? "[]")[0];
    } catch {
      return undefined;
    }
  })();
  report(ctx, sent, id ? [["contract", id]] : []);
};

export const call: Command = async (ctx, [contract, name, argsJson]) => {
  if (contract === undefined || name === undefined) throw usage("call needs <contract> <action> [args as a JSON array]");
  const args = argsJson === undefined ? [] : parseJson(argsJson, "the arguments");
  if (!Array.isArray(args)) throw new CliError("the arguments must be a JSON array, e.g. '[\"a\", 1]'");
  report(ctx, await send(ctx, contract, name, args));
};
