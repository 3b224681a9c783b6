import { stateTopicRoute } from "@/lib/realtime/resources";

/** The latest value of the `monitoring` topic, with ETag/304. */
export const GET = stateTopicRoute("monitoring");
