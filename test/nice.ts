/**
 * Setup of project "node" (vitest.config.ts): its workers run the unit files beside the e2e files
 * that need the cores for their node's wall-clock bounds (test/e2e/alone.ts), so they take a lower
 * priority: they use what that node leaves and yield the moment it wants a core. Never raised (an
 * unprivileged process may not), so a run started niced stays as it is.
 */
import { getPriority, setPriority } from "node:os";

setPriority(Math.max(getPriority(), 10));
