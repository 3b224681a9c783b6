import { defineConfig } from "drizzle-kit";

// Only used to generate migrations from lib/db/schema.ts; it never connects to a database.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema.ts",
  out: "./drizzle",
});
