import crypto from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMIN, expectLive, indicator, signIn } from "./support/session";

/**
 * The admin console and the user's settings page in two browser contexts: an admin steers a
 * signed-in user's link and account from /admin/users, and the user's open tab follows
 * without a reload. Each test works on a user of its own (tests run in parallel and share the
 * seeded demo user), created through the admin API.
 */

interface Person {
  email: string;
  password: string;
  name: string;
}

async function signedInPage(browser: Browser, who: { email: string; password: string }, init?: (page: Page) => Promise<unknown>): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await init?.(page);
  await signIn(page, who);
  return page;
}

/** An admin page, and a fresh user created by that admin. */
async function adminWithNewUser(browser: Browser, label: string): Promise<{ admin: Page; person: Person }> {
  const admin = await signedInPage(browser, ADMIN);
  const person = { email: `${label}-${crypto.randomBytes(4).toString("hex")}@example.com`, password: "e2e-password-long", name: `E2E ${label}` };
  const res = await admin.request.post("/api/v1/admin/users", { data: { ...person, role: "user" } });
  expect(res.status(), await res.text()).toBe(201);
  return { admin, person };
}

/** Opens the manage dialog of `email` on /admin/users (found through the search). */
async function manage(admin: Page, email: string) {
  if (!admin.url().endsWith("/admin/users")) await admin.goto("/admin/users");
  await admin.getByRole("searchbox", { name: "Search users" }).fill(email);
  await expect(admin.getByTestId("user-row")).toHaveCount(1);
  await admin.getByRole("button", { name: `Manage ${email}` }).click();
  const dialog = admin.getByRole("dialog");
  await expect(dialog).toBeVisible();
  return dialog;
}

async function setModeInDialog(admin: Page, email: string, mode: "Auto" | "Polling only" | "SSE only") {
  const dialog = await manage(admin, email);
  await dialog.getByRole("radio", { name: new RegExp(`^${mode}`) }).check();
  await dialog.getByRole("button", { name: "Save realtime settings" }).click();
  await expect(admin.getByText(`Realtime settings of ${email} saved and pushed`).last()).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();
}

/** How far right the page's content reaches (the header is the shell's, tested with it). */
function widestInMain(page: Page): Promise<number> {
  return page.locator("main").evaluate((main) => Math.max(main.getBoundingClientRect().left + main.scrollWidth, ...[...main.querySelectorAll("*")].map((e) => e.getBoundingClientRect().right)));
}

