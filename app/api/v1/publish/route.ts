import { withCaller } from "@/lib/auth/request-auth";
import { hub } from "@/lib/realtime/instance";
import { handlePublish } from "@/lib/realtime/publish-api";

/** POST /api/v1/publish: an API key (Authorization: Bearer sbk_…) or an admin. */
export const POST = withCaller("publisher", (req, _ctx: unknown, caller) => handlePublish(req, caller, hub()));
