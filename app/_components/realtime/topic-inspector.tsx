"use client";

import { useState, type FormEvent } from "react";
import { useTopic } from "@/lib/client/react";
import { Button } from "../ui/button";
import { Card, CardHeader } from "../ui/card";
import { Field } from "../ui/field";
import { Freshness } from "./freshness";

const LIMIT = 500;

function Feed({ topic }: { topic: string }) {
  const query = useTopic(topic, { limit: LIMIT });
  const items = query.data?.items ?? [];
  return (
    <Card>
      <CardHeader
        title={topic}
        description={`${items.length} message${items.length === 1 ? "" : "s"} held (newest first, up to ${LIMIT})`}
        action={<Freshness snapshot={query.data} onRefresh={() => void query.refetch()} refreshing={query.isFetching} />}
      />
      {query.isError ? (
        <p role="alert" className="text-sm text-danger">
          {query.error.message}
        </p>
      ) : items.length === 0 ? (
        <p className="text-sm text-ink-muted">{query.isPending ? "Loading…" : "Nothing published on this topic yet."}</p>
      ) : (
        <ol className="max-h-[28rem] divide-y divide-line overflow-y-auto font-mono text-xs" data-testid="inspector-feed">
          {[...items].reverse().map((m) => (
            <li key={`${m.epoch}:${m.seq}`} data-testid="inspector-row" data-seq={m.seq} data-epoch={m.epoch} className="flex gap-3 py-1.5">
              <span className="w-14 shrink-0 text-ink-muted">#{m.seq}</span>
              <span className="w-20 shrink-0 text-ink-muted">{new Date(m.ts).toLocaleTimeString()}</span>
              <span className="truncate">{JSON.stringify(m.data)}</span>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

/** Watch any topic live, as the browser receives it: for checking a producer or a feed. */
export function TopicInspector({ initialTopic }: { initialTopic?: string }) {
  const [topic, setTopic] = useState(initialTopic ?? "");
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setTopic(String(new FormData(e.currentTarget).get("topic") ?? "").trim());
  };
  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} className="flex items-end gap-2">
        <div className="flex-1">
          <Field label="Topic" name="topic" defaultValue={topic} placeholder="signals, market.AAPL, ext.orders…" />
        </div>
        <Button type="submit">Watch</Button>
      </form>
      {topic ? <Feed key={topic} topic={topic} /> : null}
    </div>
  );
}
