import { App, depends, HTTPException, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

describe("inputs declared by dependencies", () => {
  test("are validated and reported in the 422 exactly as the route's own, all errors listed", async () => {
    const app = new App();
    const paging = depends(
      { query: { limit: z.int().max(100) }, headers: { x_tenant: z.string().min(2) } },
      ({ query, headers }) => ({ ...query, tenant: headers.x_tenant }),
    );
    const session = depends({ cookies: { sid: z.string() } }, ({ cookies }) => cookies.sid);
    app.get("/items/{id}", { params: { id: z.int() }, deps: { paging, sid: session } }, (ctx) => ({
      id: ctx.params.id,
      ...ctx.paging,
      session: ctx.sid,
    }));
    const client = new TestClient(app);
    const bad = await client.get("/items/x?limit=500", { headers: { "x-tenant": "a" } });
    expect(bad.status).toBe(422);
    expect(bad.json()).toEqual({
      detail: [
        {
          type: "less_than_equal",
          loc: ["query", "limit"],
          msg: "Input should be less than or equal to 100",
          input: "500",
          ctx: { le: 100 },
        },
        {
          type: "string_too_short",
          loc: ["header", "x-tenant"],
          msg: "String should have at least 2 characters",
          input: "a",
          ctx: { min_length: 2 },
        },
        { type: "missing", loc: ["cookie", "sid"], msg: "Field required", input: null },
        {
          type: "int_parsing",
          loc: ["path", "id"],
          msg: "Input should be a valid integer, unable to parse string as an integer",
          input: "x",
        },
      ],
    });
    const good = await client.get("/items/7?limit=5", {
      headers: { "x-tenant": "acme" },
      cookies: { sid: "s1" },
    });
    expect(good.json()).toEqual({ id: 7, limit: 5, tenant: "acme", session: "s1" });
  });

  test("a dependency can read the JSON body", async () => {
    const app = new App();
    const author = depends({ body: z.object({ author: z.string() }) }, ({ body }) => body.author);
    app.post("/posts", { deps: { author } }, ({ author }) => ({ author }));
    const client = new TestClient(app);
    expect((await client.post("/posts", { json: { author: "ann" } })).json()).toEqual({
      author: "ann",
    });
    const res = await client.post("/posts", { json: { author: 3 } });
    expect(res.status).toBe(422);
    expect(res.json().detail[0]).toMatchObject({ type: "string_type", loc: ["body", "author"] });
  });

  test("a dependency's HTTPException wins over a 422 for another input", async () => {
    const app = new App();
    const auth = depends({ headers: { authorization: z.string().optional() } }, ({ headers }) => {
      if (!headers.authorization) throw new HTTPException(401, "Not authenticated");
      return headers.authorization;
    });
    app.get("/", { deps: { auth }, query: { n: z.int() } }, ({ query }) => query);
    const res = await new TestClient(app).get("/?n=abc");
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ detail: "Not authenticated" });
  });

  test("a dependency runs as soon as its own inputs are valid, even after another one failed", async () => {
    const app = new App();
    const first = depends({ query: { n: z.int() } }, ({ query }) => query.n);
    const second = depends(() => {
      throw new HTTPException(403, "Not allowed");
    });
    app.get("/", { deps: { first, second } }, () => "never");
    const res = await new TestClient(app).get("/?n=abc");
    expect(res.status).toBe(403);
    expect(res.json()).toEqual({ detail: "Not allowed" });
  });

  test("a dependency and a route reading a JSON body and a form together is refused at startup", async () => {
    const app = new App();
    const fromForm = depends({ form: { name: z.string() } }, ({ form }) => form.name);
    app.post("/mixed", { deps: { fromForm }, body: { a: z.string() } }, () => "never");
    await expect(app.startup()).rejects.toThrow(
      "Route POST /mixed: its dependencies read both a JSON `body` and a `form`",
    );
  });
});
