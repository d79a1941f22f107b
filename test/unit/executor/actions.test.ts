/**
 * runActions (src/executor/actions.ts), the loop of every executor path: what
 * each `ActionPath` choice does, where the three paths differ (a user tx, the
 * base tx, a forwarded part).
 */
import { describe, expect, it } from "vitest";
import type { Cost } from "../../../src/contracts/cost";
import { Host } from "../../../src/contracts/host";
import { monitorCall } from "../../../src/contracts/monitor";
import { runActions, type ActionPath } from "../../../src/executor/actions";
import { buildTxContext } from "../../../src/executor/index";
import type { Action } from "../../../src/tx/types";
import { act, Chain, makeTx } from "./helpers";

const balance = act("token.iost", "balanceOf", ["iost", "admin"]);
const bad = act("token.iost", "balanceOf", ["iost"]); // wrong arity: fails in prepare, 300 CPU

function run(actions: Action[], gas: number, path: Omit<ActionPath, "pay"> = {}) {
  const chain = new Chain();
  const block = chain.block();
  const h = new Host(chain.state, block, buildTxContext(makeTx(actions), "hash", block), monitorCall);
  const paid: number[] = [];
  const r = runActions(h, actions, gas, { ...path, pay: (c: Cost) => paid.push(c.toGas()) });
  return { ...r, paid };
}

describe("runActions", () => {
  it("runs every action, books each cost and returns their results", () => {
    const r = run([balance, balance], 1_000_000);
    expect(r.failed).toBeNull();
    expect(r.forward).toBeNull();
    expect(r.returns).toHaveLength(2);
    expect(r.returns[0]).toMatch(/^\["\d+(\.\d+)?"\]$/);
    expect(r.paid).toHaveLength(2);
    expect(r.left).toBe(1_000_000 - r.paid[0] - r.paid[1]);
  });

  it("an action that ran but costs more than the gas left (its return bytes included) is out of gas, charged the gas left", () => {
    const full = run([balance], 1_000_000).paid[0];
    const r = run([balance, balance], full - 1);
    expect(r.failed).toEqual({ at: 0, message: "out of gas", outOfGas: true });
    expect(r.paid).toEqual([full - 1]);
    expect(r.returns).toEqual([]);
  });

  it("a failed action stops the run with IOST's message; its cost is booked", () => {
    const r = run([bad, balance], 1_000_000);
    expect(r.failed?.at).toBe(0);
    expect(r.failed?.message).toMatch(/^running action Action\{Contract: token\.iost, ActionName: balanceOf, .* error: prepare contract: /s);
    expect(r.paid).toEqual([300]);
  });

  it("a failed action that also overran: out of gas for a user tx, its own error and cost otherwise", () => {
    const user = run([bad], 100, { overrunWins: true });
    expect(user.failed).toEqual({ at: 0, message: "out of gas", outOfGas: true });
    expect(user.paid).toEqual([100]);
    const other = run([bad], 100);
    expect(other.failed?.outOfGas).toBe(false);
    expect(other.failed?.message).toContain("prepare contract");
    expect(other.paid).toEqual([300]);
  });

  it("short: the publisher's own gas running out ends the run as out of gas", () => {
    const r = run([balance, balance], 1_000_000, { short: (left) => left < 1_000_000 });
    expect(r.failed).toEqual({ at: 1, message: "out of gas", outOfGas: true });
    expect(r.returns).toHaveLength(1);
  });

  it("route: the action it names a shard for and the rest are not run here", () => {
    const r = run([balance, bad, balance], 1_000_000, { route: (a) => (a === bad ? 2 : null) });
    expect(r.forward).toEqual({ from: 1, target: 2 });
    expect(r.failed).toBeNull();
    expect(r.returns).toHaveLength(1);
    expect(r.paid).toHaveLength(1);
  });
});
