import type { Cursor } from "../../realtime/envelope";
import type { TopicCursors } from "./transport";

/**
 * The `since` token of SSE and polling, made in the browser: the same encoding as the
 * server's cursor-token.ts (base64url of {topic: [epoch, seq]}), for topics with a cursor.
 */
export function sinceToken(topics: TopicCursors, only?: Iterable<string>): string | undefined {
  const compact: Record<string, [string, number]> = {};
  for (const topic of only ?? topics.keys()) {
    const c: Cursor | undefined = topics.get(topic);
    if (c) compact[topic] = [c.epoch, c.seq];
  }
  if (Object.keys(compact).length === 0) return undefined;
  const bytes = new TextEncoder().encode(JSON.stringify(compact));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** `/path?topics=a,b&since=…` */
export function topicsUrl(path: string, topics: Iterable<string>, since: string | undefined): string {
  const params = new URLSearchParams({ topics: [...topics].join(",") });
  if (since) params.set("since", since);
  return `${path}?${params}`;
}
