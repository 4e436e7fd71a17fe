import assert from "node:assert/strict";
import { App, settings, z } from "vial";
import { TestClient } from "vial/testing";

// Typed, validated settings from the environment and .env (pydantic-settings' job). Every missing
// or invalid variable is listed in one error at startup; secrets never print.
const config = settings(
  { shopName: z.string().default("Shop"), apiToken: z.string().min(8) },
  { env: { API_TOKEN: "t0k3n-abcdef" }, envFile: false }, // default: process.env and .env
);
const app = new App({ title: config.shopName, accessLog: true });
app.get("/", () => ({ shop: config.shopName }));

const res = await new TestClient(app).get("/", { headers: { "x-request-id": "req-1" } });
assert.deepEqual(res.json(), { shop: "Shop" });
assert.equal(res.headers.get("x-request-id"), "req-1"); // also on the access log line
assert.equal(JSON.stringify(config), '{"shopName":"Shop","apiToken":"**********"}');
