import {
  App,
  type BaseContext,
  depends,
  HTMLResponse,
  JSONResponse,
  type RouteContext,
  Router,
  type VialRequest,
  z,
} from "vial";
import { describe, expectTypeOf, test } from "vitest";

const app = new App();

describe("handler context inference", () => {
  test("path parameters are inferred from the path when no schema is given", () => {
    app.get("/users/{id}/files/{rest:path}", ({ params }) => {
      expectTypeOf(params).toEqualTypeOf<{ id: string; rest: string }>();
      // @ts-expect-error: not in the path
      params.other;
    });
  });

  test("a params schema types its fields; the path's other parameters stay strings", () => {
    app.get("/orgs/{org}/users/{id}", { params: { id: z.int() } }, ({ params }) => {
      expectTypeOf(params.id).toEqualTypeOf<number>();
      expectTypeOf(params.org).toEqualTypeOf<string>();
    });
  });

  test("query, headers, cookies, body and form are typed from their schemas", () => {
    const User = z.object({ username: z.string(), age: z.int() });
    app.post(
      "/x",
      {
        query: { verbose: z.boolean().default(false), tag: z.array(z.string()).optional() },
        headers: { x_token: z.string() },
        cookies: { session: z.string().optional() },
        body: User,
      },
      ({ query, headers, cookies, body }) => {
        expectTypeOf(query.verbose).toEqualTypeOf<boolean>();
        expectTypeOf(query.tag).toEqualTypeOf<string[] | undefined>();
        expectTypeOf(headers.x_token).toEqualTypeOf<string>();
        expectTypeOf(cookies.session).toEqualTypeOf<string | undefined>();
        expectTypeOf(body).toEqualTypeOf<{ username: string; age: number }>();
        // @ts-expect-error: undeclared query field
        query.limit;
        // @ts-expect-error: undeclared body field
        body.email;
      },
    );
    app.post("/f", { form: { name: z.string() } }, ({ form }) => {
      expectTypeOf(form.name).toEqualTypeOf<string>();
    });
  });

  test("undeclared inputs have no fields to read", () => {
    app.get("/plain", ({ query, body, headers }) => {
      // @ts-expect-error: no query declared
      query.anything;
      // @ts-expect-error: no header declared
      headers.anything;
      expectTypeOf(body).toEqualTypeOf<undefined>();
    });
  });

  test("the base context is always there", () => {
    app.get("/base", (ctx) => {
      expectTypeOf(ctx.request).toEqualTypeOf<VialRequest>();
      expectTypeOf(ctx.state).toEqualTypeOf<Record<string, unknown>>();
      expectTypeOf(ctx.requestId).toEqualTypeOf<string>();
      expectTypeOf(ctx.response.setCookie).toBeFunction();
      expectTypeOf(ctx.background.add).toBeFunction();
    });
  });

  test("a misspelled option is an error", () => {
    // @ts-expect-error: 'respnse' is not an option
    app.get("/typo", { respnse: z.string() }, () => "x");
  });
});

describe("responses", () => {
  const Out = z.object({ id: z.int(), name: z.string().default("anon") });

  test("with a response schema the handler must return its input type (or a response)", () => {
    app.get("/ok", { response: Out }, () => ({ id: 1 }));
    app.get("/async", { response: Out }, async () => ({ id: 1, name: "x" }));
    app.get("/resp", { response: Out }, () => new JSONResponse({ id: 1 }));
    // @ts-expect-error: id must be a number
    app.get("/wrong", { response: Out }, () => ({ id: "1" }));
  });

  test("without one, anything may be returned", () => {
    app.get("/any", () => new HTMLResponse("<p>"));
    app.get("/any2", () => 42);
  });
});

describe("dependencies", () => {
  const getDb = depends(async function* () {
    yield { query: (sql: string) => sql.length };
  });
  const pagination = depends(
    { query: { skip: z.int().default(0), limit: z.int().default(10) } },
    ({ query }) => query,
  );
  const currentUser = depends({ db: getDb, page: pagination }, ({ db, page }) => ({
    name: "ann",
    n: db.query("x") + page.skip,
  }));

  test("deps record values are typed by key", () => {
    app.get("/me", { deps: { user: currentUser, page: pagination } }, ({ user, page }) => {
      expectTypeOf(user).toEqualTypeOf<{ name: string; n: number }>();
      expectTypeOf(page).toEqualTypeOf<{ skip: number; limit: number }>();
    });
  });

  test("a list of deps runs for effect and gives no values", () => {
    app.get("/effect", { deps: [currentUser] }, (ctx) => {
      // @ts-expect-error: effect-only deps give no value
      ctx.user;
    });
  });

  test("a reserved key cannot name a dependency", () => {
    // @ts-expect-error: 'body' is reserved
    app.get("/reserved", { deps: { body: currentUser } }, () => 1);
  });

  test("a router's deps record reaches its routes", () => {
    const items = new Router({ prefix: "/items", deps: { user: currentUser } });
    items.get("/{id}", { params: { id: z.int() } }, ({ params, user }) => {
      expectTypeOf(params.id).toEqualTypeOf<number>();
      expectTypeOf(user.name).toEqualTypeOf<string>();
    });
  });
});

describe("app state and helpers", () => {
  test("the lifespan's yield types app.state, also through ctx.app", () => {
    const typed = new App({
      lifespan: async function* () {
        yield { pool: { size: 3 } };
      },
    });
    expectTypeOf(typed.state.pool.size).toEqualTypeOf<number>();
    typed.get("/", ({ app }) => {
      expectTypeOf(app.state.pool.size).toEqualTypeOf<number>();
    });
  });

  test("RouteContext names a handler's context written apart from its route", () => {
    const options = { params: { id: z.int() }, query: { q: z.string().optional() } };
    function getUser({ params, query }: RouteContext<"/users/{id}", typeof options>) {
      expectTypeOf(params.id).toEqualTypeOf<number>();
      expectTypeOf(query.q).toEqualTypeOf<string | undefined>();
      return { id: params.id };
    }
    app.get("/users/{id}", options, getUser);
  });

  test("middleware gets the base context", () => {
    app.use(async (ctx, next) => {
      expectTypeOf(ctx).toMatchTypeOf<BaseContext>();
      const res = await next();
      res.headers.set("x", "1");
      return res;
    });
  });
});
