import type { SettingsError } from "vial";
import { TestClient } from "vial/testing";
import { afterEach, beforeEach, expect, test, vi } from "vitest";

const TOKEN = "a-very-long-admin-token";

beforeEach(() => {
  vi.resetModules();
  process.env.STATUS_ADMIN_TOKEN = TOKEN;
  process.env.STATUS_ALLOWED_ORIGINS = '["https://example.com"]';
  process.env.STATUS_MAINTENANCE = "yes";
});

afterEach(() => {
  for (const name of Object.keys(process.env))
    if (name.startsWith("STATUS_")) delete process.env[name];
});

test("the example reads its settings from the environment, typed", async () => {
  const { app } = await import("../../examples/settings/app.js");
  const client = new TestClient(app);
  const res = await client.get("/");
  expect(res.json()).toEqual({ name: "Status API", maintenance: true });
});

test("the settings can be shown without showing the secret", async () => {
  const { app } = await import("../../examples/settings/app.js");
  const client = new TestClient(app);
  const denied = await client.get("/admin/settings", { headers: { "x-admin-token": "guess" } });
  expect(denied.status).toBe(403);
  const res = await client.get("/admin/settings", { headers: { "x-admin-token": TOKEN } });
  expect(res.json()).toEqual({
    name: "Status API",
    maintenance: true,
    allowedOrigins: ["https://example.com"],
    adminToken: "**********",
    accessLog: true,
  });
  expect(res.text()).not.toContain(TOKEN);
});

test("the access log is on (STATUS_ACCESS_LOG), so responses carry their request id", async () => {
  const { app } = await import("../../examples/settings/app.js");
  const res = await new TestClient(app).get("/", { headers: { "x-request-id": "req-42" } });
  expect(res.headers.get("x-request-id")).toBe("req-42");
  vi.resetModules();
  process.env.STATUS_ACCESS_LOG = "0";
  const quiet = await import("../../examples/settings/app.js");
  const plain = await new TestClient(quiet.app).get("/", { headers: { "x-request-id": "req-42" } });
  expect(plain.headers.get("x-request-id")).toBeNull();
});

test("a bad start lists every problem at once", async () => {
  delete process.env.STATUS_ADMIN_TOKEN;
  process.env.STATUS_MAINTENANCE = "sometimes";
  const error = await import("../../examples/settings/app.js").catch((e: unknown) => e);
  // a fresh module registry has its own SettingsError class: compare by name
  expect((error as Error).name).toBe("SettingsError");
  expect((error as SettingsError).problems.map((p) => p.variable)).toEqual([
    "STATUS_MAINTENANCE",
    "STATUS_ADMIN_TOKEN",
  ]);
});
