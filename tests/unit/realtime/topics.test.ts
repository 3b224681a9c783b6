import { describe, expect, it } from "vitest";
import { TopicRegistry } from "@/lib/realtime/topics";

const user = { userId: "u1", role: "user" as const };
const admin = { userId: "a1", role: "admin" as const };
const apiKey = { userId: "a1", role: "admin" as const, apiKey: true };

describe("TopicRegistry", () => {
  const reg = new TopicRegistry(async (topic) => (topic === "backtest.t1" ? "u1" : undefined));

  it("knows the contract's topics and their kinds", () => {
    expect(reg.find("monitoring")?.kind).toBe("state");
    expect(reg.find("signals")?.kind).toBe("stream");
    expect(reg.find("market.0700.HK")?.kind).toBe("stream");
    expect(reg.find("chart.BTC-USDT")?.kind).toBe("stream");
    expect(reg.find("nonsense")).toBeUndefined();
    expect(reg.find("market.")).toBeUndefined();
    expect(reg.find("Signals")).toBeUndefined();
  });

  it("answers unknown_topic and forbidden distinctly", async () => {
    expect(await reg.authorizeRead("nope", user)).toMatchObject({ ok: false, code: "unknown_topic" });
    expect(await reg.authorizeRead("admin.realtime", user)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await reg.authorizeRead("admin.realtime", admin)).toMatchObject({ ok: true });
  });

  it("lets only the owner (or an admin) read a backtest", async () => {
    expect(await reg.authorizeRead("backtest.t1", user)).toMatchObject({ ok: true });
    expect(await reg.authorizeRead("backtest.t1", { userId: "u2", role: "user" })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await reg.authorizeRead("backtest.t1", admin)).toMatchObject({ ok: true });
  });

  it("lets API keys publish to external topics but read nothing", async () => {
    expect(reg.authorizePublish("ext.orders", apiKey)).toMatchObject({ ok: true });
    expect(reg.authorizePublish("market.AAPL", apiKey)).toMatchObject({ ok: true });
    expect(reg.authorizePublish("monitoring", apiKey)).toMatchObject({ ok: false, code: "forbidden" });
    expect(reg.authorizePublish("signals", apiKey)).toMatchObject({ ok: false, code: "forbidden" });
    expect(reg.authorizePublish("ext.orders", user)).toMatchObject({ ok: false, code: "forbidden" });
    expect(await reg.authorizeRead("signals", apiKey)).toMatchObject({ ok: false, code: "forbidden" });
  });
});
