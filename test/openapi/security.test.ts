import { App, type Dependency, depends, HTTPException, Router, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

/** A security dependency made by hand, as the security classes make theirs. */
function secured<T>(
  dep: Dependency<T>,
  name: string,
  scheme: Record<string, unknown>,
  scopes: string[] = [],
) {
  dep.security = { name, scheme, scopes };
  return dep;
}

const apiKey = secured(
  depends({ headers: { x_api_key: z.string().optional() } }, ({ headers }) => {
    if (headers.x_api_key !== "secret") throw new HTTPException(401, "Not authenticated");
    return headers.x_api_key;
  }),
  "APIKeyHeader",
  { type: "apiKey", in: "header", name: "X-API-Key" },
);

const oauth2Scheme = {
  type: "oauth2",
  flows: { password: { tokenUrl: "token", scopes: { me: "Read me", items: "Read items" } } },
};
const readMe = secured(
  depends(() => "token"),
  "OAuth2PasswordBearer",
  oauth2Scheme,
  ["me"],
);
const readItems = secured(
  depends(() => "token"),
  "OAuth2PasswordBearer",
  oauth2Scheme,
  ["items", "me"],
);

describe("security", () => {
  test("a security dependency adds its scheme and the operation's requirement", async () => {
    const app = new App();
    app.get("/me", { deps: { key: apiKey } }, ({ key }) => ({ key }));
    app.get("/public", () => "hi");
    const document = app.openapi();
    expect(document.components!.securitySchemes).toEqual({
      APIKeyHeader: { type: "apiKey", in: "header", name: "X-API-Key" },
    });
    expect(document.paths["/me"]!.get!.security).toEqual([{ APIKeyHeader: [] }]);
    // Public operations say so, which validators ask of every operation.
    expect(document.paths["/public"]!.get!.security).toEqual([]);
    const client = new TestClient(app);
    expect((await client.get("/me")).status).toBe(401);
    expect((await client.get("/me", { headers: { "X-API-Key": "secret" } })).json()).toEqual({
      key: "secret",
    });
  });

  test("found through sub-dependencies, routers and the app's deps", () => {
    const currentUser = depends({ key: apiKey }, ({ key }) => ({ name: key }));
    const admin = new Router({ prefix: "/admin", deps: [readMe] });
    admin.get("/stats", { deps: { user: currentUser } }, () => ({}));
    const app = new App();
    app.include(admin);
    expect(app.openapi().paths["/admin/stats"]!.get!.security).toEqual([
      { OAuth2PasswordBearer: ["me"], APIKeyHeader: [] },
    ]);
    const appWide = new App({ deps: [apiKey] });
    appWide.get("/x", () => 1);
    expect(appWide.openapi().paths["/x"]!.get!.security).toEqual([{ APIKeyHeader: [] }]);
  });

  test("all of a route's schemes are required together; scopes of one scheme are merged", () => {
    const app = new App();
    app.get("/items", { deps: { a: readMe, b: readItems } }, () => []);
    expect(app.openapi().paths["/items"]!.get!.security).toEqual([
      { OAuth2PasswordBearer: ["me", "items"] },
    ]);
    expect(Object.keys(app.openapi().components!.securitySchemes!)).toEqual([
      "OAuth2PasswordBearer",
    ]);
  });

  test("the scheme's own inputs are parameters like any dependency's", () => {
    const app = new App();
    app.get("/me", { deps: { key: apiKey } }, () => 1);
    expect(app.openapi().paths["/me"]!.get!.parameters).toEqual([
      { name: "x-api-key", in: "header", required: false, schema: { type: "string" } },
    ]);
  });

  test("two different schemes under one name are an error naming the route", () => {
    const other = secured(
      depends(() => 1),
      "APIKeyHeader",
      {
        type: "apiKey",
        in: "query",
        name: "key",
      },
    );
    const app = new App();
    app.get("/a", { deps: [apiKey] }, () => 1);
    app.get("/b", { deps: [other] }, () => 1);
    expect(() => app.openapi()).toThrow(
      "Route GET /b: two different security schemes are named 'APIKeyHeader'. Give one another scheme name.",
    );
  });
});
