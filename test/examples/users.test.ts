import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestClient } from "vial/testing";
import { afterAll, describe, expect, test } from "vitest";
import { createApp } from "../../examples/users/app.js";

describe("examples/users: the demo", () => {
  const client = new TestClient(createApp(":memory:"));
  afterAll(() => client.close());
  const alice = { username: "alice", email: "alice@example.com", age: 30 };

  test("create, read, list with skip/limit, update, delete", async () => {
    const created = await client.post("/users/", { json: alice });
    expect(created.status).toBe(201);
    expect(created.json()).toEqual({ id: 1, ...alice });
    await client.post("/users/", { json: { username: "bob", email: "bob@example.com", age: 25 } });
    await client.post("/users/", {
      json: { username: "carol", email: "carol@example.com", age: 41 },
    });

    expect((await client.get("/users/1")).json()).toEqual({ id: 1, ...alice });
    const page = await client.get("/users/", { query: { skip: 1, limit: 1 } });
    expect(page.json()).toEqual([{ id: 2, username: "bob", email: "bob@example.com", age: 25 }]);
    expect((await client.get("/users/")).json()).toHaveLength(3);

    const patched = await client.patch("/users/2", { json: { age: 26 } });
    expect(patched.json()).toEqual({ id: 2, username: "bob", email: "bob@example.com", age: 26 });

    expect((await client.delete("/users/3")).status).toBe(204);
    expect((await client.get("/users/3")).status).toBe(404);
  });

  test("a taken username: 409", async () => {
    const res = await client.post("/users/", { json: alice });
    expect(res.status).toBe(409);
    expect(res.json()).toEqual({ detail: "Username 'alice' is already taken" });
    const rename = await client.patch("/users/2", { json: { username: "alice" } });
    expect(rename.status).toBe(409);
  });

  test("an unknown id: 404", async () => {
    for (const res of [
      await client.get("/users/99"),
      await client.patch("/users/99", { json: { age: 1 } }),
      await client.delete("/users/99"),
    ]) {
      expect(res.status).toBe(404);
      expect(res.json()).toEqual({ detail: "User not found" });
    }
  });

  test("invalid input: 422 listing every problem", async () => {
    const res = await client.post("/users/", {
      json: { username: "al", email: "not-an-email", age: -1 },
    });
    expect(res.status).toBe(422);
    expect(
      res.json().detail.map((e: { loc: string[]; type: string }) => [e.loc.join("."), e.type]),
    ).toEqual([
      ["body.username", "string_too_short"],
      ["body.email", "value_error"],
      ["body.age", "greater_than_equal"],
    ]);
    expect((await client.get("/users/abc")).json().detail[0].type).toBe("int_parsing");
    expect((await client.get("/users/", { query: { limit: 1000 } })).json().detail[0].loc).toEqual([
      "query",
      "limit",
    ]);
  });

  test("`npm run demo` serves the API on SQLite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vial-demo-"));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn("npm", ["run", "--silent", "demo"], {
      env: {
        ...process.env,
        PORT: String(port),
        USERS_DB: join(dir, "users.db"),
        NODE_ENV: "development",
        VIAL_LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so npm's children stop with it
    });
    try {
      let output = "";
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`demo did not start: ${output}`)), 15_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes(`http://127.0.0.1:${port}`)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
      });
      const base = `http://127.0.0.1:${port}`;
      const created = await fetch(`${base}/users/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(alice),
      });
      expect(created.status).toBe(201);
      expect(await (await fetch(`${base}/users/1`)).json()).toEqual({ id: 1, ...alice });
    } finally {
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid!, "SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