test.describe("admin console", () => {
  test.setTimeout(90_000);

  test("an admin switches a signed-in user's open dashboard to polling and back to auto → WebSocket, without a reload", async ({ browser }) => {
    const { admin, person } = await adminWithNewUser(browser, "switch");
    const user = await signedInPage(browser, person);
    await expectLive(user, "websocket");
    // Survives only as long as the page is not reloaded.
    await user.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    await setModeInDialog(admin, person.email, "Polling only");
    await expectLive(user, "polling", 10_000);
    await expect(indicator(user)).toHaveText("Polling · every 5 s");

    await setModeInDialog(admin, person.email, "Auto");
    await expectLive(user, "websocket", 10_000);
    expect(await user.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

    // Both changes are in the audit view, by the admin, with before and after.
    await admin.goto("/admin/audit");
    const rows = admin.locator(`[data-testid="audit-row"][data-target="${person.email}"][data-action="realtime_settings.update"]`);
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText(ADMIN.email);
    await expect(rows.first()).toContainText(/mode:\s*polling\s*auto/);
    await expect(rows.nth(1)).toContainText(/mode:\s*auto\s*polling/);
  });

  test("a locked setting cannot be changed by the user, on the page or through the API", async ({ browser }) => {
    const { admin, person } = await adminWithNewUser(browser, "locked");
    const dialog = await manage(admin, person.email);
    await dialog.getByRole("checkbox", { name: /Lock these settings/ }).check();
    await dialog.getByRole("button", { name: "Save realtime settings" }).click();
    await expect(admin.getByTestId("user-realtime")).toContainText("locked");

    const user = await signedInPage(browser, person);
    await user.goto("/settings/realtime");
    await expect(user.getByTestId("settings-locked")).toContainText("An administrator has locked your realtime settings");
    for (const name of ["Auto", "WebSocket only", "SSE only", "Polling only"]) await expect(user.getByRole("radio", { name: new RegExp(`^${name}`) })).toBeDisabled();
    await expect(user.getByRole("slider", { name: "Polling interval" })).toBeDisabled();
    await expect(user.getByRole("button", { name: "Save" })).toBeDisabled();

    const res = await user.request.put("/api/v1/me/settings", { data: { mode: "polling" } });
    expect(res.status()).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "forbidden", message: expect.stringMatching(/locked/) } });
    expect(await (await user.request.get("/api/v1/me/settings")).json()).toMatchObject({ mode: "auto", locked: true });
  });

  test("a user's own save applies to the tab at once; invalid input gets a clear error", async ({ browser }) => {
    const { person } = await adminWithNewUser(browser, "own");
    const user = await signedInPage(browser, person);
    await user.goto("/settings/realtime");
    await expectLive(user, "websocket");
    await user.getByRole("radio", { name: /^SSE only/ }).check();
    await user.getByRole("button", { name: "Save" }).click();
    await expect(user.getByText("Realtime settings saved")).toBeVisible();
    await expectLive(user, "sse", 10_000);

    const bad = await user.request.put("/api/v1/me/settings", { data: { mode: "carrier-pigeon", pollingIntervalMs: 1 } });
    expect(bad.status()).toBe(400);
    const { error } = (await bad.json()) as { error: { message: string } };
    expect(error.message).toMatch(/mode must be one of/);
    expect(error.message).toMatch(/at least 3000/);
    expect(await (await user.request.get("/api/v1/me/settings")).json()).toMatchObject({ mode: "sse" });
  });

  test("disabling a user closes their socket with 4403; enabling lets them back", async ({ browser }) => {
    const { admin, person } = await adminWithNewUser(browser, "disabled");
    const user = await signedInPage(browser, person, (page) =>
      // Records every WebSocket close code the page sees.
      page.addInitScript(() => {
        const w = window as unknown as { __closes: number[]; WebSocket: typeof WebSocket };
        const Native = w.WebSocket;
        w.__closes = [];
        w.WebSocket = class extends Native {
          constructor(url: string | URL, protocols?: string | string[]) {
            super(url, protocols);
            this.addEventListener("close", (e) => w.__closes.push(e.code));
          }
        };
      }),
    );
    await expectLive(user, "websocket");

    const dialog = await manage(admin, person.email);
    await dialog.getByRole("button", { name: "Disable account" }).click();
    await dialog.getByRole("button", { name: "Yes, disable" }).click();
    await expect(dialog.getByText("disabled", { exact: true })).toBeVisible();

    await expect.poll(() => user.evaluate(() => (window as unknown as { __closes: number[] }).__closes)).toContain(4403);
    await expect(indicator(user)).toHaveAttribute("data-state", "failed");
    await indicator(user).click();
    await expect(user.getByText("account disabled")).toBeVisible();
    expect((await user.request.get("/api/v1/me/settings")).status()).toBe(401);

    await dialog.getByRole("button", { name: "Enable account" }).click();
    await expect(dialog.getByText("active", { exact: true })).toBeVisible();
    await user.reload();
    await expectLive(user, "websocket");
  });

  test("on a phone the users page stacks without sideways scrolling, and the realtime page shows live figures", async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, ADMIN);
    await page.goto("/admin/users");
    await expect(page.getByTestId("user-row").first()).toBeVisible();
    expect(await widestInMain(page)).toBeLessThanOrEqual(390);

    await page.goto("/admin/realtime");
    await expect(page.getByTestId("stat-connections")).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId("health-status")).toHaveText("healthy");
    expect(await widestInMain(page)).toBeLessThanOrEqual(390);
    await context.close();
  });

  test("API keys: created with the secret shown once, listed, revoked; a broadcast is published", async ({ page }) => {
    await signIn(page, ADMIN);
    await page.goto("/admin/realtime");
    const name = `e2e-key-${crypto.randomBytes(3).toString("hex")}`;
    await page.getByLabel("New key name").fill(name);
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = await page.getByTestId("api-key-secret").textContent();
    expect(secret).toMatch(/^sbk_/);
    const row = page.locator(`[data-testid="api-key-row"][data-name="${name}"]`);
    await expect(row).toContainText(secret!.slice(0, 12));
    // The key publishes until it is revoked.
    const publish = () => page.request.post("/api/v1/publish", { headers: { authorization: `Bearer ${secret}` }, data: { topic: "ext.e2e_keys", data: { n: 1 } } });
    expect((await publish()).status()).toBe(200);
    await page.getByRole("button", { name: "I have stored it" }).click();
    await expect(page.getByTestId("api-key-secret")).toHaveCount(0);

    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: "Revoke" }).click();
    await expect(row).toContainText("revoked");
    expect((await publish()).status()).toBe(401);

    // On a topic of its own: a broadcast to everyone would ring the bells other tests count.
    await page.getByLabel("Message").fill("e2e: maintenance at 18:00");
    await page.getByLabel(/^Topic \(optional/).fill("ext.e2e_broadcast");
    await page.getByRole("button", { name: "Send broadcast" }).click();
    await expect(page.getByText("Broadcast sent")).toBeVisible();
    await expect(page.getByText(/Published on ext\.e2e_broadcast as #1/)).toBeVisible();
  });
});
