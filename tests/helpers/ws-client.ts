import crypto from "node:crypto";
import net from "node:net";
import WebSocket from "ws";

/** A server message as the tests read it (batches already expanded). */
export type Msg = { type: string; [key: string]: unknown };

export interface ConnectOptions {
  headers?: Record<string, string>;
  origin?: string;
  /** false: never answer protocol pings (a frozen peer). */
  autoPong?: boolean;
}

/**
 * A real `ws` client that records every frame and every message (a `batch` counts as its
 * messages, in order), and can wait for one or for the close.
 */
export class WsTestClient {
  /** Raw text frames, as received. */
  readonly frames: string[] = [];
  /** Messages with batches expanded. */
  readonly messages: Msg[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  private waiters: Array<() => void> = [];

  constructor(
    url: string,
    opts: ConnectOptions = {},
    readonly ws = new WebSocket(url, { headers: opts.headers, origin: opts.origin, autoPong: opts.autoPong ?? true }),
  ) {
    this.opened = new Promise((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
      ws.once("error", reject);
    });
    this.closed = new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on("error", () => {});
    ws.on("message", (data, isBinary) => {
      const text = isBinary ? "<binary>" : data.toString();
      this.frames.push(text);
      const msg = JSON.parse(text) as Msg;
      if (msg.type === "batch") this.messages.push(...(msg.messages as Msg[]));
      else this.messages.push(msg);
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    });
    void this.closed.then(() => {
      for (const w of this.waiters) w();
    });
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** Resolves with the first message (from the start) matching `pred`; rejects on close or timeout. */
  async waitFor(pred: (m: Msg) => boolean, timeoutMs = 5_000, what = "a matching message"): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(pred);
      if (found) return found;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed before ${what}; got ${JSON.stringify(this.messages.slice(-5)).slice(0, 600)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(this.messages.slice(-5)).slice(0, 600)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitType(type: string, extra: Record<string, unknown> = {}, timeoutMs?: number): Promise<Msg> {
    return this.waitFor((m) => m.type === type && Object.entries(extra).every(([k, v]) => m[k] === v), timeoutMs, `${type} ${JSON.stringify(extra)}`);
  }

  /** Subscribes and waits for `subscribed` (or the error) with this request id. */
  async subscribe(topic: string, extra: Record<string, unknown> = {}): Promise<Msg> {
    const id = `s${Math.random().toString(36).slice(2, 10)}`;
    this.send({ type: "subscribe", id, topic, ...extra });
    return this.waitFor((m) => m.id === id && (m.type === "subscribed" || m.type === "error"), 5_000, `reply to ${id}`);
  }

  /** The data messages of a topic, in arrival order. */
  data(topic: string): Msg[] {
    return this.messages.filter((m) => m.type === "data" && m.topic === topic);
  }

  seqs(topic: string): number[] {
    return this.data(topic).map((m) => m.seq as number);
  }

  async waitForSeq(topic: string, seq: number, timeoutMs = 10_000): Promise<void> {
    await this.waitFor((m) => m.type === "data" && m.topic === topic && (m.seq as number) >= seq, timeoutMs, `${topic} seq ${seq}`);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2_000))]);
    this.ws.terminate();
  }
}

/** Opens a client and waits for its `welcome` (or its close, if the server refuses it). */
export async function connect(url: string, opts: ConnectOptions = {}): Promise<WsTestClient> {
  const client = new WsTestClient(url, opts);
  await client.opened;
  return client;
}

/** Evenly contiguous sequence from `from` to `to`. */
export const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** Polls `cond` until it holds (e.g. the server side of a close has run). */
export async function until(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A client text frame, masked as the protocol requires of clients. */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 0xffff) throw new Error("frames up to 64 KiB only");
  const mask = crypto.randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  const header =
    payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, mask, masked]);
}

/**
 * A WebSocket client on a bare TCP socket: sends the upgrade request and `frames` in one write
 * (before any answer), and resolves with the response head. The caller decides whether to
 * read on (the socket is paused once the head has arrived).
 */
export async function rawWebSocket(url: string, frames: Buffer[] = [], headers: Record<string, string> = {}): Promise<{ socket: net.Socket; head: string }> {
  const { hostname, port, pathname, search } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  socket.on("error", () => {});
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  const request =
    `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;
  const head = await new Promise<string>((resolve) => {
    let got = "";
    const onData = (chunk: Buffer) => {
      got += chunk.toString("latin1");
      const end = got.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      socket.pause();
      resolve(got.slice(0, end));
    };
    socket.on("data", onData);
    socket.write(Buffer.concat([Buffer.from(request, "latin1"), ...frames]));
  });
  return { socket, head };
}
