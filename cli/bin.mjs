#!/usr/bin/env node
// The CLI is TypeScript run through tsx (a dev dependency of this repo), so
// `npx iost-edge …` works from a checkout with no build step.
import { register } from "tsx/esm/api";

register();
await import("./index.ts");
