import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ADMIN_PASSWORD, DEFAULT_DEMO_PASSWORD, loadConfig } from "@/lib/config";

const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

describe("loadConfig", () => {
  it("has working defaults with an empty environment", () => {
    const c = loadConfig(env({}));
    expect(c.HOST).toBe("0.0.0.0");
    expect(c.PORT).toBe(3000);
    expect(c.NODE_ENV).toBe("development");
    expect(c.LOG_LEVEL).toBe("info");
    expect(c.SHUTDOWN_TIMEOUT_MS).toBe(10_000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.dataDir).toBe(path.resolve(".data"));
    expect(c.pgliteDir).toBe(path.resolve(".data", "pglite"));
    expect(c.ADMIN_EMAIL).toBe("admin@switchback.local");
    expect(c.DEMO_EMAIL).toBe("demo@switchback.local");
    expect(c.adminPassword).toBe(DEFAULT_ADMIN_PASSWORD);
    expect(c.demoPassword).toBe(DEFAULT_DEMO_PASSWORD);
    expect(c.adminPasswordIsDefault).toBe(true);
    expect(c.demoPasswordIsDefault).toBe(true);
    expect(c.allowedOrigins).toEqual([]);
  });

  it("documents the demo passwords the README promises", () => {
    expect(DEFAULT_ADMIN_PASSWORD).toBe("switchback-admin");
    expect(DEFAULT_DEMO_PASSWORD).toBe("switchback-demo");
  });

  it("reads the port, including 0 for an ephemeral port", () => {
    expect(loadConfig(env({ PORT: "8080" })).PORT).toBe(8080);
    expect(loadConfig(env({ PORT: "0" })).PORT).toBe(0);
  });

  it.each(["abc", "70000", "-1", "3000.5"])("refuses PORT=%s with a message naming PORT", (port) => {
    expect(() => loadConfig(env({ PORT: port }))).toThrow(/^Invalid configuration: PORT: /);
  });

  it("names every bad variable in one message", () => {
    let message = "";
    try {
      loadConfig(env({ PORT: "nope", DATABASE_URL: "not a url", LOG_LEVEL: "loud" }));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/PORT: /);
    expect(message).toMatch(/DATABASE_URL: /);
    expect(message).toMatch(/LOG_LEVEL: /);
  });

  it("refuses a short AUTH_SECRET and short passwords", () => {
    expect(() => loadConfig(env({ AUTH_SECRET: "short" }))).toThrow(/AUTH_SECRET/);
    expect(() => loadConfig(env({ ADMIN_PASSWORD: "1234" }))).toThrow(/ADMIN_PASSWORD/);
    expect(() => loadConfig(env({ DEMO_EMAIL: "not-an-email" }))).toThrow(/DEMO_EMAIL/);
  });

  it("treats empty variables as unset", () => {
    const c = loadConfig(env({ PORT: "", DATABASE_URL: "", ADMIN_PASSWORD: "" }));
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.adminPasswordIsDefault).toBe(true);
  });

  it("puts PGlite inside DATA_DIR unless PGLITE_DIR moves it", () => {
    const c = loadConfig(env({ DATA_DIR: "/tmp/sb-data" }));
    expect(c.dataDir).toBe("/tmp/sb-data");
    expect(c.pgliteDir).toBe("/tmp/sb-data/pglite");
    expect(loadConfig(env({ DATA_DIR: "/tmp/sb-data", PGLITE_DIR: "/srv/db" })).pgliteDir).toBe("/srv/db");
  });

  it("uses passwords from the environment and says so", () => {
    const c = loadConfig(env({ ADMIN_PASSWORD: "correct horse", DEMO_PASSWORD: "battery staple" }));
    expect(c.adminPassword).toBe("correct horse");
    expect(c.adminPasswordIsDefault).toBe(false);
    expect(c.demoPassword).toBe("battery staple");
    expect(c.demoPasswordIsDefault).toBe(false);
  });

  it("splits ALLOWED_ORIGINS on commas and trims them", () => {
    const c = loadConfig(env({ ALLOWED_ORIGINS: " https://a.example , https://b.example,," }));
    expect(c.allowedOrigins).toEqual(["https://a.example", "https://b.example"]);
  });

  it("accepts a Postgres DATABASE_URL", () => {
    expect(loadConfig(env({ DATABASE_URL: "postgres://u:p@db:5432/app" })).DATABASE_URL).toBe("postgres://u:p@db:5432/app");
  });
});
