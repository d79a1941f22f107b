import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// One core suite, two runtimes: test/unit runs in Node and again inside workerd,
// so the protocol core is proven on both. test/workers holds Durable Object
// integration tests (workerd only); test/e2e talks HTTP to a started node.
export default defineConfig({
  test: {
    projects: [
      { test: { name: "node", include: ["test/unit/**/*.test.ts", "test/node/**/*.test.ts"], environment: "node", testTimeout: 30_000 } },
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
        test: { name: "workerd", include: ["test/unit/**/*.test.ts", "test/workers/**/*.test.ts"], testTimeout: 60_000 },
      },
      {
        // Real HTTP against started nodes (wrangler unstable_startWorker). Each file
        // starts its own node; files run one after another to keep ports and CPU calm.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { concurrent: false },
        },
      },
    ],
  },
});
