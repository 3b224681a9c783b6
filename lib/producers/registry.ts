import type { MonitoringSample } from "./payloads";
import type { BacktestRunner } from "./backtests";
import type { StrategyEngine } from "./strategies/engine";

/**
 * Which producers exist, and the process-wide handles route handlers need (the strategy
 * engine for admin controls, the backtest runner for new runs). On globalThis because route
 * bundles get their own copy of this module while the producers run in the custom server's.
 */

export const PRODUCER_NAMES = ["monitoring", "system_status", "capacity", "market", "chart", "strategies", "backtests", "notifications"] as const;
export type ProducerName = (typeof PRODUCER_NAMES)[number];

export interface Producer {
  readonly name: ProducerName;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface ProducerGlobals {
  running: Map<ProducerName, Producer>;
  strategies?: StrategyEngine;
  backtests?: BacktestRunner;
  /** Recent monitoring samples, oldest first, for charts that open after the fact. */
  monitoringHistory: MonitoringSample[];
}

const g = globalThis as typeof globalThis & { __switchbackProducers?: ProducerGlobals };

export function producerState(): ProducerGlobals {
  return (g.__switchbackProducers ??= { running: new Map(), monitoringHistory: [] });
}

export function runningProducers(): ProducerName[] {
  return [...producerState().running.keys()];
}

/** PRODUCERS: "on" (all), "off" (none), or a comma list of names; an unknown name is an error. */
export function parseProducerSetting(setting: string): ProducerName[] {
  const value = setting.trim().toLowerCase();
  if (value === "on" || value === "all" || value === "true") return [...PRODUCER_NAMES];
  if (value === "off" || value === "none" || value === "false" || value === "") return [];
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(PRODUCER_NAMES as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`PRODUCERS: unknown producer ${unknown.join(", ")} (known: ${PRODUCER_NAMES.join(", ")})`);
  return PRODUCER_NAMES.filter((n) => names.includes(n));
}
