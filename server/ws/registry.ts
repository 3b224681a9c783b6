/** Open connections keyed by user: the per-user cap, shutdown, and the admin's view. */
export interface RegisteredConnection {
  readonly id: string;
  readonly user: { id: string };
}

export class ConnectionRegistry<C extends RegisteredConnection> {
  private readonly byUser = new Map<string, Set<C>>();
  private total = 0;

  get size(): number {
    return this.total;
  }

  countFor(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  add(connection: C): void {
    let set = this.byUser.get(connection.user.id);
    if (!set) this.byUser.set(connection.user.id, (set = new Set()));
    if (!set.has(connection)) this.total++;
    set.add(connection);
  }

  remove(connection: C): void {
    const set = this.byUser.get(connection.user.id);
    if (!set?.delete(connection)) return;
    this.total--;
    if (set.size === 0) this.byUser.delete(connection.user.id);
  }

  forUser(userId: string): C[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  users(): Map<string, C[]> {
    return new Map([...this.byUser].map(([userId, set]) => [userId, [...set]]));
  }

  *all(): IterableIterator<C> {
    for (const set of this.byUser.values()) yield* set;
  }
}
