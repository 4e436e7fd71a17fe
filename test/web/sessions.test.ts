import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, MemoryStore, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test, vi } from "vitest";
import { capturingLogger } from "./helpers.js";

const SECRET = "test-secret-key-0123456789";

function counterApp(options: ConstructorParameters<typeof App>[0] = {}) {
  const app = new App({ secretKey: SECRET, ...options });
  app.get("/count", ({ session }) => {
    session.count = ((session.count as number | undefined) ?? 0) + 1;
    return { count: session.count };
  });
  app.get("/peek", ({ session }) => ({ count: session.count ?? null }));
  app.get("/none", () => "no session here");
  app.post("/logout", ({ session }) => {
    session.clear();
  });
  return app;
}

/** A cookie value signed like Vial's, with any key and time, to forge old or foreign cookies. */
function signWith(secret: string, data: object, issuedAtMs = Date.now()): string {
  const key = createHmac("sha256", secret).update("vial.session").digest();
  const value = Buffer.from(JSON.stringify({ d: data })).toString("base64url");
  const signed = `${value}.${Math.floor(issuedAtMs / 1000).toString(36)}`;
  return `${signed}.${createHmac("sha256", key).update(signed).digest("base64url")}`;
}

function verifiesWith(secret: string, cookie: string): boolean {
  const key = createHmac("sha256", secret).update("vial.session").digest();
  const signed = cookie.slice(0, cookie.lastIndexOf("."));
  return cookie.endsWith(`.${createHmac("sha256", key).update(signed).digest("base64url")}`);
}

