/**
 * `intervalMs` on a state subscription: at most one delivery per interval, and the latest value
 * always arrives (a value that comes too soon is held, and replaced by any newer one).
 */
export class Conflator<T> {
  private lastAt = -Infinity;
  private held: { value: T } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly deliver: (value: T) => void,
    private readonly onReplaced: () => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  push(value: T): void {
    if (this.timer) {
      if (this.held) this.onReplaced();
      this.held = { value };
      return;
    }
    const wait = this.lastAt + this.intervalMs - this.now();
    if (wait <= 0) {
      this.lastAt = this.now();
      this.deliver(value);
      return;
    }
    this.held = { value };
    this.timer = setTimeout(() => this.fire(), wait);
    this.timer.unref();
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    const held = this.held;
    this.held = undefined;
    if (!held) return;
    this.lastAt = this.now();
    this.deliver(held.value);
  }
}
