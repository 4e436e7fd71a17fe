import type { AddressInfo } from "node:net";
import { App, z } from "vial";
import { TestClient } from "vial/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { memoryLogger } from "../helpers.js";
import { rawExchange, statusOf } from "./raw.js";

// One test per bad input issue 2 names. Wire-level cases use a raw socket on a real server.
const logger = memoryLogger();
const app = new App({ bodyLimit: 1024, logger });
const seen: unknown[] = [];
app.post("/echo", { body: z.any() }, ({ body }) => {
  seen.push(body);
  return { body };
});
app.post("/users", { body: z.object({ name: z.string() }) }, ({ body }) => body);
app.post("/big", { body: z.any(), bodyLimit: 4096 }, () => "ok");
app.get("/items/{id}", { query: { q: z.string().optional() } }, ({ params, query }) => ({
  id: params.id,
  q: query.q,
}));
app.get("/throw", () => {
  throw new Error("handler failed");
});
app.get("/reject", () => Promise.reject(new Error("rejected")));
app.get("/ok", () => "ok");

let port = 0;
const client = new TestClient(app);

beforeAll(async () => {
  const server = await app.listen(0);
  port = (server.address() as AddressInfo).port;
});
afterAll(() => app.close());

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${port}${path}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });

describe("bad input", () => {
  test("malformed JSON: 422 json_invalid at the offset where it breaks", async () => {
    const res = await post("/users", '{"name": "ann",}');
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      detail: [
        {
          type: "json_invalid",
          loc: ["body", 15],
          msg: "JSON decode error",
          input: {},
          ctx: { error: "Expecting property name enclosed in double quotes" },
        },
      ],
    });
  });

  test("a JSON body with a non-JSON content type: 422 naming the expected type", async () => {
    const res = await post("/users", '{"name":"ann"}', { "content-type": "text/plain" });
    expect(res.status).toBe(422);
    const [error] = ((await res.json()) as { detail: { msg: string }[] }).detail;
    expect(error).toMatchObject({
      type: "model_attributes_type",
      loc: ["body"],
      input: '{"name":"ann"}',
    });
    expect(error?.msg).toMatch(/Content-Type: application\/json.*'text\/plain'/);
  });

  test("a body over the limit (Content-Length): 413 at once, without reading the rest", async () => {
    const started = Date.now();
    const { text, closed } = await rawExchange(port, [
      `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n`,
      "[1,2,3",
    ]);
    expect(statusOf(text)).toBe(413);
    expect(text).toMatch(/"detail":"Request body is larger than the limit of 1024 bytes"/);
    expect(closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  test("a chunked body over the limit: 413 as soon as it passes it, connection closed", async () => {
    const chunk = `${(600).toString(16)}\r\n${"x".repeat(600)}\r\n`;
    const { text, closed } = await rawExchange(
      port,
      [
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        chunk,
        chunk,
        chunk,
      ],
      { gapMs: 20 },
    );
    expect(statusOf(text)).toBe(413);
    expect(closed).toBe(true);
  });

  test("the limit is configurable per route", async () => {
    const body = JSON.stringify("y".repeat(2000));
    expect((await post("/big", body)).status).toBe(200);
    expect((await post("/echo", body)).status).toBe(413);
  });

  test("JSON nested 100,000 levels deep: a clean 422, and the server keeps serving", async () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const res = await client.post("/big", {
      body: deep,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
    const app2 = new App({ bodyLimit: 1024 * 1024 });
    app2.post("/echo", { body: z.any() }, ({ body }) => ({ body }));
    const deepRes = await new TestClient(app2).post("/echo", {
      body: deep,
      headers: { "content-type": "application/json" },
    });
    expect(deepRes.status).toBe(422);
    expect(deepRes.json().detail[0]).toMatchObject({
      type: "json_invalid",
      loc: ["body", 512],
      ctx: { error: "Nesting deeper than 512 levels" },
    });
    expect((await fetch(`http://127.0.0.1:${port}/ok`)).status).toBe(200);
  });

  test("__proto__ and constructor.prototype keys never reach a prototype", async () => {
    const res = await post(
      "/echo",
      '{"a": 1, "__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted2": true}}}',
    );
    expect(res.status).toBe(200);
    const body = (seen.at(-1) ?? {}) as Record<string, unknown>;
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect((body as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown; polluted2?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted2?: unknown }).polluted2).toBeUndefined();
    expect(await res.json()).toEqual({ body: { a: 1 } });
  });

  test("invalid percent-encoding in the path: 400", async () => {
    const { text } = await rawExchange(port, [
      "GET /items/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ]);
    expect(statusOf(text)).toBe(400);
    expect(text).toMatch(/Invalid percent-encoding in the URL path/);
  });

  test("invalid percent-encoding in the query: 400 naming the bad part", async () => {
    const { text } = await rawExchange(port, [
      "GET /items/1?q=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ]);
    expect(statusOf(text)).toBe(400);
    expect(text).toMatch(/Invalid percent-encoding in the query string: '%zz'/);
  });

  test("a URL over 8 KiB: 414; the server is unharmed", async () => {
    const { text } = await rawExchange(port, [
      `GET /items/${"a".repeat(9000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    ]);
    expect(statusOf(text)).toBe(414);
    expect((await fetch(`http://127.0.0.1:${port}/ok`)).status).toBe(200);
  });

  test("a header flood: 431 by node's limit; the server is unharmed", async () => {
    const headers = Array.from(
      { length: 600 },
      (_, i) => `X-Flood-${i}: ${"v".repeat(40)}\r\n`,
    ).join("");
    const { text } = await rawExchange(port, [`GET /ok HTTP/1.1\r\nHost: x\r\n${headers}\r\n`]);
    expect(statusOf(text)).toBe(431);
    expect((await fetch(`http://127.0.0.1:${port}/ok`)).status).toBe(200);
  });

  test("a handler that throws or rejects: 500, and the next request on the same connection is served", async () => {
    const { text } = await rawExchange(
      port,
      [
        "GET /throw HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /reject HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      ],
      { gapMs: 30 },
    );
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    expect(statuses).toEqual([500, 500, 200]);
  });

  test("clients aborting mid-body: no crash, no leaked listeners, the server keeps serving", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    const rejections: unknown[] = [];
    const onRejection = (r: unknown) => rejections.push(r);
    process.on("unhandledRejection", onRejection);
    try {
      for (let i = 0; i < 20; i++) {
        await rawExchange(
          port,
          [
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n",
            '{"a": "abc',
          ],
          { destroyAfter: true },
        );
      }
      await new Promise((r) => setTimeout(r, 100));
      expect((await fetch(`http://127.0.0.1:${port}/ok`)).status).toBe(200);
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
      expect(rejections).toEqual([]);
      expect(logger.lines.filter((l) => /abort|disconnect/i.test(l.msg))).toEqual([]);
    } finally {
      process.off("warning", onWarning);
      process.off("unhandledRejection", onRejection);
    }
  });
});