describe("cookie sessions", () => {
  test("data persists across requests in a signed, HttpOnly, SameSite=Lax cookie", async () => {
    const client = new TestClient(counterApp({ csrf: false }));
    const first = await client.get("/count");
    expect(first.json()).toEqual({ count: 1 });
    const cookie = first.headers.get("set-cookie")!;
    expect(cookie).toMatch(
      /^session=[\w-]+\.[\da-z]+\.[\w-]+; Max-Age=2678400; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    expect(first.headers.get("vary")).toBe("Cookie");
    expect((await client.get("/count")).json()).toEqual({ count: 2 });
    expect((await client.get("/peek")).json()).toEqual({ count: 2 });
  });

  test("an unchanged session sends no cookie; a route without session sends no Vary", async () => {
    const client = new TestClient(counterApp());
    await client.get("/count");
    const peek = await client.get("/peek");
    expect(peek.headers.get("set-cookie")).toBeNull();
    const none = await client.get("/none");
    expect(none.headers.get("vary")).toBeNull();
    expect(none.headers.get("set-cookie")).toBeNull();
  });

  test("a tampered cookie is treated as an empty session and logged", async () => {
    const { logger, lines } = capturingLogger();
    const client = new TestClient(counterApp({ logger }));
    await client.get("/count");
    const [payload, time, signature] = client.cookies.get("session")!.split(".");
    const forged = Buffer.from(JSON.stringify({ d: { count: 1000 } })).toString("base64url");
    client.cookies.set("session", `${forged}.${time}.${signature}`);
    expect(payload).not.toBe(forged);
    expect((await client.get("/peek")).json()).toEqual({ count: null });
    expect(lines.some((l) => l.level === 40 && l.msg.includes("bad signature"))).toBe(true);
  });

  test("an expired cookie is treated as an empty session and logged", async () => {
    const { logger, lines } = capturingLogger();
    const client = new TestClient(counterApp({ logger, session: { maxAge: 60 } }));
    client.cookies.set("session", signWith(SECRET, { count: 5 }, Date.now() - 61_000));
    expect((await client.get("/peek")).json()).toEqual({ count: null });
    expect(lines.some((l) => l.msg.includes("Session cookie ignored (expired)"))).toBe(true);
    client.cookies.set("session", signWith(SECRET, { count: 5 }, Date.now() - 10_000));
    expect((await client.get("/peek")).json()).toEqual({ count: 5 });
  });

  test("a cookie signed with a fallback key is accepted and signed again with the current key", async () => {
    const client = new TestClient(
      counterApp({ secretKey: "new-key", secretKeyFallbacks: ["old-key"] }),
    );
    client.cookies.set("session", signWith("old-key", { count: 41 }));
    const res = await client.get("/peek");
    expect(res.json()).toEqual({ count: 41 });
    const resigned = client.cookies.get("session")!;
    expect(verifiesWith("new-key", resigned)).toBe(true);
    expect(verifiesWith("old-key", resigned)).toBe(false);
    // The old key alone no longer verifies the new cookie; the new key does.
    const oldOnly = new TestClient(counterApp({ secretKey: "old-key" }));
    oldOnly.cookies.set("session", resigned);
    expect((await oldOnly.get("/peek")).json()).toEqual({ count: null });
  });

  test("clear() empties the session and deletes the cookie", async () => {
    const client = new TestClient(counterApp({ csrf: false }));
    await client.get("/count");
    const res = await client.post("/logout");
    expect(res.headers.get("set-cookie")).toMatch(/^session=; Max-Age=0;/);
    expect(client.cookies.get("session")).toBeUndefined();
  });

  test("Secure is set when the request came over HTTPS through a trusted proxy, or when asked", async () => {
    const proxied = new TestClient(counterApp({ session: { trustProxy: true } }));
    const https = await proxied.get("/count", { headers: { "x-forwarded-proto": "https" } });
    expect(https.headers.get("set-cookie")).toContain("; Secure");
    const untrusted = new TestClient(counterApp());
    const plain = await untrusted.get("/count", { headers: { "x-forwarded-proto": "https" } });
    expect(plain.headers.get("set-cookie")).not.toContain("Secure");
    const forced = new TestClient(counterApp({ session: { secure: true, sameSite: "strict" } }));
    const cookie = (await forced.get("/count")).headers.get("set-cookie")!;
    expect(cookie).toContain("; Secure");
    expect(cookie).toContain("SameSite=Strict");
  });

  test("a session schema types and checks the data; data that no longer fits is dropped", async () => {
    const { logger, lines } = capturingLogger();
    const app = new App({
      secretKey: SECRET,
      logger,
      session: {
        schema: z.object({ userId: z.int().optional(), theme: z.string().default("light") }),
      },
    });
    app.get("/", ({ session }) => ({ userId: session.userId ?? null, theme: session.theme }));
    const client = new TestClient(app);
    expect((await client.get("/")).json()).toEqual({ userId: null, theme: "light" });
    client.cookies.set("session", signWith(SECRET, { userId: 3, theme: "dark" }));
    expect((await client.get("/")).json()).toEqual({ userId: 3, theme: "dark" });
    client.cookies.set("session", signWith(SECRET, { userId: "three" }));
    expect((await client.get("/")).json()).toEqual({ userId: null, theme: "light" });
    expect(lines.some((l) => l.msg.includes("does not match the session schema"))).toBe(true);
  });

  test("a schema that rejects an empty session fails at startup", () => {
    expect(
      () => new App({ secretKey: SECRET, session: { schema: z.object({ userId: z.int() }) } }),
    ).toThrow("make every field optional or give it a default");
  });

  test("ctx.session without a secret key says how to configure one", async () => {
    const app = new App();
    app.get("/", ({ session }) => session.count ?? 0);
    const client = new TestClient(app, { raiseServerExceptions: true });
    await expect(client.get("/")).rejects.toThrow("ctx.session needs a secret key");
  });

  test("dependencies and middleware see the same session as the handler", async () => {
    const app = new App({ secretKey: SECRET, csrf: false });
    app.use(async (ctx, next) => {
      (ctx.session as Record<string, unknown>).seen = true;
      return next();
    });
    app.get("/", ({ session }) => ({ seen: session.seen }));
    expect((await new TestClient(app).get("/")).json()).toEqual({ seen: true });
  });
});

describe("flash messages", () => {
  test("messages are read once, with categories when asked", async () => {
    const app = new App({ secretKey: SECRET, csrf: false });
    app.post("/save", ({ session }) => {
      session.flash("Saved.");
      session.flash("Title is required.", "error");
    });
    app.get("/show", ({ session }) => ({
      all: session.getFlashedMessages({ withCategories: true }),
      again: session.getFlashedMessages(),
    }));
    app.get("/errors", ({ session }) => session.getFlashedMessages({ categoryFilter: ["error"] }));
    const client = new TestClient(app);
    await client.post("/save");
    expect((await client.get("/show")).json()).toEqual({
      all: [
        ["message", "Saved."],
        ["error", "Title is required."],
      ],
      again: ["Saved.", "Title is required."],
    });
    expect((await client.get("/show")).json()).toEqual({ all: [], again: [] });
    await client.post("/save");
    expect((await client.get("/errors")).json()).toEqual(["Title is required."]);
  });
});

describe("server-side sessions", () => {
  test("the cookie holds a signed id; the data stays in the store", async () => {
    const store = new MemoryStore();
    const client = new TestClient(counterApp({ session: { store }, csrf: false }));
    await client.get("/count");
    await client.get("/count");
    const cookie = client.cookies.get("session")!;
    expect(Buffer.from(cookie.split(".")[0]!, "base64url").toString()).not.toContain("count");
    expect(store.size).toBe(1);
    expect((await client.get("/peek")).json()).toEqual({ count: 2 });
  });

  test("clear() removes the stored session; a new one gets a new id", async () => {
    const store = new MemoryStore();
    const client = new TestClient(counterApp({ session: { store }, csrf: false }));
    await client.get("/count");
    const first = client.cookies.get("session");
    await client.post("/logout");
    expect(store.size).toBe(0);
    expect(client.cookies.get("session")).toBeUndefined();
    await client.get("/count");
    expect(client.cookies.get("session")).not.toBe(first);
  });

  test("an unknown id is an empty session, logged", async () => {
    const { logger, lines } = capturingLogger();
    const store = new MemoryStore();
    const client = new TestClient(counterApp({ session: { store }, logger }));
    await client.get("/count");
    const id = client.cookies.get("session")!;
    const other = new TestClient(counterApp({ session: { store: new MemoryStore() }, logger }));
    other.cookies.set("session", id);
    expect((await other.get("/peek")).json()).toEqual({ count: null });
    expect(lines.some((l) => l.msg.includes("unknown or expired id"))).toBe(true);
  });
});

test("a server-side session is loaded for unmatched requests too (404 pages, middleware)", async () => {
  const store = new MemoryStore();
  const app = counterApp({ session: { store } });
  app.use(async (ctx, next) => {
    const response = await next();
    response.headers.set("x-count", String(ctx.session.count ?? "none"));
    return response;
  });
  const client = new TestClient(app);
  await client.get("/count");
  const res = await client.get("/missing");
  expect(res.status).toBe(404);
  expect(res.headers.get("x-count")).toBe("1");
});

test("the cookie is Secure when the request came over HTTPS", async () => {
  const dir = mkdtempSync(join(tmpdir(), "vial-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
        ...["-subj", "/CN=localhost", "-days", "1", "-keyout", join(dir, "key.pem")],
        ...["-out", join(dir, "cert.pem")],
      ],
      { stdio: "ignore" },
    );
    const app = counterApp();
    const server = createServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      app.handler,
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const cookie = await new Promise<string | undefined>((resolve, reject) => {
      const req = httpsRequest(
        { host: "127.0.0.1", port, path: "/count", rejectUnauthorized: false },
        (res) => {
          res.resume();
          resolve(res.headers["set-cookie"]?.[0]);
        },
      );
      req.on("error", reject);
      req.end();
    });
    server.close();
    expect(cookie).toMatch(/; Secure; SameSite=Lax$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a session cookie over 4 KB is logged with the fix", async () => {
  const { logger, lines } = capturingLogger();
  const app = new App({ secretKey: SECRET, logger });
  app.get("/", ({ session }) => {
    session.notes = "n".repeat(5000);
  });
  await new TestClient(app).get("/");
  expect(lines.some((l) => l.msg.includes("use a server-side store (session: { store })"))).toBe(
    true,
  );
});

test("MemoryStore forgets sessions past their max age", () => {
  vi.useFakeTimers();
  try {
    const store = new MemoryStore(3);
    store.set("a", { d: { n: 1 } }, 10);
    expect(store.get("a")).toEqual({ d: { n: 1 } });
    vi.advanceTimersByTime(11_000);
    expect(store.get("a")).toBeUndefined();
    store.set("b", {}, 1);
    vi.advanceTimersByTime(2_000);
    store.set("c", {}, 100); // every third write sweeps
    expect(store.size).toBe(1);
  } finally {
    vi.useRealTimers();
  }
});
