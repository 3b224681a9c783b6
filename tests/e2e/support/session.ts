import { expect, type Page } from "@playwright/test";

export const DEMO = { email: "demo@switchback.local", password: "switchback-demo", name: "Demo Trader" };
export const ADMIN = { email: "admin@switchback.local", password: "switchback-admin", name: "Admin" };

export async function fillSignIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in through the real page and waits for the dashboard. */
export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/signin");
  await fillSignIn(page, who.email, who.password);
  await page.waitForURL("**/dashboard");
}

export function indicator(page: Page) {
  return page.getByTestId("connection-indicator");
}

/** Waits until the header says the link is live on `transport`. */
export async function expectLive(page: Page, transport: "websocket" | "sse" | "polling", timeout = 45_000) {
  await expect(indicator(page)).toHaveAttribute("data-transport", transport, { timeout });
  await expect(indicator(page)).toHaveAttribute("data-state", "live", { timeout });
}
