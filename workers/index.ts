/** Worker entry: the edge RPC app, plus the node's Durable Object classes (wrangler.toml SHARD, COORDINATOR). */
import { app } from "./app";

export { Shard, Coordinator, Validator } from "../durable-objects/index";

export default {
  fetch: app.fetch,
};
