/**
 * The one message shape every transport carries (PROTOCOL.md "Cursor and envelope"), and the
 * cursor a client hands back to resume.
 */
export interface Cursor {
  epoch: string;
  seq: number;
}

export interface Envelope<T = unknown> {
  type: "data";
  topic: string;
  epoch: string;
  seq: number;
  /** Publish time, ms since the Unix epoch. */
  ts: number;
  data: T;
}

export type TopicKind = "state" | "stream";

/** What a (re)subscribe yields on any transport: where the topic stands and what was missed. */
export interface ResumeResult {
  epoch: string;
  seq: number;
  recovered: boolean;
  messages: Envelope[];
}
