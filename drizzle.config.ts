// drizzle-kit: `npm run db:generate` writes SQL migrations + drizzle/migrations.js
// for the Durable Objects' SQLite (applied in their constructors).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./durable-objects/schema.ts",
  out: "./drizzle",
});
