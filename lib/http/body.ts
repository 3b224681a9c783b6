import type { z } from "zod";
import { describeZodError, jsonError } from "./errors";

export type BodyResult<T> = { ok: true; value: T } | { ok: false; response: Response };

/**
 * Reads a JSON request body of at most `maxBytes` and validates it with `schema`: 413 past the
 * limit (by Content-Length, or while reading when there is none), 400 for anything that is not
 * JSON (`Content-Type: application/json` is required, which also keeps cross-site forms out) or
 * does not match.
 */
export async function readJsonBody<S extends z.ZodType>(req: Request, schema: S, maxBytes: number): Promise<BodyResult<z.infer<S>>> {
  const fail = (response: Response) => ({ ok: false as const, response });
  const tooLarge = () => fail(jsonError("payload_too_large", `The body is over ${maxBytes} bytes.`));
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) return fail(jsonError("bad_request", "Send the body as Content-Type: application/json."));
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) return tooLarge();

  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        return tooLarge();
      }
      chunks.push(value);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return fail(jsonError("bad_request", "The body is not valid JSON."));
  }
  const result = schema.safeParse(parsed);
  if (!result.success) return fail(jsonError("bad_request", describeZodError(result.error)));
  return { ok: true, value: result.data };
}
