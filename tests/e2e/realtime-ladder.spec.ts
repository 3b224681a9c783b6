import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { startProxy, type Proxy } from "./support/nginx";
import { ADMIN, DEMO, expectLive, indicator, signIn } from "./support/session";

/**
 * The ladder in a real browser behind real proxies: WebSocket where it works, SSE where a proxy
 * drops upgrades, polling where it also buffers, and back up with no gap and no duplicate.
 */

const APP = process.env.E2E_BASE_URL ?? `http://127.0.0.1:${process.env.E2E_PORT ?? 3210}`;

/**
 * Publishes as the signed-in admin straight to the app, not through the proxy under test: a
 * producer's path is not the browser's, and nginx reloading mid-test may drop a keep-alive
 * request (cookies are per host, not per port, so the session goes along).
 */
async function publish(request: APIRequestContext, topic: string, from: number, count: number) {
  const messages = Array.from({ length: count }, (_, i) => ({ topic, data: { n: from + i } }));
  const res = await request.post(`${APP}/api/v1/publish`, { data: { messages } });
  expect(res.status(), await res.text()).toBe(200);
}

async function shownSeqs(page: Page): Promise<number[]> {
  const seqs = await page.getByTestId("inspector-row").evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-seq"))));
  return seqs.reverse();
}

async function expectSeqs(page: Page, count: number) {
  await expect.poll(() => shownSeqs(page), { timeout: 30_000 }).toEqual(Array.from({ length: count }, (_, i) => i + 1));
}

async function watchTopic(page: Page, topic: string) {
  await page.goto(`/admin/realtime?topic=${topic}`);
  await expect(page.getByRole("heading", { name: topic })).toBeVisible();
}

const proxies: Proxy[] = [];
test.afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.stop()));
});

test.describe("transport ladder", () => {
  test.setTimeout(120_000);

  test("(a) direct: WebSocket, data flowing", async ({ page }) => {
    const sockets: string[] = [];
    page.on("websocket", (ws) => sockets.push(ws.url()));
    await signIn(page, ADMIN);
    await watchTopic(page, "ext.e2e_a");
    await expectLive(page, "websocket");
    await expect(indicator(page)).toHaveText(/Live · WebSocket/);
    await publish(page.request, "ext.e2e_a", 1, 20);
    await expectSeqs(page, 20);
    expect(sockets.some((u) => u.endsWith("/api/v1/ws"))).toBe(true);
  });

  for (const [label, kind, transport, shown] of [
    ["(b) behind a proxy that drops WebSocket upgrades: settles on SSE", "drops-upgrades", "sse", /Live · SSE/],
    ["(c) behind a proxy that also buffers responses: settles on polling", "buffers-and-drops-upgrades", "polling", /Polling · every 5 s/],
  ] as const) {
    test(label, async ({ browser }) => {
      const topic = `ext.e2e_${transport}`;
      const proxy = await startProxy(kind, APP);
      proxies.push(proxy);
      const context = await browser.newContext({ baseURL: proxy.url });
      const page = await context.newPage();
      await signIn(page, ADMIN);
      await watchTopic(page, topic);
      await expectLive(page, transport, 60_000);
      await expect(indicator(page)).toHaveText(shown);
      await publish(page.request, topic, 1, 20);
      await expectSeqs(page, 20);
      await indicator(page).click();
      await expect(page.getByTestId("details-fallback")).toContainText(/WebSocket|stream|proxy/);
      await context.close();
    });
  }

  for (const start of ["drops-upgrades", "buffers-and-drops-upgrades"] as const) {
    test(`(d) the path is repaired (${start}) and Retry WebSocket moves up with no gap and no duplicate`, async ({ browser }) => {
      const topic = start === "drops-upgrades" ? "ext.e2e_d_sse" : "ext.e2e_d_poll";
      const proxy = await startProxy(start, APP);
      proxies.push(proxy);
      const context = await browser.newContext({ baseURL: proxy.url });
      const page = await context.newPage();
      await signIn(page, ADMIN);
      await watchTopic(page, topic);
      await expectLive(page, start === "drops-upgrades" ? "sse" : "polling", 60_000);

      // Publish steadily while the network is repaired and the browser moves up.
      let sent = 0;
      let publishing = true;
      const publisher = (async () => {
        while (publishing) {
          await publish(page.request, topic, sent + 1, 5);
          sent += 5;
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      await expect.poll(() => sent).toBeGreaterThan(20);
      await proxy.reconfigure("passes-upgrades");
      await indicator(page).click();
      await page.getByRole("button", { name: /Retry WebSocket/ }).click();
      await expectLive(page, "websocket");
      await new Promise((r) => setTimeout(r, 1_000));
      publishing = false;
      await publisher;
      await expectSeqs(page, sent);
      await context.close();
    });
  }

  test("(e) a phone renders the dashboard and the indicator usably", async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
    const page = await context.newPage();
    await signIn(page, DEMO);
    await expect(page.getByRole("button", { name: "Open navigation" })).toBeVisible();
    const box = await indicator(page).boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await expect(indicator(page)).toHaveText(/Live|Connecting|Polling/);
    // Nothing overflows the screen sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await indicator(page).click();
    await expect(page.getByText("Realtime connection")).toBeVisible();
    await context.close();
  });
});

test.describe("the user's forced mode", () => {
  test.setTimeout(60_000);

  test("(f) forced polling is honoured while a healthy WebSocket is available", async ({ page }) => {
    await signIn(page, DEMO);
    const set = await page.request.put("/api/v1/me/settings", { data: { mode: "polling" } });
    expect(set.status(), await set.text()).toBe(200);
    try {
      // Leave the page that opened a socket in auto mode before counting sockets.
      await page.goto("about:blank");
      const sockets: string[] = [];
      page.on("websocket", (ws) => sockets.push(ws.url()));
      await page.goto("/dashboard");
      await expectLive(page, "polling");
      await expect(indicator(page)).toHaveText("Polling · every 5 s");
      await page.waitForTimeout(3_000);
      expect(sockets).toEqual([]);
    } finally {
      await page.request.put("/api/v1/me/settings", { data: { mode: "auto" } });
    }
  });
});
