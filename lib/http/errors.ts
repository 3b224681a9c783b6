import { NextResponse } from "next/server";
import type { ZodError } from "zod";

/** The error codes of PROTOCOL.md's HTTP error shape. */
export type ErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "unknown_topic"
  | "conflict"
  | "payload_too_large"
  | "rate_limited"
  | "unavailable"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  // A topic name no rule of the registry matches (the WebSocket error code of the same name).
  unknown_topic: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } };
}

export function jsonError(code: ErrorCode, message: string, init: { retryAfterSec?: number; headers?: HeadersInit } = {}) {
  const headers = new Headers(init.headers);
  if (init.retryAfterSec !== undefined) headers.set("Retry-After", String(Math.max(1, Math.ceil(init.retryAfterSec))));
  headers.set("Cache-Control", "no-store");
  return NextResponse.json(errorBody(code, message), { status: STATUS[code], headers });
}

/** One readable line from a zod failure: "mode: Invalid option; pollingIntervalMs: Too small". */
export function describeZodError(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}
