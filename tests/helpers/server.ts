import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { createPostgresDatabase, type DriverName } from "./db";
import { deleteRedisKeys } from "./redis";
import { TEST_AUTH_SECRET, makeTempDir } from "./env";

/**
 * Starts the real custom server (`node --import tsx server/main.ts`) as a child process on an
 * ephemeral port with its own data folder, and waits for its "Switchback ready on" line.
 * Production mode needs a build: `npm test` runs `next build` first.
 */
export interface StartServerOptions {
  /** pglite (a fresh temp folder, default) or postgres (a fresh database on DATABASE_URL). */
  driver?: DriverName;
  /** "production" (default; needs `next build`) or "development". */
  mode?: "production" | "development";
  /** Extra environment for the server process. */
  env?: Record<string, string | undefined>;
  /** Use this DATA_DIR instead of a fresh one (e.g. to start a second server on the same data). */
  dataDir?: string;
  /** How long to wait for the ready line. */
  readyTimeoutMs?: number;
}

export interface LogLine {
  level?: number;
  msg?: string;
  [key: string]: unknown;
}

export interface RunningServer {
  url: string;
  port: number;
  child: ChildProcess;
  dataDir: string;
  databaseUrl?: string;
  /** Every JSON log line the server printed so far (non-JSON lines as {msg}). */
  logs: LogLine[];
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal and waits for the exit; SIGKILLs after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the server (if running) and removes its data folder and database. */
  dispose(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

export function hasProductionBuild(): boolean {
  return fs.existsSync(path.join(ROOT, ".next", "BUILD_ID"));
}

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const mode = opts.mode ?? "production";
  if (mode === "production" && !hasProductionBuild()) {
    throw new Error("No production build in .next: run `npx next build` (or `npm test`, which builds first).");
  }
  const tmp = opts.dataDir ? undefined : makeTempDir("switchback-server-");
  const dataDir = opts.dataDir ?? tmp!.dir;
  const pg = opts.driver === "postgres" ? await createPostgresDatabase() : undefined;
  // With REDIS_URL (CI), each server gets keys of its own, so servers of parallel test files
  // and earlier runs never share topics; a test that wants sharing passes REDIS_PREFIX itself.
  const redisPrefix = process.env.REDIS_URL && !opts.env?.REDIS_PREFIX ? `switchback-test-${crypto.randomBytes(6).toString("hex")}:` : undefined;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: mode,
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: dataDir,
    AUTH_SECRET: TEST_AUTH_SECRET,
    LOG_LEVEL: "info",
    DATABASE_URL: pg?.url,
    REDIS_PREFIX: redisPrefix,
    ...opts.env,
  };
  // Never the developer's own settings (next-auth reads NEXTAUTH_URL itself, and breaks on an
  // empty one), nor vitest's and vite's markers: the server sees only what the test chose.
  for (const key of ["PGLITE_DIR", "NEXTAUTH_URL", "BASE_URL", "MODE", "DEV", "PROD", "SSR", "TEST"]) {
    if (!opts.env || !(key in opts.env)) delete env[key];
  }
  for (const key of Object.keys(env)) {
    if (key.startsWith("VITEST") || env[key] === undefined) delete env[key];
  }

  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server not ready within ${opts.readyTimeoutMs ?? 90_000} ms\n${describeOutput(logs, stderr)}`)),
      opts.readyTimeoutMs ?? 90_000,
    );
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      let entry: LogLine;
      try {
        entry = JSON.parse(line) as LogLine;
      } catch {
        entry = { msg: line };
      }
      logs.push(entry);
      if (typeof entry.msg === "string" && entry.msg.startsWith("Switchback ready on") && typeof entry.url === "string") {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
    readline.createInterface({ input: child.stderr! }).on("line", (line) => stderr.push(line));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited before it was ready (code ${code}, signal ${signal})\n${describeOutput(logs, stderr)}`));
    });
  });

  const stop: RunningServer["stop"] = async (signal = "SIGTERM", timeoutMs = 15_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  const dispose = async () => {
    await stop("SIGTERM");
    await pg?.drop();
    if (redisPrefix) await deleteRedisKeys(process.env.REDIS_URL!, redisPrefix);
    tmp?.remove();
  };

  let url: string;
  try {
    url = await ready;
  } catch (err) {
    await dispose();
    throw err;
  }
  return { url, port: Number(new URL(url).port), child, dataDir, databaseUrl: pg?.url, logs, exited, stop, dispose };
}

function describeOutput(logs: LogLine[], stderr: string[]): string {
  const tail = (xs: string[]) => xs.slice(-30).join("\n");
  return `--- stdout ---\n${tail(logs.map((l) => JSON.stringify(l)))}\n--- stderr ---\n${tail(stderr)}`;
}

/** A tiny cookie jar for fetch: keeps Set-Cookie values and sends them back. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair, ...attrs] = header.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }
}

/** fetch against `base` that sends and stores the jar's cookies and never follows redirects. */
export async function fetchWithJar(base: string, jar: CookieJar, pathname: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header();
  if (cookie) headers.set("cookie", cookie);
  const res = await fetch(new URL(pathname, base), { ...init, headers, redirect: "manual" });
  jar.store(res);
  return res;
}

export interface SignInResult {
  /** What next-auth answered to the credentials callback. */
  response: Response;
  /** The error message next-auth passed back (`?error=` in the redirect), if any. */
  error?: string;
  jar: CookieJar;
}

/**
 * Signs in through next-auth's own credentials flow, as the sign-in page does:
 * GET /api/auth/csrf, then POST /api/auth/callback/credentials with the csrf cookie and token.
 */
export async function signIn(base: string, email: string, password: string, opts: { jar?: CookieJar; headers?: Record<string, string> } = {}): Promise<SignInResult> {
  const jar = opts.jar ?? new CookieJar();
  const csrfRes = await fetchWithJar(base, jar, "/api/auth/csrf");
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const response = await fetchWithJar(base, jar, "/api/auth/callback/credentials", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...opts.headers },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/dashboard`, json: "true" }),
  });
  const location = response.headers.get("location") ?? ((await response.clone().json().catch(() => ({}))) as { url?: string }).url;
  const error = location ? new URL(location, base).searchParams.get("error") ?? undefined : undefined;
  return { response, error, jar };
}
