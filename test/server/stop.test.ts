import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { App } from "vial";
import { expect, test } from "vitest";

test("close() does not wait for connections that never sent a request", async () => {
  const app = new App({ shutdownTimeout: 5000 });
  app.get("/", () => "ok");
  const server = await app.listen({ port: 0, host: "127.0.0.1", signals: false });
  const { port } = server.address() as AddressInfo;
  const preconnected = connect(port, "127.0.0.1");
  await new Promise((resolve) => preconnected.once("connect", resolve));
  const closed = new Promise((resolve) => preconnected.once("close", resolve));
  const started = Date.now();
  await app.close();
  expect(Date.now() - started).toBeLessThan(1000);
  await closed;
  expect(preconnected.destroyed).toBe(true);
});

test("close() still lets a request in flight finish", async () => {
  const app = new App({ shutdownTimeout: 5000 });
  app.get("/slow", async () => {
    await new Promise((resolve) => setTimeout(resolve, 150));
    return { done: true };
  });
  const server = await app.listen({ port: 0, host: "127.0.0.1", signals: false });
  const { port } = server.address() as AddressInfo;
  const response = fetch(`http://127.0.0.1:${port}/slow`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await app.close();
  const res = await response;
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ done: true });
});
