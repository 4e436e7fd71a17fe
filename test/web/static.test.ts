import { symlinkSync } from "node:fs";
import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { App } from "vial";
import { TestClient } from "vial/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { folderWith } from "./helpers.js";

const root = folderWith({
  "static/style.css": "body { color: red; }",
  "static/style.css.br": "BROTLI-BYTES",
  "static/style.css.gz": "GZIP-BYTES",
  "static/app.js": "console.log(1);",
  "static/digits.txt": "0123456789",
  "static/.env": "SECRET=1",
  "static/sub/inner.txt": "inner",
  "static/café.txt": "accent",
  "assets/logo.svg": "<svg/>",
  "secret.txt": "TOP SECRET",
});
symlinkSync(join(root, "static/sub/inner.txt"), join(root, "static/link-in.txt"));
symlinkSync(join(root, "secret.txt"), join(root, "static/link-out.txt"));
symlinkSync(root, join(root, "static/up"));

function makeApp() {
  return new App({
    static: {
      "/static": join(root, "static"),
      "/assets": { folder: join(root, "assets"), maxAge: 3600, immutable: true, name: "assets" },
    },
  });
}

describe("static files", () => {
  const client = new TestClient(makeApp());

  test("a file is served with its content type, ETag, Last-Modified and cache headers", async () => {
    const res = await client.get("/static/style.css");
    expect(res.status).toBe(200);
    expect(res.text()).toBe("body { color: red; }");
    expect(res.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(res.headers.get("content-length")).toBe("20");
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(res.headers.get("last-modified")).toMatch(/GMT$/);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect((await client.get("/static/app.js")).headers.get("content-type")).toBe(
      "text/javascript; charset=utf-8",
    );
    expect((await client.get("/static/sub/inner.txt")).text()).toBe("inner");
    expect((await client.get("/static/caf%C3%A9.txt")).text()).toBe("accent");
  });

  test("maxAge and immutable set Cache-Control", async () => {
    const res = await client.get("/assets/logo.svg");
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600, immutable");
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
  });

  test("If-None-Match and If-Modified-Since give 304 without a body", async () => {
    const first = await client.get("/static/style.css");
    const etag = first.headers.get("etag")!;
    const byTag = await client.get("/static/style.css", { headers: { "if-none-match": etag } });
    expect(byTag.status).toBe(304);
    expect(byTag.text()).toBe("");
    expect(byTag.headers.get("etag")).toBe(etag);
    const weak = await client.get("/static/style.css", {
      headers: { "if-none-match": `"x", W/${etag}` },
    });
    expect(weak.status).toBe(304);
    const lastModified = first.headers.get("last-modified")!;
    const byDate = await client.get("/static/style.css", {
      headers: { "if-modified-since": lastModified },
    });
    expect(byDate.status).toBe(304);
    const old = await client.get("/static/style.css", {
      headers: { "if-modified-since": "Thu, 01 Jan 1970 00:00:00 GMT" },
    });
    expect(old.status).toBe(200);
    const otherTag = await client.get("/static/style.css", {
      headers: { "if-none-match": '"nope"' },
    });
    expect(otherTag.status).toBe(200);
  });

  test("Range requests give 206 with Content-Range; unsatisfiable ranges 416", async () => {
    const part = await client.get("/static/digits.txt", { headers: { range: "bytes=2-5" } });
    expect(part.status).toBe(206);
    expect(part.text()).toBe("2345");
    expect(part.headers.get("content-range")).toBe("bytes 2-5/10");
    expect(part.headers.get("content-length")).toBe("4");
    const open = await client.get("/static/digits.txt", { headers: { range: "bytes=7-" } });
    expect(open.text()).toBe("789");
    const suffix = await client.get("/static/digits.txt", { headers: { range: "bytes=-3" } });
    expect(suffix.text()).toBe("789");
    const clipped = await client.get("/static/digits.txt", { headers: { range: "bytes=8-100" } });
    expect(clipped.text()).toBe("89");
    const beyond = await client.get("/static/digits.txt", { headers: { range: "bytes=10-12" } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe("bytes */10");
    const several = await client.get("/static/digits.txt", { headers: { range: "bytes=0-1,4-5" } });
    expect(several.status).toBe(200);
    expect(several.text()).toBe("0123456789");
  });

  test("If-Range with a stale validator gives the whole file", async () => {
    const etag = (await client.get("/static/digits.txt")).headers.get("etag")!;
    const current = await client.get("/static/digits.txt", {
      headers: { range: "bytes=0-1", "if-range": etag },
    });
    expect(current.status).toBe(206);
    const stale = await client.get("/static/digits.txt", {
      headers: { range: "bytes=0-1", "if-range": '"old"' },
    });
    expect(stale.status).toBe(200);
    expect(stale.text()).toBe("0123456789");
  });

  test("precompressed .br and .gz siblings are served when accepted", async () => {
    const br = await client.get("/static/style.css", {
      headers: { "accept-encoding": "gzip, br" },
    });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.text()).toBe("BROTLI-BYTES");
    expect(br.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(br.headers.get("vary")).toBe("Accept-Encoding");
    const gz = await client.get("/static/style.css", {
      headers: { "accept-encoding": "gzip, br;q=0" },
    });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(gz.text()).toBe("GZIP-BYTES");
    expect(gz.headers.get("etag")).not.toBe(br.headers.get("etag"));
    const plain = await client.get("/static/style.css", {
      headers: { "accept-encoding": "identity" },
    });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.text()).toBe("body { color: red; }");
    const onlyPlain = await client.get("/static/app.js", { headers: { "accept-encoding": "br" } });
    expect(onlyPlain.headers.get("content-encoding")).toBeNull();
  });

  test("HEAD gives the headers without the body", async () => {
    const res = await client.head("/static/digits.txt");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("10");
    expect(res.text()).toBe("");
  });

  test("missing files, folders and hidden files are 404", async () => {
    expect((await client.get("/static/nope.css")).status).toBe(404);
    expect((await client.get("/static/sub")).status).toBe(404);
    expect((await client.get("/static/.env")).status).toBe(404);
    expect((await client.get("/static/nope.css")).json()).toEqual({ detail: "Not Found" });
  });

  test("a symlink to a file inside the folder is served", async () => {
    expect((await client.get("/static/link-in.txt")).text()).toBe("inner");
  });

  test("urlFor('static', { filename }) and url_for in templates", () => {
    const app = makeApp();
    expect(app.urlFor("static", { filename: "css/site.css" })).toBe("/static/css/site.css");
    expect(app.urlFor("assets", { filename: "logo.svg" })).toBe("/assets/logo.svg");
  });

  test("a missing folder fails at startup, naming the prefix", () => {
    expect(() => new App({ static: { "/media": join(root, "nowhere") } })).toThrow(
      /static: the folder '.*nowhere' for \/media does not exist/,
    );
    expect(() => new App({ static: { "media/": join(root, "static") } })).toThrow(
      "static: the prefix 'media/' must start with '/'",
    );
  });
});

/** Path traversal attempts go over a real socket, so no client library normalises the path. */
describe("path traversal is impossible", () => {
  let server: Server;
  const app = makeApp();
  beforeAll(async () => {
    server = await app.listen(0, "127.0.0.1");
  });
  afterAll(() => app.close());

  function rawGet(path: string): Promise<{ status: number; body: string }> {
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
        let body = "";
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  const attempts: [string, string][] = [
    ["../", "/static/../secret.txt"],
    ["../ deeper", "/static/sub/../../secret.txt"],
    ["%2e%2e", "/static/%2e%2e/secret.txt"],
    ["%2E%2E mixed", "/static/.%2E/secret.txt"],
    ["%2f", "/static/..%2fsecret.txt"],
    ["%2f alone", "/static/sub%2finner.txt"],
    ["backslash", "/static/..\\secret.txt"],
    ["encoded backslash", "/static/..%5csecret.txt"],
    ["absolute path", `/static/${join(root, "secret.txt")}`],
    ["absolute, encoded", `/static/%2F${encodeURIComponent(join(root, "secret.txt").slice(1))}`],
    ["NUL byte", "/static/style.css%00.txt"],
    ["symlink pointing outside", "/static/link-out.txt"],
    ["symlink to a folder outside", "/static/up/secret.txt"],
  ];

  for (const [name, path] of attempts) {
    test(`${name}: ${path}`, async () => {
      const res = await rawGet(path);
      expect([400, 404]).toContain(res.status);
      expect(res.body).not.toContain("TOP SECRET");
    });
  }

  test("the same server still serves the real file", async () => {
    const res = await rawGet("/static/sub/inner.txt");
    expect(res).toEqual({ status: 200, body: "inner" });
  });
});
