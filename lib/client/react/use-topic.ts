"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import type { Envelope } from "../../realtime/envelope";
import { ENDPOINTS } from "../browser-env";
import { DEFAULT_STREAM_LIMIT, topicQueryKey, type TopicSnapshot } from "../topic-snapshot";
import { useRealtimeClient } from "./context";

export class TopicError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface BatchTopic {
  messages: Envelope[];
  error?: { code: string; message: string };
}

/**
 * A topic's live data from the cache, fed by whichever transport is live. The first load and
 * a manual refresh (`refetch`) read the topic's current state over HTTP, so a page shows data
 * at once even while the live link is still being negotiated.
 */
export function useTopic<T = unknown>(topic: string, options: { limit?: number; enabled?: boolean } = {}) {
  const client = useRealtimeClient();
  const { limit = DEFAULT_STREAM_LIMIT, enabled = true } = options;

  useEffect(() => (enabled ? client.retain(topic, limit) : undefined), [client, topic, limit, enabled]);

  return useQuery<TopicSnapshot<T>, TopicError>({
    queryKey: topicQueryKey(topic),
    enabled,
    queryFn: async ({ signal }) => {
      const res = await fetch(`${ENDPOINTS.polling}?topics=${encodeURIComponent(topic)}`, { signal, cache: "no-store" });
      const body = (await res.json().catch(() => undefined)) as
        | { topics?: Record<string, BatchTopic>; error?: { code: string; message: string } }
        | undefined;
      if (!res.ok) throw new TopicError(body?.error?.code ?? "unavailable", body?.error?.message ?? `HTTP ${res.status}`);
      const entry = body?.topics?.[topic];
      if (!entry) throw new TopicError("unavailable", "The server did not answer for this topic.");
      if (entry.error) throw new TopicError(entry.error.code, entry.error.message);
      return client.write(topic, entry.messages, "rest") as TopicSnapshot<T>;
    },
  });
}
