import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native or stateful server packages must load from node_modules, once, in the server process.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "ws", "pino", "prom-client", "@node-rs/argon2", "ioredis"],
  poweredByHeader: false,
  reactStrictMode: true,
  // forbidden() in admin pages answers 403 with app/forbidden.tsx.
  experimental: { authInterrupts: true },
};

export default nextConfig;
