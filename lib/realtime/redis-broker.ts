import type { Redis } from "ioredis";
import { DEFAULT_HISTORY, type Broker, type BrokerListener, type HistoryLimits, type PublishRequest } from "./broker";
import type { Cursor, Envelope, ResumeResult, TopicKind } from "./envelope";
import { newEpoch } from "./memory-broker";

/**
 * History and cursors in Redis, shared by every instance: a topic's seq is assigned by one
 * atomic script, its history is a list of ready-made frames, and every published frame goes
 * out on one pub/sub channel that every instance listens to and fans out locally.
 *
 * Keys (under `prefix`): `t:{key}:meta` (hash: epoch, seq, head = seq of the oldest held
 * frame) and `t:{key}:log` (list of frames, oldest first). The epoch lives with the history,
 * so losing one loses the other and clients are told (recovered: false).
 */

// Appends one message. Returns the frame. The frame is built by concatenation so the
// producer's JSON is carried byte for byte.
const PUBLISH = `
local meta, log = KEYS[1], KEYS[2]
local kind, topicJson, dataJson, ts = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local maxCount, maxAge, channel, key = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7], ARGV[8]
redis.call('HSETNX', meta, 'epoch', ARGV[9])
redis.call('PERSIST', meta)
local epoch = redis.call('HGET', meta, 'epoch')
local seq = redis.call('HINCRBY', meta, 'seq', 1)
local frame = '{"type":"data","topic":' .. topicJson .. ',"epoch":"' .. epoch .. '","seq":' .. seq ..
  ',"ts":' .. ARGV[4] .. ',"data":' .. dataJson .. '}'
if kind == 'state' then
  redis.call('DEL', log)
  redis.call('RPUSH', log, frame)
else
  redis.call('RPUSH', log, frame)
  redis.call('LTRIM', log, -maxCount, -1)
  -- Age limit: drop from the head while the oldest frame is too old (bounded per call).
  for _ = 1, 100 do
    local head = redis.call('LINDEX', log, 0)
    if not head then break end
    local headTs = tonumber(string.match(head, '"ts":(%d+)'))
    if headTs == nil or headTs >= ts - maxAge then break end
    redis.call('LPOP', log)
  end
end
redis.call('HSET', meta, 'head', seq - redis.call('LLEN', log) + 1)
redis.call('PUBLISH', channel, key .. '\\n' .. frame)
return frame
`;

// Reads where a topic stands and the frames from `fromSeq` on. A topic never published gets
// an epoch that expires unless a publish makes it permanent, so reads cannot fill Redis.
const READ = `
local meta, log = KEYS[1], KEYS[2]
if redis.call('HSETNX', meta, 'epoch', ARGV[1]) == 1 then
  redis.call('HSET', meta, 'seq', 0, 'head', 1)
  redis.call('EXPIRE', meta, 86400)
end
local epoch = redis.call('HGET', meta, 'epoch')
local seq = tonumber(redis.call('HGET', meta, 'seq'))
local head = tonumber(redis.call('HGET', meta, 'head') or (seq + 1))
local fromSeq = tonumber(ARGV[2])
local frames = {}
if fromSeq <= seq then
  local start = math.max(fromSeq, head) - head
  frames = redis.call('LRANGE', log, start, -1)
end
return {epoch, seq, head, frames}
`;

// Takes the lease when free, renews it when ours; 1 while held.
const LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder and redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisBrokerOptions {
  /** Commands (and the scripts). */
  client: Redis;
  /** A second connection, in subscriber mode. */
  subscriber: Redis;
  prefix?: string;
  limits?: HistoryLimits;
}

export class RedisBroker implements Broker {
  readonly name = "redis" as const;
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly channel: string;
  private readonly limits: HistoryLimits;
  private readonly listeners = new Set<BrokerListener>();
  /** Last seq fanned out per key, to replay what pub/sub dropped while disconnected. */
  private readonly delivered = new Map<string, Cursor>();
  private subscribed?: Promise<unknown>;
  /** Who this instance is, as a lease holder. */
  private readonly instanceId = newEpoch();
  private lostSubscription = false;

  constructor(opts: RedisBrokerOptions) {
    this.client = opts.client;
    this.subscriber = opts.subscriber;
    this.prefix = opts.prefix ?? "switchback:";
    this.channel = `${this.prefix}fanout`;
    this.limits = opts.limits ?? DEFAULT_HISTORY;
    this.client.defineCommand("sbPublish", { numberOfKeys: 2, lua: PUBLISH });
    this.client.defineCommand("sbRead", { numberOfKeys: 2, lua: READ });
    this.client.defineCommand("sbLease", { numberOfKeys: 1, lua: LEASE });
    this.client.defineCommand("sbRelease", { numberOfKeys: 1, lua: RELEASE });
    this.subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    // Pub/sub is fire-and-forget: after a disconnect, replay what was missed from history.
    this.subscriber.on("close", () => (this.lostSubscription = true));
    this.subscriber.on("ready", () => {
      if (this.lostSubscription) {
        this.lostSubscription = false;
        void this.replayMissed();
      }
    });
  }

