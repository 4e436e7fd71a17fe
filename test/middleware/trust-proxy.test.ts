import { App, type TrustProxy } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

function appWith(trustProxy?: TrustProxy) {
  const app = new App({ trustProxy });
  app.get("/who", ({ request }) => ({
    ip: request.ip,
    protocol: request.protocol,
    host: request.host,
  }));
  return new TestClient(app);
}

const forwarded = {
  host: "internal:8000",
  "x-forwarded-for": "203.0.113.9, 10.0.0.2",
  "x-forwarded-proto": "https",
  "x-forwarded-host": "example.com",
};

describe("trustProxy", () => {
  test("off by default: forwarded headers are ignored", async () => {
    const res = await appWith().get("/who", { headers: forwarded });
    expect(res.json()).toEqual({ ip: "127.0.0.1", protocol: "http", host: "internal:8000" });
  });

  test("true trusts every hop: the left-most address is the client", async () => {
    expect((await appWith(true).get("/who", { headers: forwarded })).json()).toEqual({
      ip: "203.0.113.9",
      protocol: "https",
      host: "example.com",
    });
  });

  test("a hop count trusts that many proxies from the server's side", async () => {
    expect((await appWith(1).get("/who", { headers: forwarded })).json().ip).toBe("10.0.0.2");
    expect((await appWith(2).get("/who", { headers: forwarded })).json().ip).toBe("203.0.113.9");
  });

  test("a CIDR list trusts only those peers", async () => {
    expect(
      (await appWith(["127.0.0.1/32", "10.0.0.0/8"]).get("/who", { headers: forwarded })).json().ip,
    ).toBe("203.0.113.9");
    const untrusted = await appWith(["192.168.0.0/16"]).get("/who", { headers: forwarded });
    expect(untrusted.json()).toEqual({ ip: "127.0.0.1", protocol: "http", host: "internal:8000" });
  });
});
