// The README's "Command line, logging and settings" example, as a program.
import { App, settings, z } from "vial";
import { TestClient } from "vial/testing";
import { expect, test } from "vitest";

test("the README example: settings, access log and request id", async () => {
  const config = settings(
    { shopName: z.string().default("Shop"), apiToken: z.string().min(8) },
    { env: { API_TOKEN: "t0k3n-abcdef" }, envFile: false }, // default: process.env and .env
  );
  const app = new App({ title: config.shopName, accessLog: true });
  app.get("/", () => ({ shop: config.shopName }));

  const res = await new TestClient(app).get("/", { headers: { "x-request-id": "req-1" } });
  expect(res.json()).toEqual({ shop: "Shop" });
  expect(res.headers.get("x-request-id")).toBe("req-1");
  expect(config.apiToken).toBe("t0k3n-abcdef");
  expect(JSON.stringify(config)).toBe('{"shopName":"Shop","apiToken":"**********"}');
});
