import { and, desc, eq, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { db } from "./drizzle";
import { auditLog, users, type Role } from "./schema";

/** The admin console's writes to accounts and its read of the audit log. */

export interface AccountChange {
  disabled?: boolean;
  role?: Role;
}

export interface AccountState {
  disabled: boolean;
  role: Role;
}

/**
 * Changes a user's status or role and, in the same transaction, writes the audit row with
 * before and after. Undefined when there is no such user; no row when nothing changes.
 */
export async function updateUserAccount(userId: string, change: AccountChange, actorId: string): Promise<{ before: AccountState; after: AccountState } | undefined> {
  return (await db()).transaction(async (tx) => {
    const [row] = await tx.select({ disabled: users.disabled, role: users.role }).from(users).where(eq(users.id, userId)).for("update");
    if (!row) return undefined;
    const before: AccountState = { disabled: row.disabled, role: row.role };
    const after: AccountState = { disabled: change.disabled ?? before.disabled, role: change.role ?? before.role };
    if (after.disabled === before.disabled && after.role === before.role) return { before, after };
    await tx.update(users).set({ ...after, updatedAt: new Date() }).where(eq(users.id, userId));
    await tx.insert(auditLog).values({ actorId, action: "user.update", targetType: "user", targetId: userId, before, after });
    return { before, after };
  });
}

export interface AuditPerson {
  id: string;
  email: string;
  name: string;
}

export interface AuditRow {
  id: number;
  at: Date;
  action: string;
  actor: AuditPerson | null;
  targetType: string;
  targetId: string;
  /** The user a user-targeted entry is about, when that user still exists. */
  targetUser: AuditPerson | null;
  before: unknown;
  after: unknown;
}

/** Audit entries, newest first, with ids below `before` when given (the next page). */
export async function listAuditEntries({ limit = 50, before }: { limit?: number; before?: number } = {}): Promise<AuditRow[]> {
  const actor = alias(users, "actor");
  const target = alias(users, "target");
  const rows = await (await db())
    .select({
      entry: auditLog,
      actor: { id: actor.id, email: actor.email, name: actor.name },
      target: { id: target.id, email: target.email, name: target.name },
    })
    .from(auditLog)
    .leftJoin(actor, eq(actor.id, auditLog.actorId))
    // target_id is text (it also names API keys): compare as text, for user entries only.
    .leftJoin(target, and(eq(auditLog.targetType, "user"), sql`${target.id}::text = ${auditLog.targetId}`))
    .where(before === undefined ? undefined : lt(auditLog.id, before))
    .orderBy(desc(auditLog.id))
    .limit(limit);
  return rows.map(({ entry, actor: a, target: t }) => ({
    id: entry.id,
    at: entry.at,
    action: entry.action,
    actor: a?.id ? a : null,
    targetType: entry.targetType,
    targetId: entry.targetId,
    targetUser: t?.id ? t : null,
    before: entry.before,
    after: entry.after,
  }));
}
