import { describe, expect, it } from "vitest";
import { sseComment, sseEvent, sseMessage, sseRetry } from "@/lib/realtime/sse-format";
import { SseParser, type SseEvent } from "../helpers/sse-client";

function parse(chunks: string[]) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const parser = new SseParser({ onEvent: (e) => events.push(e), onComment: (c) => comments.push(c), onRetry: (ms) => retries.push(ms) });
  for (const c of chunks) parser.feed(c);
  return { events, comments, retries, parser };
}

describe("the test SSE parser follows the spec", () => {
  it("reads fields, multi-line data, comments, ids and retry", () => {
    const { events, comments, retries } = parse([
      "\uFEFFretry: 1500\n\n: hello\n",
      "event: data\nid: A\ndata: line one\ndata:line two\ndata\n\n",
      "data: no type\n\n",
    ]);
    expect(retries).toEqual([1500]);
    expect(comments).toEqual(["hello"]);
    expect(events).toEqual([
      { type: "data", data: "line one\nline two\n", lastEventId: "A" },
      { type: "message", data: "no type", lastEventId: "A" },
    ]);
  });

  it("accepts CRLF, LF and CR line ends, also split across chunks", () => {
    const { events } = parse(["data: a\r", "\ndata: b\r\r", "data: c\n", "\n"]);
    expect(events.map((e) => e.data)).toEqual(["a\nb", "c"]);
  });

  it("sets the last event id on a blank dispatch, ignores an id with NULL and a bad retry", () => {
    const { events, retries, parser } = parse(["id: 7\n\n", "retry: 12x\nid: bad\u0000id\ndata: x\n\n"]);
    expect(parser.lastEventId).toBe("7");
    expect(events).toEqual([{ type: "message", data: "x", lastEventId: "7" }]);
    expect(retries).toEqual([]);
  });

  it("keeps an incomplete line until its end arrives", () => {
    const { events } = parse(["da", "ta: {\"a\"", ":1}", "\n", "\n"]);
    expect(events[0]!.data).toBe('{"a":1}');
  });
});

describe("the server's SSE formatting", () => {
  it("round-trips through the parser", () => {
    const text =
      sseRetry(2000) +
      sseComment("heart\nbeat") +
      sseEvent("data", '{"x":1}', "TOKEN") +
      sseEvent("note", "two\r\nlines\rhere") +
      sseMessage({ type: "subscribed" });
    const { events, comments, retries } = parse([text]);
    expect(retries).toEqual([2000]);
    expect(comments).toEqual(["heart beat"]);
    expect(events).toEqual([
      { type: "data", data: '{"x":1}', lastEventId: "TOKEN" },
      { type: "note", data: "two\nlines\nhere", lastEventId: "TOKEN" },
      { type: "subscribed", data: '{"type":"subscribed"}', lastEventId: "TOKEN" },
    ]);
  });
});
