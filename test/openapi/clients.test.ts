// Proof that the ecosystem's client generators can use the document: openapi-typescript turns
// the demo's document into types (reviewed as a snapshot, compiled by the type checks), and
// openapi-fetch, typed by them, calls the demo over HTTP.
import type { AddressInfo } from "node:net";
import createClient from "openapi-fetch";
import openapiTS, { astToString } from "openapi-typescript";
import { expect, test } from "vitest";
import { createApp } from "../../examples/users/app.js";
import type { paths } from "./__snapshots__/users.openapi.js";
import { formatted } from "./snapshot-format.js";

test("openapi-typescript turns the demo's document into the reviewed types", async () => {
  const ast = await openapiTS(createApp(":memory:").openapi() as never);
  const types = formatted(astToString(ast), "users.openapi.d.ts");
  await expect(types).toMatchFileSnapshot("./__snapshots__/users.openapi.d.ts");
});

test("openapi-fetch, typed by those types, calls the running demo", async () => {
  const app = createApp(":memory:");
  const server = await app.listen({ port: 0, host: "127.0.0.1" });
  try {
    const { port } = server.address() as AddressInfo;
    const client = createClient<paths>({ baseUrl: `http://127.0.0.1:${port}` });

    const created = await client.POST("/users/", {
      body: { username: "ann", email: "ann@example.org", age: 31 },
    });
    expect(created.response.status).toBe(201);
    expect(created.data).toEqual({ id: 1, username: "ann", email: "ann@example.org", age: 31 });

    const read = await client.GET("/users/{id}", { params: { path: { id: created.data!.id } } });
    expect(read.data?.username).toBe("ann");

    const page = await client.GET("/users/", { params: { query: { skip: 0, limit: 5 } } });
    expect(page.data?.map((user) => user.email)).toEqual(["ann@example.org"]);

    const renamed = await client.PATCH("/users/{id}", {
      params: { path: { id: 1 } },
      body: { username: "anna" },
    });
    expect(renamed.data?.username).toBe("anna");

    const invalid = await client.POST("/users/", {
      body: { username: "an", email: "ann@example.org", age: 31 },
    });
    expect(invalid.response.status).toBe(422);
    expect(invalid.error?.detail?.[0]).toMatchObject({
      type: "string_too_short",
      loc: ["body", "username"],
    });

    const removed = await client.DELETE("/users/{id}", { params: { path: { id: 1 } } });
    expect(removed.response.status).toBe(204);
  } finally {
    await app.close();
  }
});
