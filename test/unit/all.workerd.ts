/**
 * The core suite inside workerd, as one test file (vitest.config.ts project "workerd"). The pool
 * imports a file's modules afresh for each file, and in workerd that import (the QuickJS wasm, the
 * protocol core, through the module runner) costs seconds, more than most unit files' tests: one
 * file pays it once. Each unit file's tests keep their own describe blocks under its path; their
 * only top-level hooks are the idempotent `beforeAll(vmReady)`. abi.test.ts runs on its own: its
 * snapshots are kept beside it, by file. sharding/differential.test.ts runs in Node only: a fixed
 * script over the core and the same QuickJS wasm, with nothing of its own that depends on the
 * runtime (the crypto, VM and state files here cover what does); it took 15 of this file's 62 s in CI.
 * property.test.ts, random sequences of the same workload compared the same way, still runs here.
 */
/// <reference types="vite/types/importMeta.d.ts" />
import { describe } from "vitest";

const files = import.meta.glob(["./**/*.test.ts", "!./contracts/abi.test.ts", "!./sharding/differential.test.ts"]);

for (const path of Object.keys(files).sort()) describe(path, async () => void (await files[path]()));
