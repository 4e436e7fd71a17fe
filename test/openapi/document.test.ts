import { App, Router } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

describe("info and servers", () => {
  test("info carries the App's metadata, license with an SPDX identifier", () => {
    const app = new App({
      title: "Shop",
      version: "2.0.0",
      summary: "Things to buy",
      description: "All the **shop's** endpoints.",
      contact: {
        name: "Shop team",
        url: "https://shop.example.org",
        email: "team@shop.example.org",
      },
      license: { name: "Apache 2.0", identifier: "Apache-2.0" },
    });
    const document = app.openapi();
    expect(document.openapi).toBe("3.1.0");
    expect(document.info).toEqual({
      title: "Shop",
      summary: "Things to buy",
      description: "All the **shop's** endpoints.",
      contact: {
        name: "Shop team",
        url: "https://shop.example.org",
        email: "team@shop.example.org",
      },
      license: { name: "Apache 2.0", identifier: "Apache-2.0" },
      version: "2.0.0",
    });
  });

  test("defaults: title Vial, version 0.1.0, one server at /", () => {
    const document = new App().openapi();
    expect(document.info).toEqual({ title: "Vial", version: "0.1.0" });
    expect(document.servers).toEqual([{ url: "/" }]);
    expect(document.paths).toEqual({});
    expect(document.components).toBeUndefined();
    expect(document.tags).toBeUndefined();
  });

  test("servers are the given ones; rootPath comes first unless already listed", () => {
    const servers = [{ url: "https://api.example.org", description: "Production" }];
    expect(new App({ servers }).openapi().servers).toEqual(servers);
    expect(new App({ servers, rootPath: "/api" }).openapi().servers).toEqual([
      { url: "/api" },
      ...servers,
    ]);
    expect(new App({ servers: [{ url: "/api" }], rootPath: "/api" }).openapi().servers).toEqual([
      { url: "/api" },
    ]);
    expect(new App({ rootPath: "/api" }).openapi().servers).toEqual([{ url: "/api" }]);
  });

  test("a license without a name, or with both identifier and url, is refused at construction", () => {
    expect(() => new App({ license: {} as never })).toThrow(/`license` needs a `name`/);
    expect(
      () => new App({ license: { name: "MIT", identifier: "MIT", url: "https://x.org" } }),
    ).toThrow(/identifier` or a `url`, not both/);
  });

  test("a rootPath that is not a prefix is refused", () => {
    expect(() => new App({ rootPath: "api" })).toThrow(/`rootPath`: 'api' must start with '\/'/);
    expect(() => new App({ rootPath: "/api/" })).toThrow(/not end with one/);
  });
});

describe("operations", () => {
  test("operationId and summary derive from the handler's name, FastAPI's way", () => {
    const app = new App();
    app.post("/users/", function create_user() {
      return {};
    });
    app.get("/users/{id}", function readUser() {
      return {};
    });
    app.get("/files/{rest:path}", function getHTTPFile() {
      return {};
    });
    const paths = app.openapi().paths;
    expect(paths["/users/"]!.post).toMatchObject({
      summary: "Create User",
      operationId: "create_user_users__post",
    });
    expect(paths["/users/{id}"]!.get).toMatchObject({
      summary: "Read User",
      operationId: "readUser_users__id__get",
    });
    expect(paths["/files/{rest}"]!.get).toMatchObject({
      summary: "Get HTTP File",
      operationId: "getHTTPFile_files__rest__get",
    });
  });

  test("an anonymous handler is named by its method and path", () => {
    const app = new App();
    app.get("/", () => "hi");
    app.delete("/users/{id}", () => undefined);
    const paths = app.openapi().paths;
    expect(paths["/"]!.get).toMatchObject({ summary: "Get Root", operationId: "get" });
    expect(paths["/users/{id}"]!.delete).toMatchObject({
      summary: "Delete Users Id",
      operationId: "users__id__delete",
    });
  });

  test("summary, description, operationId, tags and deprecated from the route options", () => {
    const app = new App();
    app.get(
      "/items",
      {
        summary: "List items",
        description: "Every item, newest first.",
        operationId: "listItems",
        tags: ["items", "catalog"],
        deprecated: true,
      },
      () => [],
    );
    expect(app.openapi().paths["/items"]!.get).toEqual({
      tags: ["items", "catalog"],
      summary: "List items",
      description: "Every item, newest first.",
      operationId: "listItems",
      deprecated: true,
      responses: {
        "200": {
          description: "Successful Response",
          content: { "application/json": { schema: {} } },
        },
      },
      security: [],
    });
  });

  test("a route with several methods has one operation per method, ids kept apart", () => {
    const app = new App();
    app.route("/ping", { methods: ["GET", "POST"], operationId: "ping" }, () => "pong");
    app.route("/echo", { methods: ["PUT", "PATCH"] }, function echo() {
      return "";
    });
    const paths = app.openapi().paths;
    expect(paths["/ping"]!.get!.operationId).toBe("ping_get");
    expect(paths["/ping"]!.post!.operationId).toBe("ping_post");
    expect(paths["/echo"]!.put!.operationId).toBe("echo_echo_put");
    expect(paths["/echo"]!.patch!.operationId).toBe("echo_echo_patch");
  });

  test("routes of one path share its path item, in registration order", () => {
    const app = new App();
    app.get("/a", () => 1);
    app.post("/b", () => 1);
    app.delete("/a", () => 1);
    const paths = app.openapi().paths;
    expect(Object.keys(paths)).toEqual(["/a", "/b"]);
    expect(Object.keys(paths["/a"]!)).toEqual(["get", "delete"]);
  });

  test("includeInSchema: false leaves the route out; it still answers", async () => {
    const app = new App();
    app.get("/health", { includeInSchema: false }, () => ({ ok: true }));
    app.get("/users", () => []);
    expect(Object.keys(app.openapi().paths)).toEqual(["/users"]);
    const res = await new TestClient(app).get("/health");
    expect(res.json()).toEqual({ ok: true });
  });

  test("routers add their prefix and tags", () => {
    const items = new Router({ prefix: "/items", tags: ["items"] });
    items.get("/{id}", function read_item() {
      return {};
    });
    const app = new App();
    app.include(items, { prefix: "/v2", tags: ["v2"] });
    expect(app.openapi().paths["/v2/items/{id}"]!.get).toMatchObject({
      tags: ["v2", "items"],
      operationId: "read_item_v2_items__id__get",
    });
  });

  test("two routes with the same operationId are a startup error naming both", async () => {
    const app = new App();
    app.get("/a", { operationId: "same" }, () => 1);
    app.post("/b", { operationId: "same" }, () => 1);
    const message =
      "Routes GET /a and POST /b have the same operationId 'same'. Give one another `operationId` (or another handler name).";
    expect(() => app.openapi()).toThrow(message);
    await expect(app.startup()).rejects.toThrow(message);
  });

  test("derived operationIds that clash are refused too", () => {
    const app = new App();
    app.get("/b", function x_a() {});
    app.get("/a_b", function x() {});
    expect(() => app.openapi()).toThrow(
      "Routes GET /b and GET /a_b have the same operationId 'x_a_b_get'",
    );
  });
});

describe("tags metadata", () => {
  test("openapiTags are listed as given, in order", () => {
    const tags = [
      { name: "users", description: "People" },
      { name: "items", externalDocs: { url: "https://docs.example.org/items" } },
    ];
    const app = new App({ openapiTags: tags });
    app.get("/items", { tags: ["items"] }, () => []);
    expect(app.openapi().tags).toEqual(tags);
  });

  test("a tag without a name is refused", () => {
    expect(() => new App({ openapiTags: [{ description: "x" } as never] })).toThrow(
      /every tag needs a `name`/,
    );
  });
});

describe("caching", () => {
  test("the document is generated once and rebuilt only when routes change", () => {
    const app = new App();
    app.get("/a", () => 1);
    const first = app.openapi();
    expect(app.openapi()).toBe(first);
    app.get("/b", () => 1);
    const second = app.openapi();
    expect(second).not.toBe(first);
    expect(Object.keys(second.paths)).toEqual(["/a", "/b"]);
    expect(app.openapi()).toBe(second);
  });

  test("/openapi.json serves the document, serialized once", async () => {
    const app = new App({ title: "T" });
    app.get("/a", () => 1);
    const client = new TestClient(app);
    const res = await client.get("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.json()).toEqual(app.openapi());
    app.get("/b", () => 1);
    expect(Object.keys((await client.get("/openapi.json")).json().paths)).toEqual(["/a", "/b"]);
  });

  test("replacing app.openapi customises the served document (FastAPI's pattern)", async () => {
    const app = new App({ title: "Shop" });
    app.get("/a", () => 1);
    const generated = app.openapi.bind(app);
    let custom: ReturnType<typeof app.openapi> | undefined;
    app.openapi = () => {
      if (!custom) {
        const document = generated();
        custom = { ...document, info: { ...document.info, "x-logo": { url: "/logo.png" } } };
      }
      return custom;
    };
    const res = await new TestClient(app).get("/openapi.json");
    expect(res.json().info).toEqual({
      title: "Shop",
      version: "0.1.0",
      "x-logo": { url: "/logo.png" },
    });
    expect(Object.keys(res.json().paths)).toEqual(["/a"]);
  });
});
