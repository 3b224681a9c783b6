import pino, { type Logger } from "pino";
import { config } from "./config";

const g = globalThis as typeof globalThis & { __switchbackLog?: Logger };

/** One structured logger per process. Credentials never reach the log. */
export function log(): Logger {
  return (g.__switchbackLog ??= pino({
    level: config().LOG_LEVEL,
    base: { service: "switchback" },
    redact: {
      paths: ["password", "token", "accessToken", "cookie", "headers.cookie", "headers.authorization", "*.password", "*.token"],
      censor: "[redacted]",
    },
  }));
}
