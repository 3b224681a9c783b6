import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { Held, PhaseCost, ServerReady, ServerReply, ServerRequest } from "./protocol";

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "server-child.ts");

type Distribute<T> = T extends unknown ? Omit<T, "id"> : never;

export interface ServerOptions {
  users: number;
  batching: boolean;
  budgetBytes?: number;
  heartbeatMs?: number;
}

/** The parent's handle on a server process (server-child.ts) on 127.0.0.1. */
export class BenchServer {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: ServerReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: ServerReady,
  ) {
    child.on("message", (reply: ServerReply) => {
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
  }

  static async start(opts: ServerOptions): Promise<BenchServer> {
    const args = [`--users=${opts.users}`, `--batching=${opts.batching ? "on" : "off"}`];
    if (opts.budgetBytes) args.push(`--budget=${opts.budgetBytes}`);
    if (opts.heartbeatMs) args.push(`--heartbeat=${opts.heartbeatMs}`);
    const child = fork(CHILD, args, {
      execArgv: ["--import", "tsx", "--expose-gc"],
      env: { ...process.env, LOG_LEVEL: "silent" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    // Never outlive the benchmark.
    const kill = () => child.kill("SIGKILL");
    process.once("exit", kill);
    child.once("exit", () => process.off("exit", kill));
    const ready = await new Promise<ServerReady>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("server process did not start within 30 s")), 30_000);
      child.once("message", (m: ServerReady) => (clearTimeout(timer), resolve(m)));
      child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`server process exited (${code})`))));
    });
    return new BenchServer(child, ready);
  }

  get pid(): number {
    return this.child.pid!;
  }

  private request(req: Distribute<ServerRequest>, timeoutMs = 120_000): Promise<ServerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not answer ${req.cmd}`)), timeoutMs);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.error) reject(new Error(reply.error));
        else resolve(reply);
      });
      this.child.send({ ...req, id });
    });
  }

  /**
   * How far the server's clock (performance.timeOrigin + now(), as in the published `t`) may be
   * from ours: the smallest IPC round trip bounds the error of the midpoint estimate.
   */
  async clockOffset(rounds = 20): Promise<{ offsetMs: number; boundMs: number }> {
    let best = { offsetMs: 0, boundMs: Infinity };
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.timeOrigin + performance.now();
      const { now } = await this.request({ cmd: "clock" });
      const t1 = performance.timeOrigin + performance.now();
      if ((t1 - t0) / 2 < best.boundMs) best = { offsetMs: now! - (t0 + t1) / 2, boundMs: (t1 - t0) / 2 };
    }
    return best;
  }

  async begin(): Promise<void> {
    await this.request({ cmd: "begin" });
  }

  async publish(topic: string, rate: number, durationMs: number, padBytes: number): Promise<number> {
    return (await this.request({ cmd: "publish", topic, rate, durationMs, padBytes })).published!;
  }

  async end(): Promise<PhaseCost> {
    return (await this.request({ cmd: "end" })).cost!;
  }

  async held(userId: string): Promise<Held> {
    return (await this.request({ cmd: "held", userId })).held!;
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once("exit", r));
    await this.request({ cmd: "stop" }, 10_000).catch(() => undefined);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    this.child.kill("SIGKILL");
  }
}
