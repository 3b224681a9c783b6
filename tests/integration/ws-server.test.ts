import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../helpers/ws-client";
import { signIn, startServer, type RunningServer } from "../helpers/server";

/** /api/v1/ws on the real custom server (a child process, production build, real sign-in). */

const DEMO = { email: "demo@switchback.local", password: "switchback-demo" };

describe("WebSocket on the real custom server", () => {
  let server: RunningServer;
  let wsUrl: string;
  beforeAll(async () => {
    server = await startServer();
    wsUrl = `${server.url.replace(/^http/, "ws")}/api/v1/ws`;
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("welcomes a signed-in session cookie with the user's settings", async () => {
    const { jar, error } = await signIn(server.url, DEMO.email, DEMO.password);
    expect(error).toBeUndefined();
    const client = await connect(wsUrl, { origin: server.url, headers: { cookie: jar.header() } });
    const welcome = await client.waitType("welcome");
    expect(welcome).toMatchObject({ heartbeatMs: 25_000, settings: { mode: expect.any(String), pollingIntervalMs: expect.any(Number) } });
    expect(await client.subscribe("system_status")).toMatchObject({ type: "subscribed", topic: "system_status" });
    client.send({ type: "ping", id: "p1" });
    await client.waitType("pong", { id: "p1" });
    await client.close();
  });

  it("completes the handshake and closes 4401 without a cookie, 4403 from a foreign Origin", async () => {
    const anonymous = await connect(wsUrl, { origin: server.url });
    expect((await anonymous.closed).code).toBe(4401);
    const { jar } = await signIn(server.url, DEMO.email, DEMO.password);
    const foreign = await connect(wsUrl, { origin: "https://elsewhere.example", headers: { cookie: jar.header() } });
    expect((await foreign.closed).code).toBe(4403);
  });

  it("pushes a settings change from PUT /api/v1/me/settings to the open socket, then closes 4409 when it forbids WebSocket", async () => {
    const { jar } = await signIn(server.url, DEMO.email, DEMO.password);
    const put = (body: object) =>
      fetch(`${server.url}/api/v1/me/settings`, {
        method: "PUT",
        headers: { cookie: jar.header(), "content-type": "application/json", origin: server.url },
        body: JSON.stringify(body),
      });
    const client = await connect(wsUrl, { origin: server.url, headers: { cookie: jar.header() } });
    await client.waitType("welcome");
    expect((await put({ mode: "websocket", pollingIntervalMs: 6_000 })).status).toBe(200);
    await client.waitType("settings", { mode: "websocket", pollingIntervalMs: 6_000 });
    expect((await put({ mode: "sse", pollingIntervalMs: 6_000 })).status).toBe(200);
    expect((await client.closed).code).toBe(4409);
    expect(client.messages.at(-1)).toMatchObject({ type: "settings", mode: "sse" });
    // A new socket learns the mode from welcome and is closed the same way.
    const again = await connect(wsUrl, { origin: server.url, headers: { cookie: jar.header() } });
    expect((await again.closed).code).toBe(4409);
    expect(again.messages).toMatchObject([{ type: "welcome", settings: { mode: "sse" } }]);
    expect((await put({ mode: "auto", pollingIntervalMs: 5_000 })).status).toBe(200);
  });

  it("closes open sockets with 1001 when the server shuts down", async () => {
    const { jar } = await signIn(server.url, DEMO.email, DEMO.password);
    const client = await connect(wsUrl, { origin: server.url, headers: { cookie: jar.header() } });
    await client.waitType("welcome");
    const stopping = server.stop("SIGTERM");
    expect((await client.closed).code).toBe(1001);
    expect((await stopping).code).toBe(0);
  });
});
