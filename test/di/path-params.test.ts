import { App, depends, z } from "vial";
import { TestClient } from "vial/testing";
import { expect, test } from "vitest";

const item = depends({ params: { id: z.int() } }, ({ params }) => ({ id: params.id }));

test("a dependency reads the path parameters of the route it is used on", async () => {
  const app = new App();
  app.get("/items/{id}", { deps: { item } }, ({ item }) => item);
  app.get("/shops/{shop}/items/{id}", { deps: { item } }, ({ item, params }) => ({
    ...item,
    shop: params.shop,
  }));
  const client = new TestClient(app);
  expect((await client.get("/items/42")).json()).toEqual({ id: 42 });
  expect((await client.get("/shops/s1/items/7")).json()).toEqual({ id: 7, shop: "s1" });
  const invalid = await client.get("/items/x");
  expect(invalid.status).toBe(422);
  expect(invalid.json().detail[0]).toMatchObject({ type: "int_parsing", loc: ["path", "id"] });
});

test("a dependency reading a path parameter the route lacks fails at startup, naming both", async () => {
  const app = new App();
  app.get("/items", { deps: { item } }, ({ item }) => item);
  await expect(app.startup()).rejects.toThrow(
    "Route GET /items: dependency anonymous reads path parameter 'id', but the path has no {id}.",
  );
});

test("a dependency cannot declare the route's catch-all parameter", async () => {
  const rest = depends({ params: { rest: z.string() } }, ({ params }) => params.rest);
  const app = new App();
  app.get("/files/{rest:path}", { deps: { rest } }, ({ rest }) => rest);
  await expect(app.startup()).rejects.toThrow(
    "Route GET /files/{rest:path}: dependency anonymous reads the catch-all {rest:path}, which only the route's own `params` can declare.",
  );
});
