import { App, HTMLResponse, HTTPException, JSONResponse, RequestValidationError, z } from "vial";
import { describe, expect, test } from "vitest";
import { clientsFor, memoryLogger, TRANSPORTS } from "../helpers.js";

class PaymentRequired extends Error {}
class CardDeclined extends PaymentRequired {}

describe.each(TRANSPORTS)("errors (%s)", (transport) => {
  const client = clientsFor(transport);

  test("HTTPException: {detail} with its status and headers", async () => {
    const app = new App();
    app.get("/item", () => {
      throw new HTTPException(404, "Item not found");
    });
    app.get("/auth", () => {
      throw new HTTPException(401, "Not authenticated", { "WWW-Authenticate": "Bearer" });
    });
    app.get("/rich", () => {
      throw new HTTPException(400, { code: "E1", fields: ["a"] });
    });
    app.get("/plain", () => {
      throw new HTTPException(418);
    });
    const c = client(app);
    const item = await c.get("/item");
    expect([item.status, item.json()]).toEqual([404, { detail: "Item not found" }]);
    const auth = await c.get("/auth");
    expect([auth.status, auth.headers.get("www-authenticate"), auth.json()]).toEqual([
      401,
      "Bearer",
      { detail: "Not authenticated" },
    ]);
    expect((await c.get("/rich")).json()).toEqual({ detail: { code: "E1", fields: ["a"] } });
    expect((await c.get("/plain")).json()).toEqual({ detail: "I'm a Teapot" });
  });

  test("an unhandled error is a 500 without a stack, logged with the request id; the next request is served", async () => {
    const logger = memoryLogger();
    const app = new App({ logger });
    app.get("/boom", () => {
      throw new Error("database exploded");
    });
    app.get("/reject", async () => Promise.reject(new TypeError("async boom")));
    app.get("/ok", () => "fine");
    const c = client(app);
    const res = await c.get("/boom", { headers: { "x-request-id": "req-123" } });
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ detail: "Internal Server Error" });
    expect(res.text()).not.toMatch(/exploded|at /);
    const line = logger.lines.find((l) => l.level === "error");
    expect(line?.obj.requestId).toBe("req-123");
    expect(line?.msg).toMatch(/GET \/boom/);
    expect((line?.obj.err as Error | undefined)?.message).toBe("database exploded");
    expect((await c.get("/reject")).status).toBe(500);
    expect((await c.get("/ok")).text()).toBe("fine");
  });

  test("exceptionHandler by status overrides the default, 404 and 405 included", async () => {
    const app = new App();
    app.get("/only-get", () => 1);
    app.exceptionHandler(
      404,
      (error: HTTPException) =>
        new JSONResponse({ error: "nothing", was: error.detail }, { status: 404 }),
    );
    app.exceptionHandler(
      405,
      (_error, { request }) => new HTMLResponse(`<p>no ${request.method}</p>`, { status: 405 }),
    );
    const c = client(app);
    expect((await c.get("/missing")).json()).toEqual({ error: "nothing", was: "Not Found" });
    const res = await c.post("/only-get");
    expect([res.status, res.text()]).toEqual([405, "<p>no POST</p>"]);
  });

  test("exceptionHandler by class matches subclasses; the closest class wins", async () => {
    const app = new App();
    app.exceptionHandler(PaymentRequired, () => new JSONResponse({ pay: true }, { status: 402 }));
    app.exceptionHandler(
      CardDeclined,
      (error: CardDeclined) => new JSONResponse({ declined: error.message }, { status: 402 }),
    );
    app.get("/pay", () => {
      throw new PaymentRequired("x");
    });
    app.get("/card", () => {
      throw new CardDeclined("insufficient funds");
    });
    const c = client(app);
    expect((await c.get("/pay")).json()).toEqual({ pay: true });
    expect((await c.get("/card")).json()).toEqual({ declined: "insufficient funds" });
  });

  test("RequestValidationError can be answered differently (errors and body available)", async () => {
    const app = new App();
    app.exceptionHandler(
      RequestValidationError,
      (error: RequestValidationError) =>
        new JSONResponse(
          { problems: error.errors.map((e) => e.loc.join(".")), received: error.body },
          { status: 400 },
        ),
    );
    app.post("/u", { body: z.object({ age: z.int() }) }, ({ body }) => body);
    const res = await client(app).post("/u", { json: { age: "x" } });
    expect([res.status, res.json()]).toEqual([
      400,
      { problems: ["body.age"], received: { age: "x" } },
    ]);
  });

  test("exceptionHandler(500) and exceptionHandler(Error) answer unhandled errors", async () => {
    const app = new App();
    app.exceptionHandler(500, (error: Error) => ({ oops: error.message }));
    app.get("/x", () => {
      throw new Error("bad");
    });
    const res = await client(app).get("/x");
    expect(res.json()).toEqual({ oops: "bad" });
  });

  test("an exception handler that throws falls back to the default 500", async () => {
    const app = new App();
    app.exceptionHandler(Error, () => {
      throw new Error("handler broke");
    });
    app.get("/x", () => {
      throw new Error("bad");
    });
    const res = await client(app).get("/x");
    expect([res.status, res.json()]).toEqual([500, { detail: "Internal Server Error" }]);
  });

  test("HTTPException with 304 or 204 sends no body", async () => {
    const app = new App();
    app.get("/nm", () => {
      throw new HTTPException(304);
    });
    const res = await client(app).get("/nm");
    expect(res.status).toBe(304);
    expect(res.body.length).toBe(0);
  });
});
