import { NextResponse } from "next/server";
import { withUser } from "@/lib/auth/session";
import { getRealtimeSettings } from "@/lib/db/queries";
import { describeZodError, jsonError } from "@/lib/http/errors";
import { SettingsLockedError, settingsUpdateSchema, updateOwnSettings } from "@/lib/settings/realtime-settings";

export const GET = withUser(async (_req, _ctx, user) => NextResponse.json(await getRealtimeSettings(user.id)));

export const PUT = withUser(async (req, _ctx, user) => {
  const body: unknown = await req.json().catch(() => undefined);
  if (body === undefined) return jsonError("bad_request", "The body must be JSON.");
  const parsed = settingsUpdateSchema.safeParse(body);
  if (!parsed.success) return jsonError("bad_request", describeZodError(parsed.error));
  try {
    return NextResponse.json(await updateOwnSettings(user.id, parsed.data));
  } catch (err) {
    if (err instanceof SettingsLockedError) return jsonError("forbidden", err.message);
    throw err;
  }
});
