import { describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import { config } from "@/lib/config";
import { countUsers, findUserByEmail, getRealtimeSettings } from "@/lib/db/queries";
import { seedFirstUsers } from "@/lib/db/seed";
import { DRIVERS, useTestDatabase } from "../helpers/db";

describe.each(DRIVERS)("seedFirstUsers on %s", (driver) => {
  useTestDatabase(driver);

  it("creates exactly the admin and the demo user on an empty database, once", async () => {
    const c = config();
    expect(await countUsers()).toBe(0);

    expect(await seedFirstUsers(c)).toBe(true);
    expect(await countUsers()).toBe(2);

    const admin = await findUserByEmail("admin@switchback.local");
    const demo = await findUserByEmail("demo@switchback.local");
    expect(admin?.role).toBe("admin");
    expect(demo?.role).toBe("user");
    expect(admin?.disabled).toBe(false);
    expect(await verifyPassword(admin?.passwordHash, "switchback-admin")).toBe(true);
    expect(await verifyPassword(demo?.passwordHash, "switchback-demo")).toBe(true);
    expect(await verifyPassword(demo?.passwordHash, "switchback-admin")).toBe(false);
    expect((await getRealtimeSettings(demo!.id)).mode).toBe("auto");

    // A second start finds users and creates nobody.
    expect(await seedFirstUsers(c)).toBe(false);
    expect(await countUsers()).toBe(2);
  });
});

describe.each(DRIVERS)("seedFirstUsers with credentials from the environment on %s", (driver) => {
  useTestDatabase(driver, {
    ADMIN_EMAIL: "Boss@Example.com",
    ADMIN_PASSWORD: "boss-password-1",
    DEMO_EMAIL: "trader@example.com",
    DEMO_PASSWORD: "trader-password-1",
  });

  it("uses ADMIN_EMAIL/ADMIN_PASSWORD and DEMO_EMAIL/DEMO_PASSWORD", async () => {
    const c = config();
    expect(await seedFirstUsers(c)).toBe(true);
    const admin = await findUserByEmail("boss@example.com");
    expect(admin?.role).toBe("admin");
    expect(await verifyPassword(admin?.passwordHash, "boss-password-1")).toBe(true);
    expect(await verifyPassword(admin?.passwordHash, "switchback-admin")).toBe(false);
    expect(await findUserByEmail("admin@switchback.local")).toBeUndefined();
    expect((await findUserByEmail("trader@example.com"))?.role).toBe("user");
  });
});
