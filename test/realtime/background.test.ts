import { App, depends, HTTPException, JSONResponse, z } from "vial";
import { TestClient } from "vial/testing";
import { afterEach, describe, expect, test } from "vitest";
import { captureLogger, serve, sleep } from "./helpers.js";

const apps: App<any>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

describe("background tasks", () => {
  test("the DESIGN.md example: tasks run with their arguments after the response is sent", async () => {
    const app = new App();
    apps.push(app);
    const done: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function processHeavyTask(n: number) {
      await released; // only the test, once it has the response, lets the task finish
      done.push(`processed ${n}`);
    }
    app.post("/process/", ({ background }) => {
      background.add(processHeavyTask, 42);
      return { message: "Processing started" };
    });
    const { url } = await serve(app);
    const answer = fetch(`${url}/process/`, { method: "POST" }).then((res) => res.json());
    const first = await Promise.race([answer, sleep(3000).then(() => "no response")]);
    expect(first).toEqual({ message: "Processing started" });
    expect(done).toEqual([]);
    release();
    await app.idle();
    expect(done).toEqual(["processed 42"]);
  });

  test("tasks run in the order added, one at a time, those from dependencies included", async () => {
    const app = new App();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await sleep(ms);
      log.push(`${name} end`);
    };
    const audited = depends(({ background }) => {
      background.add(step("audit", 20));
    });
    app.post("/orders", { deps: [audited] }, ({ background }) => {
      background.add(step("email", 30));
      background.add(step("invoice", 1));
      return { ok: true };
    });
    const res = await new TestClient(app).post("/orders");
    expect(res.json()).toEqual({ ok: true });
    // the test client returns once after-response work is done
    expect(log).toEqual([
      "audit start",
      "audit end",
      "email start",
      "email end",
      "invoice start",
      "invoice end",
    ]);
  });

  test("a task that throws is logged with the request id; the next task and later requests are unaffected", async () => {
    const log = captureLogger();
    const app = new App({ logger: log.logger });
    const done: string[] = [];
    app.post("/signup", ({ background }) => {
      background.add(function sendWelcomeEmail() {
        throw new Error("SMTP refused");
      });
      background.add(function recordSignup() {
        done.push("recorded");
      });
      return { ok: true };
    });
    app.get("/health", () => ({ ok: true }));
    const client = new TestClient(app);
    const res = await client.post("/signup", { headers: { "x-request-id": "signup-7" } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    expect(done).toEqual(["recorded"]);
    expect(log.find("Background task failed", 50)).toEqual([
      expect.objectContaining({
        requestId: "signup-7",
        task: "sendWelcomeEmail",
        err: expect.objectContaining({ message: "SMTP refused" }),
      }),
    ]);
    expect((await client.get("/health")).json()).toEqual({ ok: true });
    expect((await client.post("/signup")).status).toBe(200);
    expect(done).toEqual(["recorded", "recorded"]);
  });

  test("when the handler throws, its tasks are dropped and named in a warning that says how to keep them", async () => {
    const log = captureLogger();
    const app = new App({ logger: log.logger });
    const ran: string[] = [];
    app.post("/verify/{token}", ({ params, background }) => {
      background.add(function resendVerification() {
        ran.push("resend");
      });
      if (params.token !== "good") throw new HTTPException(400, "Token not valid");
      return { ok: true };
    });
    const client = new TestClient(app);
    const res = await client.post("/verify/bad", { headers: { "x-request-id": "r-1" } });
    expect(res.status).toBe(400);
    expect(ran).toEqual([]);
    const [warning] = log.find("Background tasks dropped");
    expect(warning).toMatchObject({ requestId: "r-1", tasks: ["resendVerification"] });
    expect(warning!.msg).toBe(
      "Background tasks dropped: the handler failed (resendVerification). Tasks run only after a handler returns; " +
        "to answer with an error and still run them, return the error response " +
        "(return new JSONResponse({ detail }, { status: 400 })) instead of throwing.",
    );
  });

  test("returning an error response keeps the tasks (the fix the warning gives)", async () => {
    const app = new App();
    const ran: string[] = [];
    app.post("/verify/{token}", ({ params, background }) => {
      background.add(() => {
        ran.push("resend");
      });
      if (params.token !== "good") {
        return new JSONResponse({ detail: "Token not valid" }, { status: 400 });
      }
      return { ok: true };
    });
    const res = await new TestClient(app).post("/verify/bad");
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ detail: "Token not valid" });
    expect(ran).toEqual(["resend"]);
  });

  test("tasks a dependency added are dropped when validation fails, also behind middleware", async () => {
    const log = captureLogger();
    const app = new App({ logger: log.logger });
    app.use(async (_ctx, next) => next());
    const ran: string[] = [];
    const tracked = depends(({ background }) => {
      background.add(function track() {
        ran.push("track");
      });
    });
    app.get("/items", { deps: [tracked], query: { page: z.int() } }, () => ({ ok: true }));
    const res = await new TestClient(app).get("/items", { query: { page: "x" } });
    expect(res.status).toBe(422);
    expect(ran).toEqual([]);
    expect(log.find("Background tasks dropped")[0]).toMatchObject({ tasks: ["track"] });
  });

  test("app.close() waits for running tasks, and logs the ones cut short at the timeout", async () => {
    const log = captureLogger();
    const app = new App({ logger: log.logger, shutdownTimeout: 300 });
    const done: string[] = [];
    app.post("/quick", ({ background }) => {
      background.add(async () => {
        await sleep(100);
        done.push("quick");
      });
    });
    app.post("/endless", ({ background }) => {
      background.add(() => sleep(5000));
    });
    const { url } = await serve(app);
    await fetch(`${url}/quick`, { method: "POST" });
    await app.close();
    expect(done).toEqual(["quick"]);
    expect(log.find("cut short")).toEqual([]);

    const { url: again } = await serve(app);
    await fetch(`${again}/endless`, { method: "POST" });
    const closing = Date.now();
    await app.close();
    expect(Date.now() - closing).toBeGreaterThanOrEqual(290);
    expect(Date.now() - closing).toBeLessThan(1500);
    const [cut] = log.find("cut short");
    expect(cut?.msg).toMatch(
      /^Shutdown: after-response work still running after \d+ ms was cut short$/,
    );
    expect(cut?.pending).toBe(1);
  });
});
