/**
 * The devnet's producers and their keys. PUBLIC: anyone can sign as them, so a
 * node only uses them when DEV is "true" (durable-objects/env.ts).
 *
 * producer000 is go-iost's dev producer (go-iost config/genesis/genesis.yml).
 * producer001–003 are ours: seed = sha3-256 of the text
 * `iost-edge devnet producer00<i>`, secret = seed ‖ pubkey (IOST's 64-byte
 * layout), so anyone can re-derive them. `npm run network` gives node i the key
 * of producer00<i>; a single `npm start` node holds all of them.
 */
export interface DevProducer {
  id: string;
  /** base58 ed25519 pubkey: account owner/active and block-signing key. */
  pubkey: string;
  /** base58 64-byte ed25519 secret. */
  secret: string;
}

export const DEV_PRODUCERS: readonly DevProducer[] = [
  {
    id: "producer000",
    pubkey: "6sNQa7PV2SFzqCBtQUcQYJGGoU7XaB6R4xuCQVXNZe6b",
    secret: "1rANSfcRzr4HkhbUFZ7L1Zp69JZZHiDDq5v7dNSbbEqeU4jxy3fszV4HGiaLQEyqVpS1dKT9g7zCVRxBVzuiUzB",
  },
  {
    id: "producer001",
    pubkey: "BEtJmsPhhVY2wtdJaK8iGUpScyXjpM5GKpww1zCoNCf",
    secret: "sbUPzGKiKpKfBfQxZq6fUjmPJM6mfaTQDsjob38CPYqvDZrRXecbaqgExRB7m8TAX25JhZv1QVRbmcN1ANCT8cF",
  },
  {
    id: "producer002",
    pubkey: "7oS8ttd7zwBHGYjF2dBpP8J6y8P7yCmC7beE2KTGH5Gf",
    secret: "5Bs7NL8dJnWp1dcvsYzPGfA2p6Dm9iBocL2yXQSyABjRnuekbep5SDZs66W51Jsm7RNxY8fBS174fLST6SMdYBzb",
  },
  {
    id: "producer003",
    pubkey: "3xSD3jfKZDwJ8BwpYS2qCUQJ2bDzPiUtLNiydUVdhpPD",
    secret: "42aQHiRYJ5ujTFxWzBkrh8i9iNFxwg9FGuypYfqCh4ksdKKfEEJX3X7sUZfXjQ3d9rwijHDqdhMYPp84FD3mXUgK",
  },
];

/** IOST's public dev admin key (go-iost config/dev_admin_key.json): admin's owner in a dev genesis. */
export const DEV_ADMIN_PUBKEY = "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto";

/** Every public dev key: a node with DEV off never names one in its genesis or holds its secret (and deploys refuse them). */
export const PUBLIC_DEV_KEYS: ReadonlySet<string> = new Set([...DEV_PRODUCERS.map((p) => p.pubkey), DEV_ADMIN_PUBKEY]);
