import {
  App,
  type AppState,
  type Dependency,
  depends,
  Router,
  Security,
  SecurityScopes,
  z,
} from "vial";
import { describe, expectTypeOf, test } from "vitest";

interface Db {
  query(sql: string): string[];
}

const getDb = depends(async function* () {
  const db: Db = { query: () => [] };
  yield db;
});
const pagination = depends(
  { query: { skip: z.int().default(0), limit: z.int().max(100).default(10) } },
  ({ query }) => query,
);
const currentUser = depends(
  { db: getDb, headers: { x_user: z.string() } },
  async ({ db, headers }) => ({ name: headers.x_user, rows: db.query("select 1") }),
);

describe("dependency values", () => {
  test("are typed from what fn returns, awaits to, or yields", () => {
    expectTypeOf(depends(() => 1)).toEqualTypeOf<Dependency<number>>();
    expectTypeOf(depends(async () => "a")).toEqualTypeOf<Dependency<string>>();
    expectTypeOf(
      depends(function* () {
        yield true;
      }),
    ).toEqualTypeOf<Dependency<boolean>>();
    expectTypeOf(getDb).toEqualTypeOf<Dependency<Db>>();
    expectTypeOf(currentUser).toEqualTypeOf<Dependency<{ name: string; rows: string[] }>>();
  });

  test("reach the handler by key", () => {
    const app = new App();
    app.get("/me", { deps: { user: currentUser, page: pagination } }, ({ user, page }) => {
      expectTypeOf(user).toEqualTypeOf<{ name: string; rows: string[] }>();
      expectTypeOf(page).toEqualTypeOf<{ skip: number; limit: number }>();
      return user;
    });
  });

  test("the list form gives the handler no values", () => {
    const app = new App();
    app.get("/", { deps: [pagination] }, (ctx) => {
      // @ts-expect-error a list runs dependencies for their effect only
      ctx.pagination;
      return "ok";
    });
  });

  test("a router's deps record is typed on its routes", () => {
    const router = new Router({ prefix: "/r", deps: { user: currentUser } });
    router.get("/", ({ user }) => {
      expectTypeOf(user.name).toEqualTypeOf<string>();
      return user.name;
    });
  });

  test("Security keeps the value type, SecurityScopes gives scopes", () => {
    expectTypeOf(Security(currentUser, ["me"])).toEqualTypeOf(currentUser);
    depends({ securityScopes: SecurityScopes }, ({ securityScopes }) => {
      expectTypeOf(securityScopes.scopes).toEqualTypeOf<readonly string[]>();
      expectTypeOf(securityScopes.scopeStr).toEqualTypeOf<string>();
    });
  });
});

describe("depends(spec, fn) arguments", () => {
  test("inputs are typed from their schemas, sub-dependencies from their values", () => {
    depends(
      { query: { q: z.string().optional() }, body: z.object({ n: z.int() }), db: getDb },
      (args) => {
        expectTypeOf(args.query).toEqualTypeOf<{ q: string | undefined }>();
        expectTypeOf(args.body).toEqualTypeOf<{ n: number }>();
        expectTypeOf(args.db).toEqualTypeOf<Db>();
        expectTypeOf(args.request.method).toEqualTypeOf<string>();
        // @ts-expect-error only declared keys exist
        args.nothing;
      },
    );
  });

  test("depends(fn) gives the base context, with the app typed by AppState", () => {
    depends(({ request, state, app }) => {
      expectTypeOf(request.headers.authorization).toEqualTypeOf<string | undefined>();
      expectTypeOf(state).toEqualTypeOf<Record<string, unknown>>();
      expectTypeOf(app.state).toEqualTypeOf<AppState>();
    });
  });
});

describe("reserved keys are type errors", () => {
  test("in a route's deps", () => {
    const app = new App();
    // @ts-expect-error 'body' is the context's
    app.get("/", { deps: { body: getDb } }, () => "x");
    // @ts-expect-error 'request' is the context's
    app.get("/", { deps: { request: getDb } }, () => "x");
  });

  test("in depends(spec, fn) for a sub-dependency", () => {
    // @ts-expect-error 'state' is the context's
    depends({ state: getDb }, () => 1);
    // @ts-expect-error 'app' is the context's
    depends({ app: getDb }, () => 1);
  });

  test("in a router's deps", () => {
    // @ts-expect-error 'session' is the context's
    new Router({ deps: { session: getDb } });
  });
});
