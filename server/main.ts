import { config } from "../lib/config";
import { closeDatabase, database } from "../lib/db/drizzle";
import { seedFirstUsers } from "../lib/db/seed";
import { authSecret } from "../lib/auth/secret";
import { log } from "../lib/log";
import { startProducers, stopProducers } from "../lib/producers";
import { startHttpServer } from "./http-server";
import { startOpsSampler } from "./ops";
import { installGracefulShutdown } from "./shutdown";
import { installWebSocketEndpoint } from "./ws/install";

async function main() {
  const c = config();
  const dev = c.NODE_ENV !== "production";
  // next-auth builds its redirect URLs from the request's host unless NEXTAUTH_URL pins one.
  if (!c.NEXTAUTH_URL) {
    // An empty NEXTAUTH_URL counts as unset here, but next-auth reads the variable itself and
    // an empty one makes its client module throw while rendering the sign-in page (a 500).
    delete process.env.NEXTAUTH_URL;
    process.env.AUTH_TRUST_HOST ??= "true";
  }
  authSecret();
  await database();
  await seedFirstUsers(c);
  await startProducers(c);
  const ops = startOpsSampler();

  const { server, upgrades, url } = await startHttpServer({ dev });
  installWebSocketEndpoint(upgrades);
  installGracefulShutdown(server, { timeoutMs: c.SHUTDOWN_TIMEOUT_MS, cleanups: [() => ops.stop(), stopProducers, closeDatabase] });
  log().info({ url, dev }, `Switchback ready on ${url}`);
}

main().catch((err: unknown) => {
  log().fatal({ err }, "failed to start");
  process.exit(1);
});
