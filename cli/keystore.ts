/**
 * The local keystore: one file per account, `<dir>/<account>.json`, mode 0600
 * in a 0700 directory. The secret is sealed with AES-256-GCM under a key from
 * scrypt(password); the account, algorithm and public key are the GCM
 * associated data, so editing them in the file makes decryption fail.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { base58Decode, base58Encode } from "../src/codec/base58";
import { keyPairFromSecret, type KeyPair } from "../src/crypto";
import { ED25519, SECP256K1, type Algorithm } from "../src/tx";
import { CliError } from "./errors";

export const DEFAULT_KEYSTORE = join(homedir(), ".iost-edge", "keys");

// scrypt N=2^15, r=8: 32 MiB and about 0.1 s per unlock, the interactive-login setting.
const SCRYPT = { N: 1 << 15, r: 8, p: 1 };
const MAXMEM = 64 * 1024 * 1024;

export interface StoredKey {
  version: 1;
  account: string;
  algorithm: "ed25519" | "secp256k1";
  public_key: string;
  kdf: { name: "scrypt"; N: number; r: number; p: number; salt: string };
  cipher: { name: "aes-256-gcm"; iv: string; tag: string; ciphertext: string };
}

export const algorithmName = (a: Algorithm) => (a === ED25519 ? "ed25519" : "secp256k1");

function fileOf(dir: string, account: string): string {
  return join(dir, `${account}.json`);
}

function aad(k: Pick<StoredKey, "account" | "algorithm" | "public_key">): Buffer {
  return Buffer.from(`${k.account}\n${k.algorithm}\n${k.public_key}`);
}

export function saveKey(dir: string, account: string, kp: KeyPair, password: string): string {
  const file = fileOf(dir, account);
  if (existsSync(file)) throw new CliError(`the keystore already holds a key for ${account} (${file})`);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = scryptSync(password, salt, 32, { ...SCRYPT, maxmem: MAXMEM });
  const meta = { account, algorithm: algorithmName(kp.algorithm), public_key: kp.id } as const;
  const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(aad(meta));
  const ciphertext = Buffer.concat([cipher.update(base58Encode(kp.secretKey), "utf8"), cipher.final()]);
  const stored: StoredKey = {
    version: 1,
    ...meta,
    kdf: { name: "scrypt", ...SCRYPT, salt: salt.toString("base64") },
    cipher: { name: "aes-256-gcm", iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), ciphertext: ciphertext.toString("base64") },
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(stored, null, 2) + "\n", { mode: 0o600, flag: "wx" });
  // mode on create is masked by the umask; make sure it is exactly 0600.
  chmodSync(file, 0o600);
  return file;
}

export function removeKey(dir: string, account: string): void {
  rmSync(fileOf(dir, account), { force: true });
}

export function readStored(dir: string, account: string): StoredKey {
  const file = fileOf(dir, account);
  if (!existsSync(file)) throw new CliError(`no key for account ${account} in the keystore ${dir} (iost-edge key import ${account} …)`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as StoredKey;
  } catch {
    throw new CliError(`keystore file ${file} is not valid JSON`);
  }
}

export function unlockKey(dir: string, account: string, password: string): KeyPair {
  const s = readStored(dir, account);
  let secret: string;
  try {
    const key = scryptSync(password, Buffer.from(s.kdf.salt, "base64"), 32, { N: s.kdf.N, r: s.kdf.r, p: s.kdf.p, maxmem: MAXMEM });
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(s.cipher.iv, "base64")).setAAD(aad(s));
    decipher.setAuthTag(Buffer.from(s.cipher.tag, "base64"));
    secret = Buffer.concat([decipher.update(Buffer.from(s.cipher.ciphertext, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new CliError(`wrong password for the key of ${account} (or the keystore file was altered)`);
  }
  return keyPairFromSecret(s.algorithm === "ed25519" ? ED25519 : SECP256K1, base58Decode(secret));
}

export function listKeys(dir: string): StoredKey[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => readStored(dir, f.slice(0, -5)));
}
