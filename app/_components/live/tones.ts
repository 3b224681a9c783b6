import type { BacktestStatus, HealthLevel, NotificationPriority, StrategyStatus } from "@/lib/producers/payloads";
import type { BadgeTone } from "../ui/badge";

/** The badge colour of each status word, the same on every page. */
export const HEALTH_TONE: Record<HealthLevel, BadgeTone> = { healthy: "live", degraded: "warn", unhealthy: "danger" };
export const STRATEGY_TONE: Record<StrategyStatus, BadgeTone> = { running: "live", paused: "warn", stopped: "neutral" };
export const BACKTEST_TONE: Record<BacktestStatus, BadgeTone> = { pending: "neutral", running: "accent", completed: "live", failed: "danger" };
export const PRIORITY_TONE: Record<NotificationPriority, BadgeTone> = { low: "neutral", normal: "accent", high: "danger" };
