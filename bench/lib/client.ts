import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { LatencyHistogram, sleep } from "./stats";

/** What a group of clients received in one phase. */
export class PhaseStats {
  frames = 0;
  messages = 0;
  resyncs = 0;
  /** Messages skipped over (a resubscribe answered recovered:false past history). */
  lost = 0;
  duplicates = 0;
  readonly latency = new LatencyHistogram();
  firstAt = Infinity;
  lastAt = 0;
}

const TYPE = Buffer.from('"type":"');
const SEQ = Buffer.from('"seq":');
const T = Buffer.from('"t":');
const D = "d".charCodeAt(0);
const B = "b".charCodeAt(0);

/** An unsigned decimal (digits, optional fraction) starting at buf[i]. */
function readNumber(buf: Buffer, i: number): number {
  let n = 0;
  let c = buf[i]!;
  while (c >= 48 && c <= 57) {
    n = n * 10 + (c - 48);
    c = buf[++i]!;
  }
  if (c === 46) {
    let f = 0.1;
    c = buf[++i]!;
    while (c >= 48 && c <= 57) {
      n += (c - 48) * f;
      f /= 10;
      c = buf[++i]!;
    }
  }
  return n;
}

type Parsed = { type: string; topic?: string; epoch?: string; seq?: number; data?: { t?: number }; messages?: Parsed[] };

/**
 * A benchmark client: a real `ws` client subscribed to one stream topic, that behaves as the
 * browser does (a `batch` is its messages in order; on `resync` it subscribes again with its
 * cursor; a seq not above the last is dropped) and records into its group's PhaseStats. Frames
 * of data are scanned for `seq` and `t` rather than JSON-parsed, so that one load-generating
 * process can keep up with as many messages as possible; anything else is parsed.
 */
export class BenchClient {
  lastSeq = 0;
  private epoch = "";
  private subscribedOnce!: () => void;
  readonly subscribed = new Promise<void>((r) => (this.subscribedOnce = r));
  private requests = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly topic: string,
    private readonly group: { stats: PhaseStats },
  ) {
    ws.on("message", (data: Buffer) => this.onFrame(data));
    ws.on("error", () => {});
  }

  static open(wsUrl: string, origin: string, userId: string, topic: string, group: { stats: PhaseStats }): Promise<BenchClient> {
    const ws = new WebSocket(`${wsUrl}?access_token=token-${userId}`, { origin, perMessageDeflate: false });
    const client = new BenchClient(ws, topic, group);
    return new Promise((resolve, reject) => {
      ws.once("open", () => {
        client.subscribe();
        resolve(client);
      });
      ws.once("error", reject);
      ws.once("close", (code) => reject(new Error(`closed ${code} before open`)));
    });
  }

  private subscribe(): void {
    const since = this.epoch ? { epoch: this.epoch, seq: this.lastSeq } : undefined;
    this.ws.send(JSON.stringify({ type: "subscribe", id: `s${++this.requests}`, topic: this.topic, since }));
  }

  private onFrame(buf: Buffer): void {
    const now = performance.timeOrigin + performance.now();
    const s = this.group.stats;
    s.frames++;
    if (now < s.firstAt) s.firstAt = now;
    s.lastAt = now;
    // One pass over the frame's `"type":"…"`: data messages are scanned; anything else
    // (resync, subscribed, welcome…) sends the whole frame through JSON.parse.
    let pos = buf.indexOf(TYPE);
    const starts: number[] = [];
    while (pos >= 0) {
      const c = buf[pos + TYPE.length];
      if (c === D) starts.push(pos);
      else if (c !== B) return this.onParsed(JSON.parse(buf.toString()) as Parsed, now);
      pos = buf.indexOf(TYPE, pos + TYPE.length);
    }
    for (const start of starts) {
      const seqAt = buf.indexOf(SEQ, start);
      const tAt = buf.indexOf(T, seqAt);
      this.onData(readNumber(buf, seqAt + SEQ.length), readNumber(buf, tAt + T.length), now);
    }
  }

  private onParsed(m: Parsed, now: number): void {
    if (m.type === "batch") {
      for (const inner of m.messages ?? []) this.onParsed(inner, now);
    } else if (m.type === "data" && m.topic === this.topic) {
      this.onData(m.seq!, m.data?.t ?? now, now);
    } else if (m.type === "subscribed") {
      this.epoch = m.epoch!;
      this.subscribedOnce();
    } else if (m.type === "resync") {
      this.group.stats.resyncs++;
      this.subscribe();
    }
  }

  private onData(seq: number, t: number, now: number): void {
    const s = this.group.stats;
    if (seq <= this.lastSeq) {
      s.duplicates++;
      return;
    }
    if (this.lastSeq > 0 && seq > this.lastSeq + 1) s.lost += seq - this.lastSeq - 1;
    this.lastSeq = seq;
    s.messages++;
    s.latency.record(now - t);
  }
}

/** Opens `count` clients as users b<from>…, `parallel` handshakes at a time, all subscribed. */
export async function openClients(
  wsUrl: string,
  origin: string,
  topic: string,
  count: number,
  group: { stats: PhaseStats },
  from = 0,
  parallel = 100,
): Promise<BenchClient[]> {
  const clients: BenchClient[] = [];
  for (let i = 0; i < count; i += parallel) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(parallel, count - i) }, (_, k) => BenchClient.open(wsUrl, origin, `b${from + i + k}`, topic, group)),
    );
    await Promise.all(opened.map((c) => c.subscribed));
    clients.push(...opened);
  }
  return clients;
}

/** Waits until every client has applied `seq` (true), or `timeoutMs` passed (false). */
export async function caughtUp(clients: readonly BenchClient[], seq: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (clients.every((c) => c.lastSeq >= seq)) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

export function closeClients(clients: readonly BenchClient[]): void {
  for (const c of clients) c.ws.terminate();
}
