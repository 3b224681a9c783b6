import type { Broker } from "../realtime/broker";
import { log } from "../log";

export interface LeadershipOptions {
  name: string;
  ttlMs: number;
  renewMs: number;
  onGain: () => Promise<void>;
  onLose: () => Promise<void>;
}

/**
 * Holds a broker lease and runs `onGain` / `onLose` as it is won and lost, so that with
 * several instances exactly one feeds the shared topics (two market simulators would
 * interleave two random walks). With the memory broker the lease is always held.
 */
export class Leadership {
  private held = false;
  private timer?: ReturnType<typeof setInterval>;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly broker: Broker,
    private readonly opts: LeadershipOptions,
  ) {}

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.renewMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.serial(async () => {
      if (!this.held) return;
      this.held = false;
      await this.opts.onLose();
      await this.broker.releaseLease(this.opts.name).catch(() => {});
    });
  }

  private tick(): Promise<void> {
    return this.serial(async () => {
      const holds = await this.broker.lease(this.opts.name, this.opts.ttlMs).catch((err: unknown) => {
        log().warn({ err, lease: this.opts.name }, "lease check failed");
        return false;
      });
      if (holds === this.held) return;
      this.held = holds;
      log().info({ lease: this.opts.name, held: holds }, holds ? "lease won: starting" : "lease lost: stopping");
      await (holds ? this.opts.onGain() : this.opts.onLose());
    });
  }

  /** Ticks never overlap: a slow start finishes before the next renewal is judged. */
  private serial(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step).catch((err: unknown) => log().error({ err, lease: this.opts.name }, "lease step failed"));
    return this.chain;
  }
}
