import crypto from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { db } from "./drizzle";
import { apiKeys, auditLog, users, type ApiKey, type User } from "./schema";

/**
 * API keys for producers (POST /api/v1/publish): `sbk_` and 32 random bytes. Only a SHA-256 of
 * the key is stored; the plaintext is shown once, when the key is created.
 */
export const API_KEY_PREFIX = "sbk_";
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;
/** last_used_at is written at most this often per key, not on every request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

export function hashApiKey(plaintext: string): string {
  return crypto.createHash("sha256").update(plaintext).digest("hex");
}

/** What lists and responses show of a key: never its hash. */
export type ApiKeySummary = Omit<ApiKey, "keyHash">;

function summary({ keyHash: _hash, ...rest }: ApiKey): ApiKeySummary {
  return rest;
}

export async function createApiKey(input: { name: string; ownerId: string; actorId?: string }): Promise<{ key: ApiKeySummary; plaintext: string }> {
  const plaintext = API_KEY_PREFIX + crypto.randomBytes(32).toString("base64url");
  const row = await (await db()).transaction(async (tx) => {
    const [created] = await tx
      .insert(apiKeys)
      .values({ name: input.name, ownerId: input.ownerId, keyHash: hashApiKey(plaintext), prefix: plaintext.slice(0, SHOWN_PREFIX_LENGTH) })
      .returning();
    if (!created) throw new Error("insert returned no row");
    await tx.insert(auditLog).values({
      actorId: input.actorId ?? input.ownerId,
      action: "api_key.create",
      targetType: "api_key",
      targetId: created.id,
      after: { name: created.name, ownerId: created.ownerId, prefix: created.prefix },
    });
    return created;
  });
  return { key: summary(row), plaintext };
}

/** Every key, newest first (revoked ones too, marked by revokedAt). */
export async function listApiKeys(): Promise<ApiKeySummary[]> {
  const rows = await (await db()).select().from(apiKeys).orderBy(desc(apiKeys.createdAt), apiKeys.id);
  return rows.map(summary);
}

/** Revokes a key; undefined when there is no such key. Revoking twice keeps the first time. */
export async function revokeApiKey(id: string, actorId: string): Promise<ApiKeySummary | undefined> {
  return (await db()).transaction(async (tx) => {
    const [existing] = await tx.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
    if (!existing) return undefined;
    if (existing.revokedAt) return summary(existing);
    const [revoked] = await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id)).returning();
    await tx.insert(auditLog).values({
      actorId,
      action: "api_key.revoke",
      targetType: "api_key",
      targetId: id,
      before: { revokedAt: null },
      after: { revokedAt: revoked!.revokedAt },
    });
    return summary(revoked!);
  });
}

/**
 * The key and its owner for a presented plaintext, or undefined when it is unknown or revoked.
 * Notes the use (last_used_at) at most once a minute.
 */
export async function verifyApiKey(plaintext: string, now = new Date()): Promise<{ key: ApiKeySummary; owner: User } | undefined> {
  if (!looksLikeApiKey(plaintext) || plaintext.length > 256) return undefined;
  const d = await db();
  const [row] = await d
    .select({ key: apiKeys, owner: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.ownerId))
    .where(and(eq(apiKeys.keyHash, hashApiKey(plaintext)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return undefined;
  const last = row.key.lastUsedAt?.getTime() ?? 0;
  if (now.getTime() - last >= LAST_USED_RESOLUTION_MS) {
    await d.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.key.id));
    row.key.lastUsedAt = now;
  }
  return { key: summary(row.key), owner: row.owner };
}
