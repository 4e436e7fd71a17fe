import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";
import { createApp } from "../../examples/catalog/app.js";

const lamp = { name: "Desk lamp", price: { amount: 35 }, tags: ["light", "desk"] };

async function seeded() {
  const client = new TestClient(createApp());
  await client.post("/products", { json: lamp });
  await client.post("/products", {
    json: { name: "Floor lamp", price: { amount: 120, currency: "USD" }, tags: ["light"] },
  });
  return client;
}

describe("examples/catalog", () => {
  test("creates a product: 201, the currency's default filled in, an id", async () => {
    const client = new TestClient(createApp());
    const res = await client.post("/products", { json: lamp });
    expect(res.status).toBe(201);
    expect(res.json()).toEqual({
      id: 1,
      name: "Desk lamp",
      price: { amount: 35, currency: "EUR" },
      tags: ["light", "desk"],
    });
    const again = await client.post("/products", { json: lamp });
    expect(again.status).toBe(409);
    expect(again.json()).toEqual({ detail: "Name taken" });
  });

  test("a product with a negative price or an unknown currency is a 422", async () => {
    const client = new TestClient(createApp());
    const res = await client.post("/products", {
      json: { name: "x", price: { amount: -1, currency: "GBP" } },
    });
    expect(res.status).toBe(422);
    expect(res.json().detail.map((e: { loc: unknown[] }) => e.loc)).toEqual([
      ["body", "price", "amount"],
      ["body", "price", "currency"],
    ]);
  });

  test("searches by words, repeated tags and a price limit", async () => {
    const client = await seeded();
    const names = async (query: Record<string, string | string[]>) =>
      (await client.get("/products", { query })).json().map((p: { name: string }) => p.name);
    expect(await names({})).toEqual(["Desk lamp", "Floor lamp"]);
    expect(await names({ q: "Floor" })).toEqual(["Floor lamp"]);
    expect(await names({ tag: ["light", "desk"] })).toEqual(["Desk lamp"]);
    expect(await names({ max_price: "50" })).toEqual(["Desk lamp"]);
    expect((await client.get("/products", { query: { max_price: "cheap" } })).status).toBe(422);
  });

  test("reads one product, 404 when there is none", async () => {
    const client = await seeded();
    expect((await client.get("/products/2")).json().price).toEqual({
      amount: 120,
      currency: "USD",
    });
    const missing = await client.get("/products/9");
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ detail: "Product not found" });
  });

  test("deleting needs the admin key", async () => {
    const client = await seeded();
    expect((await client.delete("/products/1")).status).toBe(422);
    const wrong = await client.delete("/products/1", { headers: { "x-admin-key": "guess" } });
    expect(wrong.status).toBe(403);
    const done = await client.delete("/products/1", { headers: { "x-admin-key": "admin" } });
    expect(done.status).toBe(204);
    expect((await client.get("/products/1")).status).toBe(404);
  });

  test("the deprecated /items still lists products; /health is up but undocumented", async () => {
    const client = await seeded();
    expect((await client.get("/items")).json()).toHaveLength(2);
    expect((await client.get("/health")).json()).toEqual({ ok: true });
    const document = (await client.get("/openapi.json")).json();
    expect(document.paths["/items"].get.deprecated).toBe(true);
    expect(document.paths["/health"]).toBeUndefined();
  });

  test("subscribes to the newsletter by form", async () => {
    const client = new TestClient(createApp());
    const ok = await client.post("/newsletter", {
      form: { email: "ann@example.org", topics: ["offers"] },
    });
    expect(ok.status).toBe(204);
    const bad = await client.post("/newsletter", { form: { email: "nope" } });
    expect(bad.status).toBe(422);
    expect(bad.json().detail[0].loc).toEqual(["body", "email"]);
  });

  test("documents named schemas apart for requests and responses", () => {
    const schemas = createApp().openapi().components!.schemas!;
    expect(Object.keys(schemas)).toEqual([
      "HTTPValidationError",
      "Message",
      "Money-Input",
      "Money-Output",
      "Product",
      "StoredProduct",
      "ValidationError",
    ]);
  });
});
