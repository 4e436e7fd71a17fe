import type { AddressInfo } from "node:net";
import { App, z } from "vial";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rawExchange, statusOf } from "../bad-input/raw.js";

// Requests no well-behaved client sends: each gets 400 and a closed connection, and nothing hidden
// in a body ever reaches a route (request smuggling).
const smuggled: string[] = [];
const app = new App();
app.post("/echo", { body: z.any() }, ({ body }) => ({ body }));
app.get("/admin", ({ request }) => {
  smuggled.push(request.path);
  return "admin";
});
app.get("/ok", () => "ok");
let port = 0;

beforeAll(async () => {
  port = ((await app.listen(0)).address() as AddressInfo).port;
});
afterAll(() => app.close());

const hidden = "GET /admin HTTP/1.1\r\nHost: x\r\n\r\n";

const cases: [string, string][] = [
  ["a malformed request line", "GET /ok HTTP/1.1 extra\r\nHost: x\r\n\r\n"],
  ["an unknown HTTP version", "GET /ok HTTP/7.3\r\nHost: x\r\n\r\n"],
  ["a method with a space", "GE T /ok HTTP/1.1\r\nHost: x\r\n\r\n"],
  ["a bare LF inside a header value", "GET /ok HTTP/1.1\r\nHost: x\r\nX-A: a\nb\r\n\r\n"],
  ["a CR inside a header value", "GET /ok HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n"],
  ["a header name with a space", "GET /ok HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n"],
  [
    "two different Content-Length values",
    "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
  ],
  [
    "a non-numeric Content-Length",
    "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\nhello",
  ],
  [
    "Transfer-Encoding and Content-Length together",
    `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${hidden}`,
  ],
  [
    "an obfuscated Transfer-Encoding",
    `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n${hidden}`,
  ],
  [
    "a bad chunk size",
    "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
  ],
  [
    "a chunk longer than its size",
    "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n",
  ],
  ["a missing Host on HTTP/1.1", "GET /ok HTTP/1.1\r\n\r\n"],
];

describe("malformed HTTP on the wire", () => {
  test.each(cases)("%s: 400 and the connection closed", async (_name, request) => {
    const { text, closed } = await rawExchange(port, [request], { timeoutMs: 2000 });
    expect(statusOf(text)).toBe(400);
    expect(closed).toBe(true);
  });

  test("a request hidden in a Content-Length body is never routed", async () => {
    const body = `{"a":1}${hidden}`;
    const { text } = await rawExchange(
      port,
      [
        `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      ],
      {
        timeoutMs: 1000,
      },
    );
    expect(statusOf(text)).toBe(422);
    expect(smuggled).toEqual([]);
  });

  test("nothing smuggled reached /admin, and the server still answers", async () => {
    expect(smuggled).toEqual([]);
    expect(await (await fetch(`http://127.0.0.1:${port}/ok`)).text()).toBe("ok");
  });
});
