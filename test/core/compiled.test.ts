import { execFile } from "node:child_process";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { App, z } from "vial";
import { describe, expect, test } from "vitest";
import { generate } from "../../src/internal/generate.js";
import { clientsFor, TRANSPORTS } from "../helpers.js";

// Vial compiles per route at startup: the reading of each input group's fields, and the JSON
// writer of a route's usual result. These check that what is compiled behaves as the plain code.

describe.each(TRANSPORTS)("compiled input readers (%s)", (transport) => {
  const client = clientsFor(transport);

  test("field names that are not identifiers are read and passed on as declared", async () => {
    const app = new App();
    const names = ['a"b', "back\\slash", "x y", "constructor", "toString", "0", "ünï", "a\u2028b"];
    app.get(
      "/q",
      { query: Object.fromEntries(names.map((name) => [name, z.string().optional()])) },
      ({ query }) => query,
    );
    const search = names.map((name, i) => `${encodeURIComponent(name)}=v${i}`).join("&");
    const res = await client(app).get(`/q?${search}`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(Object.fromEntries(names.map((name, i) => [name, `v${i}`])));
    // Absent optional fields stay absent, not `undefined` keys.
    expect((await client(app).get("/q?x%20y=1")).json()).toEqual({ "x y": "1" });
  });

  test("a header or cookie named like an Object.prototype property is absent when not sent", async () => {
    const app = new App();
    app.get("/h", { headers: { constructor: z.string() } }, ({ headers }) => headers);
    app.get(
      "/hl",
      { headers: { constructor: z.array(z.string()).optional() } },
      ({ headers }) => headers,
    );
    app.get("/c", { cookies: { constructor: z.string() } }, ({ cookies }) => cookies);
    const c = client(app);
    const missing = await c.get("/h");
    expect(missing.status).toBe(422);
    expect(missing.json().detail).toEqual([
      { type: "missing", loc: ["header", "constructor"], msg: "Field required", input: null },
    ]);
    expect((await c.get("/h", { headers: { constructor: "x" } })).json()).toEqual({
      constructor: "x",
    });
    const list = await c.get("/hl");
    expect([list.status, list.json()]).toEqual([200, {}]);
    expect((await c.get("/hl", { headers: { constructor: "a" } })).json()).toEqual({
      constructor: ["a"],
    });
    const cookie = await c.get("/c");
    expect(cookie.status).toBe(422);
    expect(cookie.json().detail[0].loc).toEqual(["cookie", "constructor"]);
    expect((await c.get("/c", { headers: { cookie: "constructor=y" } })).json()).toEqual({
      constructor: "y",
    });
  });

  test("a route's results of one shape and of others are all written as JSON.stringify writes them", async () => {
    const app = new App();
    let n = 0;
    app.get("/r", () => {
      n++;
      if (n % 3 === 0) return { id: n, name: `nested ${n}`, extra: { deep: [n] } };
      if (n % 3 === 1) return { id: n, name: `user "${n}"\n`, ok: n % 2 === 0 };
      return { id: n, name: `user ${n}`, ok: true };
    });
    const c = client(app);
    for (let i = 1; i <= 9; i++) {
      const res = await c.get("/r");
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(res.text()).toBe(
        i % 3 === 0
          ? JSON.stringify({ id: i, name: `nested ${i}`, extra: { deep: [i] } })
          : i % 3 === 1
            ? JSON.stringify({ id: i, name: `user "${i}"\n`, ok: i % 2 === 0 })
            : JSON.stringify({ id: i, name: `user ${i}`, ok: true }),
      );
      expect(Number(res.headers.get("content-length"))).toBe(Buffer.byteLength(res.text()));
    }
  });
});

test("repeated headers fill an array field; a single-valued one takes the last", async () => {
  const app = new App();
  app.get(
    "/h",
    { headers: { x_tag: z.array(z.string()), x_one: z.string() } },
    ({ headers }) => headers,
  );
  const server = createServer(app.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, path: "/h", headers: { "x-tag": ["a", "b"], "x-one": "1" } },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            text += chunk;
          });
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(JSON.parse(body)).toEqual({ x_tag: ["a", "b"], x_one: "1" });
  } finally {
    server.close();
  }
});

test("generated code with a mistake in it is an error, not a silent fallback", () => {
  expect(generate<() => number>(["n"], "return () => n + 1;", [1])?.()).toBe(2);
  expect(() => generate([], "return (", [])).toThrow(SyntaxError);
});

describe("without code generation from strings", () => {
  test("a static route with query, header and JSON result still answers", async () => {
    // find-my-way compiles its parameter readers, so a route with {params} needs code
    // generation anyway; static routes fall back to Vial's plain loops.
    const script = `
      import { App, z } from "vial";
      import { TestClient } from "vial/testing";
      const app = new App();
      app.get("/q", { query: { n: z.int(), tag: z.array(z.string()).optional() } },
        ({ query }) => ({ n: query.n, tags: query.tag ?? [], ok: true }));
      app.get("/h", { headers: { constructor: z.array(z.string()).optional() } },
        ({ headers }) => headers);
      const client = new TestClient(app);
      const out = [];
      for (const url of ["/q?n=1&tag=a&tag=b", "/q?n=2", "/q?n=x", "/h"]) {
        const res = await client.get(url);
        out.push([res.status, res.json()]);
      }
      await client.close();
      console.log(JSON.stringify(out));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "--disallow-code-generation-from-strings",
        "--import",
        "tsx",
        "--conditions=vial-src",
        "--input-type=module",
        "--eval",
        script,
      ],
      { cwd: process.cwd() },
    );
    const [first, second, third, header] = JSON.parse(stdout);
    expect(first).toEqual([200, { n: 1, tags: ["a", "b"], ok: true }]);
    expect(second).toEqual([200, { n: 2, tags: [], ok: true }]);
    expect(third[0]).toBe(422);
    expect(third[1].detail[0]).toMatchObject({
      type: "int_parsing",
      loc: ["query", "n"],
      input: "x",
    });
    // A header named like an Object.prototype property, not sent, is absent in the loop too.
    expect(header).toEqual([200, {}]);
  });
});
