import { App, z } from "vial";
import { describe, expect, test } from "vitest";
import { clientsFor, TRANSPORTS } from "../helpers.js";

describe.each(TRANSPORTS)("inputs (%s)", (transport) => {
  const client = clientsFor(transport);

  test("query values are coerced by each field's type", async () => {
    const app = new App();
    app.get(
      "/q",
      {
        query: {
          n: z.int(),
          f: z.number(),
          b: z.boolean(),
          s: z.string(),
          tags: z.array(z.string()),
          ids: z.array(z.int()).optional(),
          kind: z.enum(["a", "b"]).default("a"),
          opt: z.string().optional(),
          maybe: z.int().nullable().optional(),
        },
      },
      ({ query }) => query,
    );
    const res = await client(app).get("/q?n=42&f=2.5&b=on&s=hi&tags=x&tags=y&ids=1&ids=2");
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      n: 42,
      f: 2.5,
      b: true,
      s: "hi",
      tags: ["x", "y"],
      ids: [1, 2],
      kind: "a",
    });
  });

  test("one value for an array field is a one-item array", async () => {
    const app = new App();
    app.get("/q", { query: { tag: z.array(z.string()) } }, ({ query }) => query.tag);
    expect((await client(app).get("/q?tag=solo")).json()).toEqual(["solo"]);
  });

  test("a z.object query schema works like the record form; undeclared keys are ignored", async () => {
    const app = new App();
    app.get(
      "/q",
      { query: z.object({ limit: z.int().max(100).default(10) }) },
      ({ query }) => query,
    );
    const c = client(app);
    expect((await c.get("/q?other=1")).json()).toEqual({ limit: 10 });
    expect((await c.get("/q?limit=5")).json()).toEqual({ limit: 5 });
  });

  test("a strict query object reports undeclared keys as extra_forbidden", async () => {
    const app = new App();
    app.get("/q", { query: z.strictObject({ a: z.string().optional() }) }, ({ query }) => query);
    const res = await client(app).get("/q?zzz=1");
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual([
      {
        type: "extra_forbidden",
        loc: ["query", "zzz"],
        msg: "Extra inputs are not permitted",
        input: "1",
      },
    ]);
  });

  test("every error is listed, in FastAPI's format, with the raw input", async () => {
    const app = new App();
    app.get(
      "/users/{id}",
      {
        params: { id: z.int() },
        query: { limit: z.int().max(100), verbose: z.boolean(), q: z.string().min(2) },
      },
      () => "never",
    );
    const res = await client(app).get("/users/abc?limit=500&verbose=maybe&q=x");
    expect(res.status).toBe(422);
    expect(res.json()).toEqual({
      detail: [
        {
          type: "int_parsing",
          loc: ["path", "id"],
          msg: "Input should be a valid integer, unable to parse string as an integer",
          input: "abc",
        },
        {
          type: "less_than_equal",
          loc: ["query", "limit"],
          msg: "Input should be less than or equal to 100",
          input: "500",
          ctx: { le: 100 },
        },
        {
          type: "bool_parsing",
          loc: ["query", "verbose"],
          msg: "Input should be a valid boolean, unable to interpret input",
          input: "maybe",
        },
        {
          type: "string_too_short",
          loc: ["query", "q"],
          msg: "String should have at least 2 characters",
          input: "x",
          ctx: { min_length: 2 },
        },
      ],
    });
  });

  test("missing required inputs: type missing, input null", async () => {
    const app = new App();
    app.get(
      "/m",
      { query: { a: z.string() }, headers: { x_token: z.string() }, cookies: { sid: z.string() } },
      () => 1,
    );
    const res = await client(app).get("/m");
    expect(res.json().detail).toEqual([
      { type: "missing", loc: ["query", "a"], msg: "Field required", input: null },
      { type: "missing", loc: ["header", "x-token"], msg: "Field required", input: null },
      { type: "missing", loc: ["cookie", "sid"], msg: "Field required", input: null },
    ]);
  });

  test("headers: x_token and 'x-token' both read X-Token; repeated headers fill arrays", async () => {
    const app = new App();
    app.get(
      "/h",
      {
        headers: {
          x_token: z.string(),
          "x-count": z.int(),
          x_trace: z.string().optional(),
          x_tag: z.array(z.string()),
        },
      },
      ({ headers }) => headers,
    );
    const res = await client(app).get("/h", {
      headers: { "X-Token": "secret", "X-Count": "3", "X-Tag": "a" },
    });
    expect(res.json()).toEqual({ x_token: "secret", "x-count": 3, x_tag: ["a"] });
    const bad = await client(app).get("/h", {
      headers: { "X-Token": "s", "X-Count": "three", "X-Tag": "a" },
    });
    expect(bad.json().detail[0]).toMatchObject({
      type: "int_parsing",
      loc: ["header", "x-count"],
      input: "three",
    });
  });

  test("cookies are parsed and typed", async () => {
    const app = new App();
    app.get(
      "/c",
      { cookies: { session: z.string(), visits: z.int().default(0) } },
      ({ cookies }) => cookies,
    );
    const res = await client(app).get("/c", {
      headers: { cookie: "session=abc; visits=3; other=x" },
    });
    expect(res.json()).toEqual({ session: "abc", visits: 3 });
  });

  test("enum and literal errors name the allowed values", async () => {
    const app = new App();
    app.get("/e", { query: { kind: z.enum(["a", "b", "c"]), one: z.literal("x") } }, () => 1);
    const res = await client(app).get("/e?kind=d&one=y");
    expect(res.json().detail).toEqual([
      {
        type: "enum",
        loc: ["query", "kind"],
        msg: "Input should be 'a', 'b' or 'c'",
        input: "d",
        ctx: { expected: "'a', 'b' or 'c'" },
      },
      {
        type: "literal_error",
        loc: ["query", "one"],
        msg: "Input should be 'x'",
        input: "y",
        ctx: { expected: "'x'" },
      },
    ]);
  });

  test("JSON body: validated strictly, errors at their path, all listed", async () => {
    const app = new App();
    const Item = z.object({
      name: z.string().max(5),
      price: z.number().gt(0),
      tags: z.array(z.string()).max(2),
      code: z.string().regex(/^[A-Z]+$/),
      owner: z.object({ email: z.email() }),
    });
    app.post("/items", { body: Item }, ({ body }) => body);
    const res = await client(app).post("/items", {
      json: {
        name: "toolong",
        price: "50.5",
        tags: ["a", "b", "c"],
        code: "abc",
        owner: { email: "x" },
      },
    });
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual([
      {
        type: "string_too_long",
        loc: ["body", "name"],
        msg: "String should have at most 5 characters",
        input: "toolong",
        ctx: { max_length: 5 },
      },
      {
        type: "float_type",
        loc: ["body", "price"],
        msg: "Input should be a valid number",
        input: "50.5",
      },
      {
        type: "too_long",
        loc: ["body", "tags"],
        msg: "List should have at most 2 items after validation, not 3",
        input: ["a", "b", "c"],
        ctx: { field_type: "List", max_length: 2, actual_length: 3 },
      },
      {
        type: "string_pattern_mismatch",
        loc: ["body", "code"],
        msg: "String should match pattern '^[A-Z]+$'",
        input: "abc",
        ctx: { pattern: "^[A-Z]+$" },
      },
      {
        type: "value_error",
        loc: ["body", "owner", "email"],
        msg: "value is not a valid email address",
        input: "x",
      },
    ]);
  });

  test("JSON body: a missing field reports the object as input; an int gets int_type", async () => {
    const app = new App();
    app.post("/u", { body: z.object({ username: z.string(), age: z.int() }) }, ({ body }) => body);
    const res = await client(app).post("/u", { json: { age: "thirty" } });
    expect(res.json().detail).toEqual([
      {
        type: "missing",
        loc: ["body", "username"],
        msg: "Field required",
        input: { age: "thirty" },
      },
      {
        type: "int_type",
        loc: ["body", "age"],
        msg: "Input should be a valid integer",
        input: "thirty",
      },
    ]);
    const float = await client(app).post("/u", { json: { username: "a", age: 1.5 } });
    expect(float.json().detail[0]).toMatchObject({
      type: "int_from_float",
      loc: ["body", "age"],
      input: 1.5,
    });
  });

  test("JSON body: not an object, empty, +json media types", async () => {
    const app = new App();
    app.post("/b", { body: z.object({ a: z.int() }) }, ({ body }) => body);
    const c = client(app);
    const list = await c.post("/b", { json: [1] });
    expect(list.json().detail).toEqual([
      {
        type: "model_attributes_type",
        loc: ["body"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        input: [1],
      },
    ]);
    const empty = await c.post("/b", { headers: { "content-type": "application/json" } });
    expect(empty.json().detail).toEqual([
      { type: "missing", loc: ["body"], msg: "Field required", input: null },
    ]);
    const merge = await c.post("/b", {
      body: '{"a": 2}',
      headers: { "content-type": "application/merge-patch+json" },
    });
    expect(merge.json()).toEqual({ a: 2 });
    const charset = await c.post("/b", {
      body: '{"a": 3}',
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expect(charset.json()).toEqual({ a: 3 });
  });

  test("custom messages from the schema are kept", async () => {
    const app = new App();
    app.post(
      "/p",
      {
        body: z.object({
          pw: z.string().min(8, "Password too short"),
          same: z.string().refine((v) => v === "yes", "Say yes"),
        }),
      },
      () => 1,
    );
    const res = await client(app).post("/p", { json: { pw: "x", same: "no" } });
    expect(res.json().detail).toEqual([
      {
        type: "string_too_short",
        loc: ["body", "pw"],
        msg: "Password too short",
        input: "x",
        ctx: { min_length: 8 },
      },
      {
        type: "value_error",
        loc: ["body", "same"],
        msg: "Say yes",
        input: "no",
        ctx: { error: {} },
      },
    ]);
  });

  test("a body declared as a record of fields", async () => {
    const app = new App();
    app.post("/r", { body: { name: z.string(), qty: z.int().default(1) } }, ({ body }) => body);
    expect((await client(app).post("/r", { json: { name: "x" } })).json()).toEqual({
      name: "x",
      qty: 1,
    });
  });

  test("urlencoded form fields are coerced like query values", async () => {
    const app = new App();
    app.post(
      "/login",
      { form: { username: z.string(), remember: z.boolean().default(false), n: z.int() } },
      ({ form }) => form,
    );
    const c = client(app);
    expect(
      (await c.post("/login", { form: { username: "ann", remember: "on", n: "3" } })).json(),
    ).toEqual({
      username: "ann",
      remember: true,
      n: 3,
    });
    const res = await c.post("/login", { form: { n: "x" } });
    expect(res.json().detail).toEqual([
      { type: "missing", loc: ["body", "username"], msg: "Field required", input: null },
      {
        type: "int_parsing",
        loc: ["body", "n"],
        msg: "Input should be a valid integer, unable to parse string as an integer",
        input: "x",
      },
    ]);
  });

  test("multipart form fields are read too", async () => {
    const app = new App();
    app.post("/m", { form: { title: z.string(), count: z.int() } }, ({ form }) => form);
    const boundary = "----vialtest";
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="title"',
      "",
      "Hello",
      `--${boundary}`,
      'Content-Disposition: form-data; name="count"',
      "",
      "7",
      `--${boundary}--`,
      "",
    ].join("\r\n");
    const res = await client(app).post("/m", {
      body,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    });
    expect(res.json()).toEqual({ title: "Hello", count: 7 });
  });

  test("path, query, header, cookie and body errors come in that order", async () => {
    const app = new App();
    app.post(
      "/o/{id}",
      {
        params: { id: z.int() },
        query: { q: z.int() },
        headers: { h: z.int() },
        cookies: { c: z.int() },
        body: z.object({ b: z.int() }),
      },
      () => 1,
    );
    const res = await client(app).post("/o/x?q=x", {
      json: { b: "x" },
      headers: { h: "x", cookie: "c=x" },
    });
    expect(res.json().detail.map((e: { loc: unknown[] }) => e.loc[0])).toEqual([
      "path",
      "query",
      "header",
      "cookie",
      "body",
    ]);
  });

  test("async refinements are awaited", async () => {
    const app = new App();
    const taken = new Set(["bob"]);
    app.post(
      "/signup",
      { body: z.object({ name: z.string().refine(async (n) => !taken.has(n), "Name taken") }) },
      ({ body }) => body,
    );
    const c = client(app);
    expect((await c.post("/signup", { json: { name: "amy" } })).json()).toEqual({ name: "amy" });
    const res = await c.post("/signup", { json: { name: "bob" } });
    expect(res.status).toBe(422);
    expect(res.json().detail[0]).toMatchObject({ loc: ["body", "name"], msg: "Name taken" });
  });

  test("transforms run: handlers get the schema's output", async () => {
    const app = new App();
    app.get(
      "/t",
      { query: { csv: z.string().transform((s) => s.split(",")) } },
      ({ query }) => query.csv,
    );
    expect((await client(app).get("/t?csv=a,b")).json()).toEqual(["a", "b"]);
  });

  test("request gives raw access to undeclared inputs", async () => {
    const app = new App();
    app.post("/raw", async ({ request }) => ({
      method: request.method,
      path: request.path,
      query: request.query,
      cookie: request.cookies.a,
      ua: request.headers["x-ua"],
      text: await request.text(),
    }));
    const res = await client(app).post("/raw?x=1&x=2", {
      body: "hello",
      headers: { "x-ua": "t", cookie: "a=b" },
    });
    expect(res.json()).toEqual({
      method: "POST",
      path: "/raw",
      query: { x: ["1", "2"] },
      cookie: "b",
      ua: "t",
      text: "hello",
    });
  });
});
