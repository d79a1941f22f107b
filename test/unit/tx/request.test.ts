import { test, expect } from "vitest";
import { parseTxRequest } from "../../../src/tx/request";
import { TxError } from "../../../src/tx/errors";
import { ED25519, SECP256K1 } from "../../../src/tx/types";

const KEY = "lDS+SdM+aiVHbDyXapvrsgyKxFg9mJuHWPZb/INBRWY=";

/** The body iost.js 0.1.22 posts (iost.js lib/structs.js, lib/transaction.js). */
const SDK_BODY = `{"gasRatio":1,"gasLimit":2000000,
 "actions":[{"contract":"token.iost","actionName":"transfer","data":"[\\"iost\\",\\"admin\\",\\"bob\\",\\"10.000\\",\\"memo\\"]"}],
 "signers":[],"signatures":[],"publisher":"admin",
 "publisher_sigs":[{"algorithm":"ED25519","public_key":"${KEY}","signature":"${KEY}"}],
 "amount_limit":[{"token":"iost","value":"10"}],
 "chain_id":1024,"reserved":null,"time":1544013436179000000,"expiration":1544013526179000000,"delay":0}`;

function rejects(body: string, message: string, code = 3) {
  let err: unknown;
  try {
    parseTxRequest(body);
  } catch (e) {
    err = e;
  }
  expect(err, body).toBeInstanceOf(TxError);
  expect((err as TxError).message, body).toBe(message);
  expect((err as TxError).code, body).toBe(code);
}

test("the iost.js body: camelCase names, reserved:null, int64 numbers above 2^53 kept exact", () => {
  const tx = parseTxRequest(SDK_BODY);
  expect(tx.time).toBe(1544013436179000000n);
  expect(tx.expiration).toBe(1544013526179000000n);
  expect(tx.gasRatio).toBe(100n);
  expect(tx.gasLimit).toBe(200000000n);
  expect(tx.chainId).toBe(1024);
  expect(tx.actions).toEqual([{ contract: "token.iost", actionName: "transfer", data: '["iost","admin","bob","10.000","memo"]' }]);
  expect(tx.amountLimit).toEqual([{ token: "iost", value: "10" }]);
  expect(tx.publisherSigs[0].algorithm).toBe(ED25519);
  expect(tx.publisherSigs[0].pubkey.length).toBe(32);
});

test("proto names, int64 as strings or integral numbers, enums as numbers, URL-safe base64, unknown fields, nulls", () => {
  const tx = parseTxRequest(
    `{"time":"1544013436179000001","expiration":1.544013526179e18,"gas_ratio":"1.5","gas_limit":"2e6","delay":"0",
      "chainId":"1020","unknown":{"x":[1,2]},"actions":null,"amountLimit":[],"publisher":"a",
      "signatures":[{"algorithm":1,"signature":"-_8","publicKey":"-_8="}],
      "publisherSigs":[{"algorithm":"SECP256K1","signature":null,"public_key":"+/8"}]} and then anything`,
  );
  expect(tx.time).toBe(1544013436179000001n);
  expect(tx.expiration).toBe(1544013526179000000n);
  expect(tx.gasRatio).toBe(150n);
  expect(tx.gasLimit).toBe(200000000n);
  expect(tx.chainId).toBe(1020);
  expect(tx.actions).toEqual([]);
  expect(tx.signers).toEqual([]);
  expect(tx.signatures).toEqual([{ algorithm: SECP256K1, sig: new Uint8Array([0xfb, 0xff]), pubkey: new Uint8Array([0xfb, 0xff]) }]);
  expect(tx.publisherSigs[0].sig).toEqual(new Uint8Array(0));
});

test("an empty body is an empty request, as with grpc-gateway", () => {
  const tx = parseTxRequest("  ");
  expect(tx.time).toBe(0n);
  expect(tx.publisherSigs).toEqual([]);
});

test("bad JSON: Go encoding/json messages, code 3", () => {
  rejects("{", "unexpected EOF");
  rejects("{'a':1}", "invalid character '\\'' looking for beginning of object key string");
  rejects('{"time":1,}', "invalid character '}' looking for beginning of object key string");
  rejects("nope", "invalid character 'o' in literal null (expecting 'u')");
});

test("wrong types: protojson messages, code 3", () => {
  rejects("[]", "proto: syntax error: unexpected token [");
  rejects('{"time":"abc"}', 'proto: invalid value for int64 field time: "abc"');
  rejects('{"time":1.5}', "proto: invalid value for int64 field time: 1.5");
  rejects('{"time":" 1"}', 'proto: invalid value for int64 field time: " 1"');
  rejects('{"expiration":9223372036854775808}', "proto: invalid value for int64 field expiration: 9223372036854775808");
  rejects('{"chain_id":-1}', "proto: invalid value for uint32 field chainId: -1");
  rejects('{"chain_id":4294967296}', "proto: invalid value for uint32 field chainId: 4294967296");
  rejects('{"gas_ratio":true}', "proto: invalid value for double field gasRatio: true");
  rejects('{"gasLimit":"1x"}', 'proto: invalid value for double field gasLimit: "1x"');
  rejects('{"gasLimit":1e400}', "proto: invalid value for double field gasLimit: 1e400");
  rejects('{"publisher":5}', "proto: invalid value for string field publisher: 5");
  rejects('{"signers":"a"}', 'proto: syntax error: unexpected token "a"');
  rejects('{"signers":[null]}', "proto: invalid value for string field signers: null");
  rejects('{"actions":[1]}', "proto: syntax error: unexpected token 1");
  rejects('{"actions":[{"action_name":{}}]}', "proto: invalid value for string field actionName: {");
  rejects('{"gas_ratio":1,"gasRatio":1}', 'proto: duplicate field "gasRatio"');
});

test("bad base64 and unknown algorithms are refused while decoding", () => {
  rejects('{"signatures":[{"algorithm":2,"signature":"QQ="}]}', 'proto: invalid value for bytes field signature: "QQ="');
  rejects('{"publisher_sigs":[{"algorithm":2,"public_key":"a b"}]}', 'proto: invalid value for bytes field publicKey: "a b"');
  rejects('{"publisher_sigs":[{"algorithm":"RSA"}]}', 'proto: invalid value for enum field algorithm: "RSA"');
  rejects('{"publisher_sigs":[{"algorithm":"UNKNOWN"}]}', 'proto: invalid value for enum field algorithm: "UNKNOWN"');
  rejects('{"publisher_sigs":[{"algorithm":0}]}', "proto: invalid value for enum field algorithm: 0");
  rejects('{"publisher_sigs":[{"algorithm":7}]}', "proto: invalid value for enum field algorithm: 7");
  rejects('{"publisher_sigs":[{}]}', "proto: invalid value for enum field algorithm: 0");
});
