/**
 * The node's Durable Object classes, one folder each. workers/index.ts
 * re-exports them so that wrangler finds the classes named in wrangler.toml.
 */
export { Shard } from "./shard/shard";
export { Coordinator } from "./coordinator/coordinator";
export { Validator } from "./validator/validator";
