/**
 * The text/event-stream wire format (WHATWG HTML, "Server-sent events"): fields, one `data:`
 * line per line of the payload, a blank line to dispatch.
 */

const LINE_BREAK = /\r\n|\r|\n/;

/** One event. `id` sets the client's Last-Event-ID; the fields must not contain line breaks. */
export function sseEvent(event: string, data: string, id?: string): string {
  let out = id === undefined ? "" : `id: ${id}\n`;
  out += `event: ${event}\n`;
  // JSON (the usual payload) has no raw line breaks: skip the split.
  if (!data.includes("\n") && !data.includes("\r")) return `${out}data: ${data}\n\n`;
  for (const line of data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment: ignored by clients, keeps proxies and idle timers from closing the stream. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}

/** How long the client waits before reconnecting after the stream ends. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}

/** An event whose `data:` is the JSON of a protocol message and whose `event:` is its type. */
export function sseMessage(message: { type: string }, id?: string): string {
  return sseEvent(message.type, JSON.stringify(message), id);
}

export const SSE_HEADERS: Record<string, string> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  // no-transform: no proxy (and not Next itself) may compress or rebuffer the stream.
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
  Connection: "keep-alive",
};
