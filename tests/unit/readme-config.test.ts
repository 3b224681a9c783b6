import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * lib/config.ts promises that the README's configuration table mirrors its schema. Both are
 * read as text: every variable the schema declares has a row, and every row names a variable
 * the schema declares (or one documented as not Switchback's own).
 */
const root = path.resolve(import.meta.dirname, "../..");
const configSource = fs.readFileSync(path.join(root, "lib/config.ts"), "utf8");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

const schemaBody = configSource.slice(configSource.indexOf("const envSchema = z.object({"), configSource.indexOf("});", configSource.indexOf("const envSchema")));
const declared = [...schemaBody.matchAll(/^\s+([A-Z][A-Z0-9_]*):\s*z\./gm)].map((m) => m[1]!);
const documented = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]!);

describe("README configuration table", () => {
  it("finds the schema and the table", () => {
    expect(declared).toContain("PORT");
    expect(declared).toContain("DATABASE_URL");
    expect(documented).toContain("PORT");
  });

  it("documents every environment variable lib/config.ts reads", () => {
    expect(declared.filter((v) => !documented.includes(v))).toEqual([]);
  });

  it("documents no variable lib/config.ts does not read", () => {
    expect(documented.filter((v) => !declared.includes(v))).toEqual([]);
  });
});
