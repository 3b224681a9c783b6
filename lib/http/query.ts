import type { z } from "zod";
import { describeZodError, jsonError } from "./errors";

export type QueryResult<T> = { ok: true; value: T } | { ok: false; response: Response };

/** The query string validated by `schema` (empty values count as absent), or a 400 to return. */
export function parseQuery<S extends z.ZodType>(req: Request, schema: S): QueryResult<z.infer<S>> {
  const params = Object.fromEntries([...new URL(req.url).searchParams].filter(([, v]) => v !== ""));
  const result = schema.safeParse(params);
  return result.success ? { ok: true, value: result.data } : { ok: false, response: jsonError("bad_request", describeZodError(result.error)) };
}
