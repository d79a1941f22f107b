/**
 * The e2e files that need the machine without another node (vitest.config.ts ALONE), as one test
 * file: vitest gives a file one worker, so they run one after another, in ALONE's order, while the
 * unit files use the CPU they leave (project "node", at a lower priority: test/nice.ts). Each file's
 * tests and top-level hooks (its node) stay under a describe named by its path; one of them alone:
 * `npx vitest run --project e2e-alone -t siege`.
 */
import { describe, inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** ALONE's paths, from the repository root. */
    alone: string[];
  }
}

for (const path of inject("alone")) describe(path, async () => void (await import(/* @vite-ignore */ `../../${path}`)));
