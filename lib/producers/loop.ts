import { log } from "../log";

export interface Loop {
  /** Stops the loop and waits for a run in progress to end. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalMs`, never two at once (a slow run delays the next rather than
 * piling up). A failing run is logged and the loop goes on. Timers are unref'd: a loop never
 * keeps a process (or a test) alive on its own.
 */
export function every(name: string, intervalMs: number, run: () => unknown, opts: { immediate?: boolean } = {}): Loop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let failures = 0;

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(fire, delay);
    timer.unref();
  };
  const fire = () => {
    running = (async () => {
      try {
        await run();
        failures = 0;
      } catch (err) {
        // Log the first failure of a run of failures, then every hundredth: no log storm.
        if (failures++ % 100 === 0) log().error({ err, producer: name }, "producer run failed");
      }
    })().finally(() => {
      running = undefined;
      schedule(intervalMs);
    });
  };
  schedule(opts.immediate ? 0 : intervalMs);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
