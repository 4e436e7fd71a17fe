import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";
import { createApp } from "../../examples/background-job/app.js";
import { UserStore } from "../../examples/users/store.js";

const people = (n: number, prefix = "user") =>
  Array.from({ length: n }, (_, i) => ({
    username: `${prefix}${i}`,
    email: `${prefix}${i}@example.com`,
    age: 20 + (i % 50),
  }));

function tempDatabase(): string {
  return join(mkdtempSync(join(tmpdir(), "vial-imports-")), "users.db");
}

describe("background-job example", () => {
  test("an import is accepted at once and written to the users database by a background task", async () => {
    const database = tempDatabase();
    const client = new TestClient(createApp(database));
    const res = await client.post("/imports/", {
      json: { users: [...people(3), { username: "user1", email: "dup@example.com", age: 5 }] },
    });
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({
      id: 1,
      status: "queued",
      total: 4,
      created: 0,
      skipped: 0,
      error: null,
    });
    // the test client returns once background work is done
    const job = await client.get("/imports/1");
    expect(job.json()).toEqual({
      id: 1,
      status: "done",
      total: 4,
      created: 3,
      skipped: 1,
      error: null,
    });
    await client.close();
    const users = new UserStore(database);
    expect(users.list(0, 10).map((u) => u.username)).toEqual(["user0", "user1", "user2"]);
    users.close();
  });

  test("invalid imports are refused with 422 and start nothing", async () => {
    const client = new TestClient(createApp(tempDatabase()));
    const res = await client.post("/imports/", { json: { users: [{ username: "x" }] } });
    expect(res.status).toBe(422);
    expect(res.json().detail.map((e: { loc: unknown[] }) => e.loc)).toEqual([
      ["body", "users", 0, "username"],
      ["body", "users", 0, "email"],
      ["body", "users", 0, "age"],
    ]);
    expect((await client.get("/imports/1")).status).toBe(404);
    await client.close();
  });

  test("SIGTERM right after an import: the server stops, the import still finishes", async () => {
    const database = tempDatabase();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=vial-src", "examples/background-job/main.ts"],
      {
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, PORT: "0", USERS_DB: database, VIAL_LOG_LEVEL: "info" },
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (chunk: Buffer) => {
          out += chunk;
          const found = out.match(/Vial running on (http:\/\/[\d.:]+)/);
          if (found) resolve(found[1]!);
        });
        child.once("exit", () => reject(new Error(`exited before listening: ${out}`)));
      });
      const res = await fetch(`${url}/imports/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ users: people(3000) }),
      });
      expect(res.status).toBe(202);
      const exited = new Promise((resolve) => child.once("exit", (_, signal) => resolve(signal)));
      child.kill("SIGTERM");
      expect(await exited).toBe("SIGTERM");
      const users = new UserStore(database);
      expect(users.list(0, 5000)).toHaveLength(3000);
      users.close();
    } finally {
      child.kill("SIGKILL");
    }
  });
});
