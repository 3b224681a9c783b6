import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DRIVERS } from "../helpers/db";
import { CookieJar, fetchWithJar, signIn, startServer, type RunningServer } from "../helpers/server";

const DEMO = { email: "demo@switchback.local", password: "switchback-demo" };
const ADMIN = { email: "admin@switchback.local", password: "switchback-admin" };
const SESSION_COOKIE = "next-auth.session-token";

describe.each(DRIVERS)("the custom server (production build) on %s", (driver) => {
  let server: RunningServer;
  beforeAll(async () => {
    // As if behind a reverse proxy that sets X-Forwarded-For (TRUST_PROXY).
    server = await startServer({ driver, env: { TRUST_PROXY: "true" } });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("prints the ready line with its URL and shows the demo credentials on first start", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    const seeded = server.logs.find((l) => l.msg === "created the first users: sign in with these");
    expect(seeded).toMatchObject({ admin: `${ADMIN.email} / ${ADMIN.password}`, demo: `${DEMO.email} / ${DEMO.password}` });
    expect(server.logs.find((l) => l.msg === "database ready")).toMatchObject({ driver });
  });

  it("answers health with the database check", async () => {
    const res = await fetch(`${server.url}/api/v1/realtime/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const body = (await res.json()) as { status: string; checks: { database: { status: string; latencyMs: number } } };
    expect(body.status).toBe("healthy");
    expect(body.checks.database.status).toBe("healthy");
    expect(typeof body.checks.database.latencyMs).toBe("number");
  });

  it("answers unknown /api paths with a JSON 404 in the contract's error shape, for any method", async () => {
    for (const method of ["GET", "POST", "DELETE"]) {
      const res = await fetch(`${server.url}/api/x`, { method });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/json");
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("not_found");
      expect(body.error.message).toContain("/api/x");
    }
    const nested = await fetch(`${server.url}/api/v1/does/not/exist`);
    expect(nested.status).toBe(404);
    expect(((await nested.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("sends a signed-out visitor to the sign-in page with a return URL", async () => {
    for (const path of ["/admin/users", "/dashboard", "/monitoring"]) {
      const res = await fetch(`${server.url}${path}`, { redirect: "manual" });
      expect(res.status, path).toBeGreaterThanOrEqual(300);
      expect(res.status, path).toBeLessThan(400);
      expect(res.headers.get("location"), path).toBe(`/signin?callbackUrl=${encodeURIComponent(path)}`);
    }
  });

  it("serves the sign-in page", async () => {
    const res = await fetch(`${server.url}/signin`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Sign in");
  });

  it("signs the demo user in through next-auth's credentials callback", async () => {
    const { response, error, jar } = await signIn(server.url, DEMO.email, DEMO.password);
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(jar.has(SESSION_COOKIE)).toBe(true);

    const session = (await (await fetchWithJar(server.url, jar, "/api/auth/session")).json()) as {
      user?: { email: string; name: string; role: string; id: string };
    };
    expect(session.user).toMatchObject({ email: DEMO.email, name: "Demo Trader", role: "user" });
    expect(session.user?.id).toMatch(/^[0-9a-f-]{36}$/);

    const dashboard = await fetchWithJar(server.url, jar, "/dashboard");
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain("Demo Trader");
  });

  it("answers 403 with the forbidden page when a user opens an admin page", async () => {
    const { jar } = await signIn(server.url, DEMO.email, DEMO.password);
    for (const path of ["/admin/users", "/admin/realtime"]) {
      const res = await fetchWithJar(server.url, jar, path);
      expect(res.status, path).toBe(403);
      expect(await res.text(), path).toContain("have access to this page");
    }
  });

  it("lets an admin open the admin pages", async () => {
    const { jar, error } = await signIn(server.url, ADMIN.email, ADMIN.password);
    expect(error).toBeUndefined();
    const res = await fetchWithJar(server.url, jar, "/admin/users");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(DEMO.email);
    expect(html).toContain(ADMIN.email);
  });

  it("gives no session for a wrong password or an unknown email, with one clear message", async () => {
    for (const [email, password] of [
      [DEMO.email, "not-the-password"],
      ["nobody@switchback.local", "whatever-password"],
    ] as const) {
      const { response, error, jar } = await signIn(server.url, email, password);
      expect(response.status).toBe(401);
      expect(error).toBe("Incorrect email or password.");
      expect(jar.has(SESSION_COOKIE)).toBe(false);
      const session = (await (await fetchWithJar(server.url, jar, "/api/auth/session")).json()) as { user?: unknown };
      expect(session.user).toBeUndefined();
    }
  });

  it("throttles an account after repeated failures, even for the right password", async () => {
    for (let i = 0; i < 5; i++) {
      const { error } = await signIn(server.url, ADMIN.email, `wrong-${i}`);
      expect(error).toBe("Incorrect email or password.");
    }
    const { error, jar } = await signIn(server.url, ADMIN.email, ADMIN.password);
    expect(error).toMatch(/^Too many failed sign-ins\. Try again in \d+ minutes?\.$/);
    expect(jar.has(SESSION_COOKIE)).toBe(false);
    // Another account is not locked out by it.
    expect((await signIn(server.url, DEMO.email, DEMO.password)).jar.has(SESSION_COOKIE)).toBe(true);
    // Failures are counted against the client's real address.
    expect(server.logs.some((l) => l.msg === "sign-in failed" && l.address === "127.0.0.1")).toBe(true);
  });

  it("throttles an address after repeated failures across accounts", async () => {
    const from = (address: string) => ({ headers: { "x-forwarded-for": address } });
    for (let i = 0; i < 20; i++) {
      const { error } = await signIn(server.url, `stranger${i}@example.com`, "guess", from("203.0.113.7"));
      expect(error).toBe("Incorrect email or password.");
    }
    const blocked = await signIn(server.url, DEMO.email, DEMO.password, from("203.0.113.7"));
    expect(blocked.error).toMatch(/^Too many failed sign-ins/);
    expect(blocked.jar.has(SESSION_COOKIE)).toBe(false);
    const elsewhere = await signIn(server.url, DEMO.email, DEMO.password, from("198.51.100.9"));
    expect(elsewhere.error).toBeUndefined();
    expect(elsewhere.jar.has(SESSION_COOKIE)).toBe(true);
  });
});

/** POSTs `body` in two parts, calling `between` after the first part has reached the server. */
function postInTwoParts(url: string, headers: Record<string, string>, body: string, between: () => Promise<void>) {
  return new Promise<{ status: number; setCookie: string[]; body: string }>((resolve, reject) => {
    const req = http.request(url, {
      method: "POST",
      agent: false,
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers["set-cookie"] ?? [], body: text }));
    });
    req.on("error", reject);
    const cut = Math.floor(body.length / 2);
    req.write(body.slice(0, cut));
    between().then(
      () => req.end(body.slice(cut)),
      (err: unknown) => {
        req.destroy();
        reject(err);
      },
    );
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the custom server's lifecycle", () => {
  let server: RunningServer;
  beforeAll(async () => {
    // An empty variable counts as unset; NEXTAUTH_URL= once broke the sign-in page (a 500).
    server = await startServer({ env: { NEXTAUTH_URL: "" } });
  });

  it("treats an empty NEXTAUTH_URL as unset", async () => {
    const res = await fetch(`${server.url}/signin`);
    expect(res.status).toBe(200);
    expect((await signIn(server.url, DEMO.email, DEMO.password)).jar.has(SESSION_COOKIE)).toBe(true);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("without TRUST_PROXY, ignores a client's own X-Forwarded-For", async () => {
    await signIn(server.url, "nobody@example.com", "guess", { headers: { "x-forwarded-for": "203.0.113.99" } });
    const failures = server.logs.filter((l) => l.msg === "sign-in failed");
    expect(failures.at(-1)?.address).toBe("127.0.0.1");
  });

  it("refuses to open the same embedded database from a second process", async () => {
    await expect(startServer({ dataDir: server.dataDir, readyTimeoutMs: 30_000 })).rejects.toThrow(
      new RegExp(`embedded database is in use by process \\d+`),
    );
    // The first server is unharmed.
    expect((await fetch(`${server.url}/api/v1/realtime/health`)).status).toBe(200);
  });

  it("on SIGTERM stops accepting, finishes the in-flight request and exits 0 within 10 s", async () => {
    const jar = new CookieJar();
    const { csrfToken } = (await (await fetchWithJar(server.url, jar, "/api/auth/csrf")).json()) as { csrfToken: string };
    const body = new URLSearchParams({ csrfToken, email: DEMO.email, password: DEMO.password, json: "true" }).toString();

    let signalledAt = 0;
    const response = await postInTwoParts(
      `${server.url}/api/auth/callback/credentials`,
      { cookie: jar.header(), "content-type": "application/x-www-form-urlencoded" },
      body,
      async () => {
        await sleep(500); // the request's headers and half its body are at the server
        signalledAt = Date.now();
        server.child.kill("SIGTERM");
        await sleep(500);
        // Still running: it waits for our request. New connections are refused meanwhile.
        expect(server.child.exitCode).toBeNull();
        await expect(fetch(`${server.url}/api/v1/realtime/health`)).rejects.toThrow();
      },
    );
    expect(response.status).toBe(200);
    expect(response.setCookie.some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(true);

    const { code, signal } = await Promise.race([
      server.exited,
      sleep(10_000).then(() => ({ code: -1, signal: "still running after 10 s" as NodeJS.Signals })),
    ]);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(server.logs.some((l) => l.msg === "shutting down" && l.signal === "SIGTERM")).toBe(true);
    expect(server.logs.some((l) => l.msg === "stopped")).toBe(true);
  });
});
