import { stateTopicRoute } from "@/lib/realtime/resources";

/** The latest value of the `capacity` topic, with ETag/304. */
export const GET = stateTopicRoute("capacity");
