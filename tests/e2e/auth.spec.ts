import { expect, test } from "@playwright/test";
import { ADMIN, DEMO, fillSignIn, signIn } from "./support/session";

test("signing in through the real page shows the dashboard with the user's name", async ({ page }) => {
  await signIn(page, DEMO);
  await expect(page.getByTestId("current-user")).toHaveText(DEMO.name);
  await expect(page.getByRole("heading", { name: /Good to see you, Demo/ })).toBeVisible();
  // A user does not see the admin section in the navigation.
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);
});

test("a wrong password shows a clear message and no session", async ({ page }) => {
  await page.goto("/signin");
  await fillSignIn(page, DEMO.email, "not-the-password");
  await expect(page.locator("form").getByRole("alert")).toHaveText("Incorrect email or password.");
  await expect(page).toHaveURL(/\/signin/);
  const session = await page.request.get("/api/auth/session");
  expect(await session.json()).not.toHaveProperty("user");
});

test("a user cannot open an admin page: 403 and a clear page", async ({ page }) => {
  await signIn(page, DEMO);
  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByText("You don't have access to this page")).toBeVisible();
  await expect(page.getByText(ADMIN.email)).toHaveCount(0);
});

test("an admin opens the users page", async ({ page }) => {
  await signIn(page, ADMIN);
  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await expect(page.getByText(DEMO.email)).toBeVisible();
});

test("a signed-out visit lands on the sign-in page and comes back after signing in", async ({ page }) => {
  await page.goto("/monitoring");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fmonitoring$/);
  await fillSignIn(page, DEMO.email, DEMO.password);
  await page.waitForURL("**/monitoring");
  await expect(page.getByTestId("current-user")).toHaveText(DEMO.name);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the dashboard renders with a menu button that opens the navigation", async ({ page }) => {
    await page.goto("/signin");
    await fillSignIn(page, DEMO.email, DEMO.password);
    await page.waitForURL("**/dashboard");
    const menu = page.getByRole("button", { name: "Open navigation" });
    await expect(menu).toBeVisible();
    // The desktop sidebar is hidden; the drawer opens from the menu button.
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    await menu.click();
    const drawer = page.getByRole("dialog", { name: "Navigation" });
    await expect(drawer).toBeVisible();
    await expect(drawer.getByTestId("current-user")).toHaveText(DEMO.name);
    await drawer.getByRole("link", { name: "Monitoring" }).click();
    await page.waitForURL("**/monitoring");
    await expect(drawer).toBeHidden();
    // Nothing sticks out sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
