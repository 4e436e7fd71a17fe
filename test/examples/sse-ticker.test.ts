import { TestClient } from "vial/testing";
import { afterEach, expect, test } from "vitest";
import { createApp, priceAt } from "../../examples/sse-ticker/app.js";
import { serve } from "../realtime/helpers.js";

let client: TestClient;
afterEach(() => client.close());

test("the ticker streams numbered tick events", async () => {
  client = new TestClient(createApp({ interval: 1 }));
  const res = await client.get("/ticker/VIAL", { query: { limit: 3 } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
  expect(res.headers.get("cache-control")).toBe("no-cache");
  const ticks = [1, 2, 3].map(
    (seq) =>
      `event: tick\nid: ${seq}\ndata: ${JSON.stringify({ symbol: "VIAL", seq, price: priceAt("VIAL", seq) })}\n\n`,
  );
  expect(res.text()).toBe(`: ticks for VIAL\nretry: 2000\n\n${ticks.join("")}`);
});

test("a reconnecting browser resumes after its Last-Event-ID", async () => {
  client = new TestClient(createApp({ interval: 1 }));
  const res = await client.get("/ticker/ABC", {
    query: { limit: 2 },
    headers: { "Last-Event-ID": "41" },
  });
  const ids = [...res.text().matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  expect(ids).toEqual([42, 43]);
  expect(res.text()).not.toContain("retry:");
});

test("an unknown symbol format is a 422", async () => {
  client = new TestClient(createApp());
  const res = await client.get("/ticker/not-a-symbol");
  expect(res.status).toBe(422);
  expect(res.json().detail[0]).toMatchObject({ loc: ["path", "symbol"] });
});

test("an endless stream keeps the connection alive with pings and stops when the client leaves", async () => {
  const app = createApp({ interval: 60, ping: 25 });
  client = new TestClient(app);
  const { url } = await serve(app);
  const abort = new AbortController();
  const res = await fetch(`${url}/ticker/VIAL`, { signal: abort.signal });
  const reader = res.body!.getReader();
  let text = "";
  while (!/id: 2\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
  abort.abort();
  expect(text).toContain(": ping\n\n");
  expect(text).toContain("id: 1\n");
});
