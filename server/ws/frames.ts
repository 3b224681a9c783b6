import type { Envelope } from "../../lib/realtime/envelope";
import type { ServerMessage } from "../../lib/realtime/protocol";

/**
 * Wire bytes. The hub serializes each envelope once per fanout and calls every sink in one
 * synchronous loop, so remembering the last envelope's bytes turns that string into ONE Buffer
 * shared by every connection (ws writes a Buffer without copying; a string would be encoded
 * again per client). Only one entry is kept, so history is never pinned in memory.
 */
let lastEnvelope: Envelope | undefined;
let lastBytes: Buffer | undefined;

export function envelopeBytes(envelope: Envelope, frame?: string): Buffer {
  if (envelope === lastEnvelope && lastBytes) return lastBytes;
  lastEnvelope = envelope;
  lastBytes = Buffer.from(frame ?? JSON.stringify(envelope));
  return lastBytes;
}

/** A reply or notice for one connection. */
export function messageBytes(message: ServerMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}
