"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { TopicError, TopicSnapshot } from "@/lib/client/react";
import { Freshness } from "../realtime/freshness";
import { Card } from "../ui/card";
import { cn } from "../ui/cn";
import { ErrorState, SkeletonRows } from "./states";

export type TopicQuery<T> = UseQueryResult<TopicSnapshot<T>, TopicError>;

const NO_DATA: TopicSnapshot<never> = { items: [] };

/**
 * A card fed by one topic: its freshness and a manual refresh in the header, and the loading,
 * error and empty states handled the same way everywhere. `children` gets the snapshot once
 * there is something to show.
 */
export function LivePanel<T>({
  title,
  description,
  query,
  isEmpty = (s) => s.items.length === 0,
  empty,
  skeleton,
  actions,
  className,
  onRefresh,
  children,
  ...rest
}: {
  title: string;
  description?: ReactNode;
  query: TopicQuery<T>;
  isEmpty?: (snapshot: TopicSnapshot<T>) => boolean;
  empty: ReactNode;
  skeleton?: ReactNode;
  actions?: ReactNode;
  className?: string;
  /** Extra work on a manual refresh (e.g. reloading a history); the topic is always refetched. */
  onRefresh?: () => void;
  children: (snapshot: TopicSnapshot<T>) => ReactNode;
  "data-testid"?: string;
}) {
  const snapshot = query.data;
  const refresh = () => {
    void query.refetch();
    onRefresh?.();
  };
  // Before the first answer the snapshot is empty: a panel with data of its own (rendered by
  // the server) says so through `isEmpty` and shows it at once.
  const current = snapshot ?? NO_DATA;
  let body: ReactNode;
  if (!isEmpty(current)) body = children(current);
  else if (query.error && !snapshot?.latest) body = <ErrorState message={query.error.message} onRetry={refresh} />;
  else if (query.isPending) body = skeleton ?? <SkeletonRows />;
  else body = empty;

  return (
    <Card className={cn("@container", className)} data-testid={rest["data-testid"]}>
      {/* In a narrow card the freshness line sits under the title, in every card alike. */}
      <header className="mb-3 flex flex-col gap-1 @md:flex-row @md:items-start @md:justify-between @md:gap-3">
        <div className="min-w-0">
          <h2 className="text-sm font-semibold text-ink">{title}</h2>
          {description ? <p className="mt-0.5 text-xs text-ink-muted">{description}</p> : null}
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {actions}
          <Freshness snapshot={snapshot} onRefresh={refresh} refreshing={query.isFetching} />
        </div>
      </header>
      {body}
    </Card>
  );
}