  /** Resolves once this instance receives the fanout channel (retried after a failure). */
  ready(): Promise<unknown> {
    return (this.subscribed ??= this.subscriber.subscribe(this.channel).catch((err: unknown) => {
      this.subscribed = undefined;
      throw err;
    }));
  }

  async health(): Promise<void> {
    await this.connected();
    await this.client.ping();
  }

  /**
   * Commands fail fast while Redis is down (no offline queue), but a connection still being
   * set up (at start, or reconnecting) is given a moment.
   */
  private async connected(timeoutMs = 2_000): Promise<void> {
    if (this.client.status === "ready") return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off("ready", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.client.once("ready", done);
    });
  }

  async lease(name: string, ttlMs: number): Promise<boolean> {
    await this.connected();
    return (await this.command("sbLease")(`${this.prefix}lease:${name}`, this.instanceId, String(ttlMs))) === 1;
  }

  async releaseLease(name: string): Promise<void> {
    await this.command("sbRelease")(`${this.prefix}lease:${name}`, this.instanceId);
  }

  /** A script defined in the constructor (ioredis adds them as methods it cannot type). */
  private command(name: string): (...args: unknown[]) => Promise<unknown> {
    const fn = (this.client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!;
    return fn.bind(this.client);
  }

  async publish(requests: PublishRequest[]): Promise<Envelope[]> {
    await this.connected();
    const pipeline = this.client.pipeline();
    for (const req of requests) {
      const [meta, log] = this.keys(req.key);
      // Unknown custom command on the pipeline type: defined in the constructor.
      (pipeline as unknown as Record<string, (...args: unknown[]) => void>).sbPublish!(
        meta,
        log,
        req.kind,
        JSON.stringify(req.topic),
        JSON.stringify(req.data ?? null),
        String(Math.round(req.ts)),
        String(this.limits.maxCount),
        String(this.limits.maxAgeMs),
        this.channel,
        req.key,
        newEpoch(),
      );
    }
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, frame]) => {
      if (err) throw err;
      return JSON.parse(frame as string) as Envelope;
    });
  }

  async read(key: string, kind: TopicKind, since: Cursor | undefined, recentLimit: number): Promise<ResumeResult> {
    // Listening first: whatever is published after this read reaches the hub live.
    await this.ready();
    const fresh = await this.readFrom(key, since ? since.seq + 1 : 1);
    const { epoch, seq, head } = fresh;
    if (since && since.epoch === epoch && since.seq <= seq && (since.seq === seq || head <= since.seq + 1)) {
      return { epoch, seq, recovered: true, messages: fresh.messages };
    }
    // Not recoverable: the latest value, or the recent history.
    const all = since ? await this.readFrom(key, 1) : fresh;
    const messages = kind === "state" ? all.messages.slice(-1) : all.messages.slice(-recentLimit);
    return { epoch: all.epoch, seq: all.seq, recovered: false, messages };
  }

  onMessage(listener: BrokerListener): () => void {
    this.listeners.add(listener);
    void this.ready();
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.allSettled([this.subscriber.quit(), this.client.quit()]);
  }

  private keys(key: string): [string, string] {
    // The hash tag keeps a topic's two keys in one slot on Redis Cluster.
    return [`${this.prefix}t:{${key}}:meta`, `${this.prefix}t:{${key}}:log`];
  }

  private async readFrom(key: string, fromSeq: number) {
    await this.connected();
    const [meta, log] = this.keys(key);
    const [epoch, seq, head, frames] = (await this.command("sbRead")(meta, log, newEpoch(), String(fromSeq))) as [string, number, number, string[]];
    // The age limit is applied as topics publish: a quiet topic keeps its last messages.
    return { epoch, seq: Number(seq), head: Number(head), messages: frames.map((f) => JSON.parse(f) as Envelope) };
  }

  private receive(message: string): void {
    const nl = message.indexOf("\n");
    if (nl < 0) return;
    const key = message.slice(0, nl);
    const frame = message.slice(nl + 1);
    const envelope = JSON.parse(frame) as Envelope;
    const last = this.delivered.get(key);
    // After a replay, live messages already delivered are skipped.
    if (last && last.epoch === envelope.epoch && envelope.seq <= last.seq) return;
    this.delivered.set(key, { epoch: envelope.epoch, seq: envelope.seq });
    for (const listener of this.listeners) listener(key, envelope, frame);
  }

  /** Delivers, in order, what every known topic published while pub/sub was down. */
  private async replayMissed(): Promise<void> {
    for (const [key, last] of this.delivered) {
      try {
        const missed = await this.readFrom(key, last.seq + 1);
        for (const envelope of missed.messages) {
          if (envelope.epoch === last.epoch) this.receive(`${key}\n${JSON.stringify(envelope)}`);
        }
      } catch {
        // Redis went away again; the next reconnect replays from the same point.
      }
    }
  }
}
