/**
 * The node's Durable Object classes. workers/index.ts re-exports them
 * (`export { Shard, Coordinator } from "../durable-objects"`) so that wrangler
 * finds the classes named in wrangler.toml.
 */
export { Shard } from "./shard";
export { Coordinator } from "./coordinator";
export { Validator } from "./validator";
