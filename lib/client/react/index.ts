export { RealtimeProvider } from "./provider";
export { useTopic, TopicError } from "./use-topic";
export { useConnectionStatus } from "./use-connection-status";
export { useRealtimeClient } from "./context";
export type { TopicSnapshot } from "../topic-snapshot";
export type { LinkStatus, LinkState } from "../ladder";
