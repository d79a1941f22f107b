import { test, expect } from "vitest";
import { txToJson, receiptToJson } from "../../../src/tx/view";
import { receiptBytes, txId } from "../../../src/tx/bytes";
import { parseTxRequest } from "../../../src/tx/request";
import type { TxReceipt } from "../../../src/tx/types";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

test("txToJson: the RPC Transaction view (int64 strings, gas /100, no signatures)", () => {
  const tx = parseTxRequest(
    `{"time":1544269519362042000,"expiration":1544279519362041000,"gas_ratio":1,"gas_limit":50000,"chain_id":1024,"publisher":"admin",
      "actions":[{"contract":"token.iost","action_name":"transfer","data":"[]"}],"amount_limit":[{"token":"iost","value":"1"}],
      "publisher_sigs":[{"algorithm":"ED25519","signature":"","public_key":""}]}`,
  );
  const json = txToJson(tx);
  expect(JSON.stringify(json)).toBe(
    `{"hash":"${txId(tx)}","time":"1544269519362042000","expiration":"1544279519362041000","gas_ratio":1,"gas_limit":50000,"delay":"0","chain_id":1024,` +
      `"actions":[{"contract":"token.iost","action_name":"transfer","data":"[]"}],"signers":[],"publisher":"admin","referred_tx":"",` +
      `"amount_limit":[{"token":"iost","value":"1"}],"tx_receipt":null}`,
  );
  expect(txToJson(tx, "given").hash).toBe("given");
  expect(txToJson({ ...tx, gasRatio: 123n }).gas_ratio).toBe(1.23);
});

const receipt: TxReceipt = {
  txHash: "6eGkZoXPQtYXdh7dBSXe2L1ckUCDj4egRn4fXtS2ACnR",
  gasUsage: 663300n,
  ramUsage: { bob: -2n, alice: 318n, __proto__x: 1n },
  statusCode: "RUNTIME_ERROR",
  message: "out of gas",
  returns: ["[]"],
  receipts: [{ funcName: "token.iost/transfer", content: "[]" }],
};

test("receiptToJson: gas /100, ram values as strings in key order, status by name", () => {
  expect(JSON.stringify(receiptToJson(receipt))).toBe(
    `{"tx_hash":"6eGkZoXPQtYXdh7dBSXe2L1ckUCDj4egRn4fXtS2ACnR","gas_usage":6633,"ram_usage":{"__proto__x":"1","alice":"318","bob":"-2"},` +
      `"status_code":"RUNTIME_ERROR","message":"out of gas","returns":["[]"],"receipts":[{"func_name":"token.iost/transfer","content":"[]"}]}`,
  );
  const proto = receiptToJson({ ...receipt, ramUsage: Object.fromEntries([["__proto__", 5n]]) });
  expect(JSON.stringify(proto.ram_usage)).toBe('{"__proto__":"5"}');
});

test("receiptBytes: TxReceipt.ToBytes layout", () => {
  const r: TxReceipt = {
    txHash: "2",
    gasUsage: 100n,
    ramUsage: { b: 1n, a: -1n },
    statusCode: "BALANCE_NOT_ENOUGH",
    message: "m",
    returns: ["x"],
    receipts: [{ funcName: "f", content: "c" }],
  };
  expect(hex(receiptBytes(r))).toBe(
    "00000001" +
      "01" + // tx hash bytes: base58 "2" is 0x01
      "0000000000000064" +
      "00000009" +
      "00000002" +
      "000000016d" + // status: Int32(2) ‖ String("m")
      "00000002" +
      "0000000161" +
      "ffffffffffffffff" +
      "0000000162" +
      "0000000000000001" +
      "00000001" +
      "0000000178" +
      "00000001" +
      "0000000a" +
      "0000000166" +
      "0000000163",
  );
});
