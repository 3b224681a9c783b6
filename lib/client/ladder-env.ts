import type { RealtimeSettingsPayload } from "../realtime/protocol";
import type { Transport, TransportName } from "./transports/transport";

/**
 * Everything the ladder needs from the outside world, so tests drive it with fake transports
 * and fake timers, and the browser wiring lives in one place (browser-env.ts).
 */
export interface LadderEnv {
  createTransport(name: TransportName, settings: RealtimeSettingsPayload): Transport;
  now(): number;
  random(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  online(): boolean;
  /** Remembered rung for this browser (localStorage); undefined when absent or unreadable. */
  loadRung(): { rung: TransportName; at: number } | undefined;
  saveRung(rung: TransportName, at: number): void;
  /** Asks the server whether the session is still valid (refreshing it if it can). */
  refreshSession(): Promise<boolean>;
  /** The session is gone for good: go to sign-in with a return URL. */
  signedOut(): void;
}
