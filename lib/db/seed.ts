import type { AppConfig } from "../config";
import { log } from "../log";
import { hashPassword } from "../auth/password";
import { countUsers, createUser } from "./queries";

/**
 * On the first start with an empty database, creates the admin and the demo user, so a fresh
 * machine can sign in at once. Says on the console which credentials to use.
 */
export async function seedFirstUsers(c: AppConfig): Promise<boolean> {
  if ((await countUsers()) > 0) return false;
  await createUser({ email: c.ADMIN_EMAIL, name: "Admin", passwordHash: await hashPassword(c.adminPassword), role: "admin" });
  await createUser({ email: c.DEMO_EMAIL, name: "Demo Trader", passwordHash: await hashPassword(c.demoPassword), role: "user" });
  const shown = (email: string, password: string, isDefault: boolean) =>
    isDefault ? `${email} / ${password}` : `${email} (password from the environment)`;
  log().info(
    {
      admin: shown(c.ADMIN_EMAIL, c.adminPassword, c.adminPasswordIsDefault),
      demo: shown(c.DEMO_EMAIL, c.demoPassword, c.demoPasswordIsDefault),
    },
    "created the first users: sign in with these",
  );
  return true;
}
