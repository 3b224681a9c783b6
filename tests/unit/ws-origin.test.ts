import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { credentialKind, originAllowed, ownOrigin } from "@/server/ws/origin";

function req(headers: Record<string, string>, url = "/api/v1/ws", encrypted = false): IncomingMessage {
  return { url, headers, socket: { encrypted } } as unknown as IncomingMessage;
}

describe("WebSocket origin check", () => {
  it("tells token, cookie and no credentials apart", () => {
    expect(credentialKind(req({}, "/api/v1/ws?access_token=abc"))).toBe("token");
    expect(credentialKind(req({ authorization: "Bearer abc" }))).toBe("token");
    expect(credentialKind(req({ cookie: "next-auth.session-token=abc" }))).toBe("cookie");
    expect(credentialKind(req({ cookie: "__Secure-next-auth.session-token.0=abc" }))).toBe("cookie");
    expect(credentialKind(req({ cookie: "theme=dark" }))).toBe("none");
  });

  it("takes the server's own origin from the proxy's forwarded headers, else Host", () => {
    expect(ownOrigin(req({ host: "app.local:3000" }))).toBe("http://app.local:3000");
    expect(ownOrigin(req({ host: "app.local" }, "/", true))).toBe("https://app.local");
    expect(ownOrigin(req({ host: "10.0.0.5:3000", "x-forwarded-host": "switchback.example, proxy2", "x-forwarded-proto": "https" }))).toBe(
      "https://switchback.example",
    );
  });

  it("allows the own origin and configured ones, refuses others", () => {
    const cookie = "cookie" as const;
    expect(originAllowed(req({ host: "app.local:3000", origin: "http://app.local:3000" }), [], cookie)).toBe(true);
    expect(originAllowed(req({ host: "app.local:3000", origin: "http://evil.example" }), [], cookie)).toBe(false);
    expect(originAllowed(req({ host: "app.local:3000", origin: "http://app.local:3001" }), [], cookie)).toBe(false);
    expect(originAllowed(req({ host: "app.local:3000", origin: "https://dash.example" }), ["https://dash.example"], cookie)).toBe(true);
    expect(originAllowed(req({ host: "app.local", origin: "https://app.local:443" }, "/", true), [], cookie)).toBe(true);
    expect(originAllowed(req({ host: "internal:3000", origin: "https://sb.example", "x-forwarded-host": "sb.example", "x-forwarded-proto": "https" }), [], cookie)).toBe(true);
    expect(originAllowed(req({ host: "app.local", origin: "null" }), [], cookie)).toBe(false);
    expect(originAllowed(req({ host: "app.local", origin: "not a url" }), [], cookie)).toBe(false);
  });

  it("accepts a missing Origin (a non-browser client) only with token auth, or none at all", () => {
    expect(originAllowed(req({ host: "app.local" }), [], "token")).toBe(true);
    expect(originAllowed(req({ host: "app.local" }), [], "cookie")).toBe(false);
    expect(originAllowed(req({ host: "app.local" }), [], "none")).toBe(true);
  });
});
