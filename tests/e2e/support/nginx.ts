import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A real nginx on loopback in front of the app, configured like the networks users sit
 * behind: one that drops WebSocket upgrades, one that also buffers responses, and a good one.
 */
export type ProxyKind = "passes-upgrades" | "drops-upgrades" | "buffers-and-drops-upgrades";

const LOCATION: Record<ProxyKind, string> = {
  "passes-upgrades": `
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_buffering off;`,
  // Upgrade and Connection are hop-by-hop: without these lines nginx never forwards them.
  "drops-upgrades": ``,
  // Holds whole responses back whatever the app asks (X-Accel-Buffering ignored), like a
  // corporate proxy scanning traffic; gzip with a large buffer keeps small events waiting too.
  "buffers-and-drops-upgrades": `
      proxy_buffering on;
      proxy_ignore_headers X-Accel-Buffering;
      proxy_buffer_size 64k;
      proxy_buffers 16 64k;
      proxy_busy_buffers_size 512k;
      gzip on;
      gzip_proxied any;
      gzip_types text/event-stream application/json;
      gzip_min_length 0;
      gzip_buffers 16 64k;`,
};

function config(dir: string, port: number, upstream: string, kind: ProxyKind): string {
  return `
user root;
worker_processes 1;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_read_timeout 1h;${LOCATION[kind]}
    }
  }
}
`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => s.end(() => resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nginx did not listen on ${port}`);
}

export interface Proxy {
  url: string;
  /** Swaps the configuration in place (nginx -s reload): "the network got repaired". */
  reconfigure(kind: ProxyKind): Promise<void>;
  stop(): Promise<void>;
}

export async function startProxy(kind: ProxyKind, upstream: string): Promise<Proxy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchback-nginx-"));
  const port = await freePort();
  const confPath = path.join(dir, "nginx.conf");
  fs.writeFileSync(confPath, config(dir, port, upstream, kind));
  const nginx: ChildProcess = spawn("nginx", ["-p", dir, "-c", confPath, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  nginx.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => nginx.once("exit", () => resolve()));
  await Promise.race([
    waitForPort(port),
    exited.then(() => {
      throw new Error(`nginx exited: ${stderr}`);
    }),
  ]);
  return {
    url: `http://127.0.0.1:${port}`,
    async reconfigure(next) {
      fs.writeFileSync(confPath, config(dir, port, upstream, next));
      nginx.kill("SIGHUP");
      // New workers take over within moments; give them a beat before relying on them.
      await new Promise((r) => setTimeout(r, 500));
    },
    async stop() {
      nginx.kill("SIGTERM");
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
